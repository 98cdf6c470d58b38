package io.nodeimage.policy;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleSignature;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Judges an image's facts against policies, applying waivers that are still in force on the given day. */
public final class Evaluator {

    private final LocalDate today;

    public Evaluator(LocalDate today) {
        this.today = today;
    }

    /** What the policy's appliesTo and waivers are matched against. */
    public record Target(String profile, String family, String release, String arch) {
    }

    public List<RuleResult> evaluate(List<LoadedPolicy> policies, Facts facts, Target target) {
        List<RuleResult> out = new ArrayList<>();
        for (LoadedPolicy lp : policies) {
            Policy p = lp.policy();
            boolean applies = applies(p.appliesTo(), target);
            for (Policy.Rule rule : p.rules()) {
                if (!applies) {
                    out.add(result(lp, rule, RuleResult.Status.NOT_APPLICABLE, "the policy does not apply to "
                            + describe(target), List.of(), null, false));
                    continue;
                }
                if ((rule.kernelConfig() != null || rule.kernelModules() != null || rule.driver() != null)
                        && facts.kernels().isEmpty()) {
                    out.add(result(lp, rule, RuleResult.Status.NOT_APPLICABLE,
                            "the image has no kernel module tree (a container image)", List.of(), null, false));
                    continue;
                }
                List<String> evidence = new ArrayList<>();
                Optional<String> failure = check(rule, facts, evidence);
                if (failure.isEmpty()) {
                    out.add(result(lp, rule, RuleResult.Status.PASS, "holds", evidence, null, false));
                    continue;
                }
                Optional<Policy.Waiver> waiver = p.waivers().stream()
                        .filter(w -> w.rule().equals(rule.id()) && matchesProfile(w.profiles(), target.profile()))
                        .findFirst();
                if (waiver.isPresent() && !LocalDate.parse(waiver.get().expires()).isBefore(today)) {
                    out.add(result(lp, rule, RuleResult.Status.WAIVED, failure.get() + "; waived until "
                            + waiver.get().expires() + " by " + waiver.get().approvedBy() + ": " + waiver.get().reason(),
                            evidence, waiver.get(), false));
                } else if (waiver.isPresent()) {
                    out.add(result(lp, rule, RuleResult.Status.FAIL, failure.get() + "; its waiver expired on "
                            + waiver.get().expires(), evidence, waiver.get(), true));
                } else {
                    out.add(result(lp, rule, RuleResult.Status.FAIL, failure.get(), evidence, null, false));
                }
            }
        }
        return out;
    }

    private static RuleResult result(LoadedPolicy lp, Policy.Rule rule, RuleResult.Status status, String message,
                                     List<String> evidence, Policy.Waiver waiver, boolean expired) {
        return new RuleResult(lp.policy().name(), lp.policy().version(), rule.id(),
                rule.title() == null ? rule.id() : rule.title(), rule.severity(), status, message, evidence,
                lp.ruleLocations().get(rule.id()), waiver, expired);
    }

    private static String describe(Target t) {
        return t.family() + " " + t.release() + " " + t.arch() + (t.profile() == null ? "" : " (" + t.profile() + ")");
    }

    static boolean applies(Policy.AppliesTo a, Target t) {
        return (a.family().isEmpty() || a.family().contains(t.family()))
                && (a.release().isEmpty() || a.release().contains(t.release()))
                && (a.arch().isEmpty() || a.arch().contains(t.arch()))
                && matchesProfile(a.profiles(), t.profile());
    }

    static boolean matchesProfile(List<String> globs, String profile) {
        if (globs.isEmpty()) {
            return true;
        }
        if (profile == null) {
            return false;
        }
        return globs.stream().anyMatch(g -> FileSystems.getDefault().getPathMatcher("glob:" + g).matches(Path.of(profile)));
    }

