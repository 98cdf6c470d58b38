package io.nodeimage.plan;

import io.nodeimage.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ordered steps that make a profile's image, and the profile facts emitters need beside them
 * (family, release, base image, outputs).
 */
public record Plan(String profile, String description, Profile.Os os, String baseImage, String bootcImage,
                   List<Profile.Output> outputs, List<Step> steps, Hardening hardening, Origins origins) {

    public Plan {
        Objects.requireNonNull(profile);
        Objects.requireNonNull(os);
        Objects.requireNonNull(hardening);
        outputs = List.copyOf(outputs);
        steps = List.copyOf(steps);
        origins = origins == null ? Origins.NONE : origins;
    }

    public Plan(String profile, String description, Profile.Os os, String baseImage, String bootcImage,
                List<Profile.Output> outputs, List<Step> steps, Hardening hardening) {
        this(profile, description, os, baseImage, bootcImage, outputs, steps, hardening, Origins.NONE);
    }

    /** This plan, with the profile lines its values were written on (for comments and hints). */
    public Plan withOrigins(Origins lines) {
        return new Plan(profile, description, os, baseImage, bootcImage, outputs, steps, hardening, lines);
    }

    /** Why a step exists, with the profile lines its values come from where the profile wrote them. */
    public String origin(Step step) {
        return origins.describe(step);
    }

    /**
     * The hardening baseline as applied: the level asked for, the benchmark and version it was expanded
     * from (null for none), the one sentence every output uses to say how much of it is applied, and the
     * SCAP rules of items kept off on purpose (for tools that remediate the same benchmark).
     */
    public record Hardening(Profile.Baseline baseline, String benchmark, String claim, List<String> keptOutRules) {
        public Hardening {
            Objects.requireNonNull(baseline);
            Objects.requireNonNull(claim);
            keptOutRules = List.copyOf(keptOutRules);
        }
    }

    /** The steps of one type, in plan order. */
    public <T extends Step> List<T> steps(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Step s : steps) {
            if (type.isInstance(s)) {
                out.add(type.cast(s));
            }
        }
        return out;
    }

    public Profile.Family family() {
        return os.family();
    }

    /** Every package installed, in plan order. */
    public List<Step.Package> packages() {
        List<Step.Package> out = new ArrayList<>();
        steps(Step.InstallPackages.class).forEach(s -> out.addAll(s.packages()));
        return out;
    }

    /** The site's archive mirror, when the profile names one. */
    public java.util.Optional<Step.UseArchive> archive() {
        return steps(Step.UseArchive.class).stream().findFirst();
    }

    /** Every kernel argument, in plan order. */
    public List<String> kernelArguments() {
        List<String> out = new ArrayList<>();
        steps(Step.KernelArguments.class).forEach(s -> out.addAll(s.arguments()));
        return out;
    }

    /** Plain text, one step a line, for people reviewing what a profile will do. */
    public String describe() {
        StringBuilder out = new StringBuilder("# Plan for ").append(profile).append(" (")
                .append(os.family().yamlName()).append(' ').append(os.release()).append(' ')
                .append(os.arch().yamlName()).append(")\n");
        out.append("# Hardening: ").append(hardening.claim()).append(".\n");
        int n = 1;
        for (Step s : steps) {
            out.append(String.format("%3d. %s  [%s]%n", n++, summary(s), origin(s)));
        }
        return out.toString();
    }

    private static String summary(Step s) {
        if (s instanceof Step.UseArchive a) {
            return "use the site's archive mirror instead of the base image's sources: " + String.join(", ",
                    a.sources().stream().map(x -> x.role().id() + " " + x.url() + (x.suites().isEmpty() ? ""
                            : " (" + String.join(" ", x.suites()) + "; " + String.join(" ", x.components()) + ")"))
                            .toList()) + ", checked with " + a.keyring();
        } else if (s instanceof Step.TrustCertificate t) {
            return "trust certificate " + t.fileName();
        } else if (s instanceof Step.AddRepository r) {
            return "add repository " + r.name() + " " + (r.url() != null ? r.url() : r.releasePackage())
                    + (r.fingerprint() == null ? " (key not pinned)" : " (key " + r.fingerprint() + ")");
        } else if (s instanceof Step.EnableComponents c) {
            return "enable components " + String.join(" ", c.components()) + " of the base image's archive";
        } else if (s instanceof Step.ModuleSigningKey k) {
            return "generate the machine owner key '" + k.commonName() + "' for DKMS-built modules";
        } else if (s instanceof Step.InstallPackages p) {
            return "install " + String.join(" ", p.packages().stream()
                    .map(x -> x.version() == null ? x.name() : x.name() + "=" + x.version()).toList());
        } else if (s instanceof Step.RemovePackages r) {
            return "remove " + String.join(" ", r.packages());
        } else if (s instanceof Step.DisableModule d) {
            return "disable module " + d.module();
        } else if (s instanceof Step.ModuleOptions o) {
            return "options " + o.module() + " " + o.options();
        } else if (s instanceof Step.LoadModules l) {
            return "load at boot " + String.join(" ", l.modules());
        } else if (s instanceof Step.KernelArguments k) {
            return "kernel arguments " + String.join(" ", k.arguments());
        } else if (s instanceof Step.Sysctl c) {
            return "sysctl " + String.join(" ", c.settings().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList());
        } else if (s instanceof Step.WriteFile f) {
            return "write " + f.path();
        } else if (s instanceof Step.CreateUser u) {
            return "create user " + u.name();
        } else if (s instanceof Step.Services v) {
            return v.action().name().toLowerCase(java.util.Locale.ROOT) + " " + String.join(" ", v.units());
        }
        if (s instanceof Step.OpenPort o) {
            return "open port " + o.port() + " in the firewall";
        }
        if (s instanceof Step.SelinuxBoolean b) {
            return "turn on the SELinux boolean " + b.name();
        }
        if (s instanceof Step.RebuildInitramfs) {
            return "rebuild the initramfs";
        }
        throw new IllegalStateException("no summary for " + s.getClass().getSimpleName());
    }
}