    /** The reason the rule fails, or empty when it holds; evidence collects what was looked at. */
    private static Optional<String> check(Policy.Rule r, Facts f, List<String> evidence) {
        if (r.kernelModule() != null) {
            return module(r.kernelModule(), f, evidence);
        }
        if (r.kernelModules() != null) {
            return modules(r.kernelModules(), f, evidence);
        }
        if (r.driver() != null) {
            return driver(r.driver(), f, evidence);
        }
        if (r.packageState() != null) {
            return packageCheck(r.packageState(), f, evidence);
        }
        if (r.sysctl() != null) {
            Facts.Setting s = f.sysctl().get(r.sysctl().key());
            evidence.add(r.sysctl().key() + " = " + (s == null ? "(not set)" : s.value() + " (" + s.file() + ")"));
            return s != null && s.value().equals(r.sysctl().value()) ? Optional.empty()
                    : Optional.of(r.sysctl().key() + " is " + (s == null ? "not set" : s.value()) + ", not " + r.sysctl().value());
        }
        if (r.kernelConfig() != null) {
            if (f.kernels().isEmpty()) {
                return Optional.of("the image has no kernel");
            }
            List<String> wrong = new ArrayList<>();
            for (Facts.KernelTree k : f.kernels()) {
                String v = k.config().get(r.kernelConfig().option());
                evidence.add(k.version() + ": " + r.kernelConfig().option() + "=" + (v == null ? "(no /boot/config)" : v));
                if (!r.kernelConfig().value().equals(v)) {
                    wrong.add(k.version());
                }
            }
            return wrong.isEmpty() ? Optional.empty()
                    : Optional.of(r.kernelConfig().option() + " is not " + r.kernelConfig().value() + " in " + String.join(", ", wrong));
        }
        if (r.cmdline() != null) {
            boolean present = f.cmdline().stream().anyMatch(c -> c.text().matches(
                    "(?s).*(^|[\\s\"'])" + java.util.regex.Pattern.quote(r.cmdline().argument()) + "($|[\\s\"']).*"));
            f.cmdline().forEach(c -> evidence.add(c.path()));
            boolean wanted = r.cmdline().state() != Policy.Presence.ABSENT;
            return present == wanted ? Optional.empty() : Optional.of("kernel argument " + r.cmdline().argument()
                    + (wanted ? " is set nowhere a boot reads it" : " is set"));
        }
        if (r.service() != null) {
            String unit = r.service().name().contains(".") ? r.service().name() : r.service().name() + ".service";
            boolean enabled = f.enabledUnits().contains(unit);
            boolean masked = f.maskedUnits().contains(unit);
            evidence.add(unit + (enabled ? " enabled" : masked ? " masked" : " not enabled"));
            boolean ok = switch (r.service().state()) {
                case ENABLED -> enabled;
                case NOT_ENABLED -> !enabled;
                case MASKED -> masked;
            };
            return ok ? Optional.empty() : Optional.of(unit + " is not " + r.service().state().yamlName());
        }
        if (r.file() != null) {
            return file(r.file(), f, evidence);
        }
        // The loader refuses rules without a check it supports; a rule reaching here is a bug.
        throw new IllegalStateException("rule " + r.id() + " has no supported check");
    }

    private static Optional<String> module(Policy.ModuleCheck c, Facts f, List<String> evidence) {
        String name = c.name().replace('-', '_');
        if (f.kernels().isEmpty()) {
            evidence.add("no kernel module tree in the image");
            return c.state() == Policy.ModuleState.ABSENT || c.state() == Policy.ModuleState.DISABLED
                    ? Optional.empty() : Optional.of(c.name() + " cannot be " + c.state().yamlName() + ": the image has no kernel");
        }
        List<String> wrong = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            String state = f.modules().stream().filter(s -> s.kernel().equals(k.version()) && s.module().equals(name))
                    .map(Facts.ModuleState::state).findFirst().orElse("absent");
            evidence.add(k.version() + ": " + name + " " + state);
            boolean ok = switch (c.state()) {
                case PRESENT -> !state.equals("absent");
                case ABSENT -> state.equals("absent");
                case DISABLED -> state.equals("absent") || state.equals("disabled");
                case LOADABLE -> state.equals("loadable") || state.equals("builtin");
            };
            if (!ok) {
                wrong.add(k.version() + " (" + state + ")");
            }
        }
        return wrong.isEmpty() ? Optional.empty()
                : Optional.of(c.name() + " is not " + c.state().yamlName() + " in kernel " + String.join(", ", wrong));
    }

    private static Optional<String> modules(Policy.ModulesCheck c, Facts f, List<String> evidence) {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        for (Facts.KernelTree k : f.kernels()) {
            for (KernelModule m : k.modules()) {
                checked++;
                Optional<ModuleSignature> sig = m.signature();
                if (c.signature() == Policy.Requirement.REQUIRED && sig.isEmpty()) {
                    bad.add(m.path() + " (" + m.name() + ") is not signed");
                } else if (sig.isPresent() && !c.trustedSigners().isEmpty() && !c.trustedSigners().contains(sig.get().signer())) {
                    bad.add(m.path() + " is signed by '" + sig.get().signer() + "', not a trusted signer");
                } else if (sig.isPresent() && !c.trustedKeyIds().isEmpty() && !c.trustedKeyIds().contains(sig.get().keyId())) {
                    bad.add(m.path() + " is signed with key " + sig.get().keyId() + ", not a trusted key");
                }
                if (!c.licenses().isEmpty() && !c.licenses().contains(m.license())) {
                    bad.add(m.path() + " has licence '" + m.license() + "'");
                }
            }
        }
        evidence.add(checked + " modules checked in " + f.kernels().size() + " kernel trees");
        bad.stream().sorted().limit(50).forEach(evidence::add);
        return bad.isEmpty() ? Optional.empty() : Optional.of(bad.size() + " of " + checked + " modules fail: " + bad.get(0)
                + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : ""));
    }

    private static Optional<String> driver(Policy.DriverCheck c, Facts f, List<String> evidence) {
        List<Facts.Driver> drivers = f.drivers().stream().filter(d -> d.vendor().equals(c.vendor())).toList();
        if (drivers.isEmpty()) {
            evidence.add("no " + c.vendor() + " driver module in any kernel tree");
            return Optional.of("no " + c.vendor() + " driver in the image");
        }
        for (Facts.Driver d : drivers) {
            evidence.add(d.kernel() + ": " + d.module() + " " + d.version() + " " + d.flavor()
                    + (d.gspFirmware() ? " with GSP firmware" : ""));
            if (c.version() != null && (d.version() == null
                    || !VersionOrder.satisfies(d.version(), c.version(), VersionOrder::rpm))) {
                return Optional.of(c.vendor() + " driver " + d.version() + " is outside " + c.version() + " (kernel " + d.kernel() + ")");
            }
            if (c.flavor() != null && !c.flavor().equals(d.flavor())) {
                return Optional.of(c.vendor() + " driver is " + d.flavor() + ", not " + c.flavor() + " (kernel " + d.kernel() + ")");
            }
            if (Boolean.TRUE.equals(c.gspFirmware()) && !d.gspFirmware()) {
                return Optional.of("no GSP firmware for " + c.vendor() + " driver " + d.version());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> packageCheck(Policy.PackageCheck c, Facts f, List<String> evidence) {
        Optional<Facts.Package> p = f.packages().stream().filter(x -> x.name().equals(c.name())).findFirst();
        evidence.add(c.name() + " " + p.map(Facts.Package::version).orElse("(not installed)"));
        if (c.state() == Policy.Presence.ABSENT) {
            return p.isEmpty() ? Optional.empty() : Optional.of(c.name() + " " + p.get().version() + " is installed");
        }
        if (p.isEmpty()) {
            return Optional.of(c.name() + " is not installed");
        }
        Comparator<String> order = f.osRelease().getOrDefault("ID", "").matches("debian|ubuntu") ? VersionOrder::dpkg : VersionOrder::rpm;
        if (c.version() != null && !VersionOrder.satisfies(p.get().version(), c.version(), order)) {
            return Optional.of(c.name() + " " + p.get().version() + " is outside " + c.version());
        }
        return Optional.empty();
    }

    private static Optional<String> file(Policy.FileCheck c, Facts f, List<String> evidence) {
        Optional<Facts.FileEntry> e = f.files().stream().filter(x -> x.path().equals(c.path())).findFirst();
        evidence.add(e.map(x -> x.path() + " " + x.type() + " " + x.mode() + " " + x.owner() + ":" + x.group()
                + (x.link() == null ? "" : " -> " + x.link())).orElse(c.path() + " (absent)"));
        if (c.state() == Policy.FileState.ABSENT) {
            return e.isEmpty() ? Optional.empty() : Optional.of(c.path() + " exists");
        }
        if (e.isEmpty()) {
            return c.state() == Policy.FileState.IF_PRESENT ? Optional.empty() : Optional.of(c.path() + " does not exist");
        }
        Facts.FileEntry x = e.get();
        List<String> wrong = new ArrayList<>();
        if (c.maxMode() != null && !x.type().equals("link")) {
            int extra = Integer.parseInt(x.mode(), 8) & ~Integer.parseInt(c.maxMode(), 8);
            if (extra != 0) {
                wrong.add("mode " + x.mode() + " allows more than " + c.maxMode());
            }
        }
        if (c.owner() != null && !c.owner().equals(x.owner()) && !c.owner().equals(Long.toString(x.uid()))) {
            wrong.add("owner is " + x.owner() + ", not " + c.owner());
        }
        if (c.group() != null && !c.group().equals(x.group()) && !c.group().equals(Long.toString(x.gid()))) {
            wrong.add("group is " + x.group() + ", not " + c.group());
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(c.path() + ": " + String.join("; ", wrong));
    }
}
