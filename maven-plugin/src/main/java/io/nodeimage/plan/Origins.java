package io.nodeimage.plan;

import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Where the values of a plan were written: the profile file and line of each package, module, kernel
 * argument, sysctl key, file, user, unit, repository and certificate a step carries. Rendered files say
 * "Do not edit", so their comments, and a failed build's hint, name these lines instead: the place to
 * make the change. Values the profile did not write (vendor data, a benchmark item) have no origin here;
 * their step's reason names their source.
 */
public final class Origins {

    /** No profile tree: every step is described by its reason alone. */
    public static final Origins NONE = new Origins(null);

    private final YNode.Mapping tree;

    private Origins(YNode.Mapping tree) {
        this.tree = tree;
    }

    public static Origins of(ResolvedProfile resolved) {
        return new Origins(resolved.tree());
    }

    /** The step's reason, followed by the lines its values come from: "packages.install: profiles/site.yaml:12". */
    public String describe(Step step) {
        List<String> lines = lines(step);
        return step.because() + (lines.isEmpty() ? "" : ": " + String.join(", ", lines));
    }

    /** Where one value of a step was written (a package, a sysctl key, a kernel argument), or empty. */
    public Optional<String> of(Step step, String value) {
        return locate(step, value).map(Origins::shown);
    }

    /** Every distinct line the step's values come from, in the order of the values. */
    public List<String> lines(Step step) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String value : values(step)) {
            locate(step, value).map(Origins::shown).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    private static List<String> values(Step step) {
        if (step instanceof Step.InstallPackages s) {
            return s.packages().stream().map(Step.Package::name).toList();
        } else if (step instanceof Step.RemovePackages s) {
            return s.packages();
        } else if (step instanceof Step.DisableModule s) {
            return List.of(s.module());
        } else if (step instanceof Step.ModuleOptions s) {
            return List.of(s.module());
        } else if (step instanceof Step.LoadModules s) {
            return s.modules();
        } else if (step instanceof Step.KernelArguments s) {
            return s.arguments();
        } else if (step instanceof Step.Sysctl s) {
            return new ArrayList<>(s.settings().keySet());
        } else if (step instanceof Step.WriteFile s) {
            return List.of(s.path());
        } else if (step instanceof Step.CreateUser s) {
            return List.of(s.name());
        } else if (step instanceof Step.Services s) {
            return s.units();
        } else if (step instanceof Step.TrustCertificate s) {
            return List.of(s.fileName());
        } else if (step instanceof Step.AddRepository s) {
            return List.of(s.name());
        }
        return List.of();
    }

    private Optional<Location> locate(Step step, String value) {
        if (tree == null) {
            return Optional.empty();
        }
        String because = step.because();
        // platform.hmm, platform.numaBalancing, ...: the step (or, for sysctl, the setting) names the key it renders.
        String reason = step instanceof Step.Sysctl s ? s.reasons().get(value) : because;
        if (reason != null && reason.startsWith("platform.")) {
            int end = reason.indexOf(':');
            return scalar((Object[]) (end < 0 ? reason : reason.substring(0, end)).split("\\."));
        }
        if (step instanceof Step.InstallPackages) {
            return because.equals("kernel.package") ? scalar("kernel", "package")
                    : because.equals("packages.install") ? item(value, "packages", "install") : Optional.empty();
        } else if (step instanceof Step.RemovePackages) {
            return because.equals("packages.remove") ? item(value, "packages", "remove") : Optional.empty();
        } else if (step instanceof Step.DisableModule) {
            return because.equals("kernel.modules.disable") ? item(value, "kernel", "modules", "disable") : Optional.empty();
        } else if (step instanceof Step.ModuleOptions) {
            return because.equals("kernel.modules.options") ? key(value, "kernel", "modules", "options") : Optional.empty();
        } else if (step instanceof Step.LoadModules) {
            return because.equals("kernel.modules.load") ? item(value, "kernel", "modules", "load") : Optional.empty();
        } else if (step instanceof Step.KernelArguments) {
            return because.equals("kernel.cmdline") ? item(value, "kernel", "cmdline") : Optional.empty();
        } else if (step instanceof Step.Sysctl s) {
            return "sysctl".equals(s.reasons().get(value)) ? key(value, "sysctl") : Optional.empty();
        } else if (step instanceof Step.WriteFile) {
            return because.equals("files") ? element("path", value, "files") : Optional.empty();
        } else if (step instanceof Step.CreateUser) {
            return because.equals("users") ? element("name", value, "users") : Optional.empty();
        } else if (step instanceof Step.Services s) {
            String list = s.action() == Step.UnitAction.ENABLE ? "enable"
                    : s.action() == Step.UnitAction.DISABLE ? "disable" : "mask";
            return item(value, "services", list);
        } else if (step instanceof Step.TrustCertificate) {
            return because.startsWith("trust.certificates.")
                    ? element("name", because.substring("trust.certificates.".length()), "trust", "certificates")
                    : Optional.empty();
        } else if (step instanceof Step.AddRepository) {
            return because.startsWith("repositories.") ? element("name", value, "repositories") : Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<Location> scalar(Object... path) {
        return YNode.at(tree, path).map(YNode::location);
    }

    /** The item of a list equal to {@code value}. */
    private Optional<Location> item(String value, Object... path) {
        if (YNode.at(tree, path).orElse(null) instanceof YNode.Sequence seq) {
            for (YNode n : seq.items()) {
                if (n instanceof YNode.Scalar s && s.text().equals(value)) {
                    return Optional.of(s.location());
                }
            }
        }
        return Optional.empty();
    }

    /** The key {@code value} of a mapping. */
    private Optional<Location> key(String value, Object... path) {
        if (YNode.at(tree, path).orElse(null) instanceof YNode.Mapping map) {
            return map.entry(value).map(e -> e.key().location());
        }
        return Optional.empty();
    }

    /** The list item (a mapping) whose {@code field} is {@code value}. */
    private Optional<Location> element(String field, String value, Object... path) {
        if (YNode.at(tree, path).orElse(null) instanceof YNode.Sequence seq) {
            for (YNode n : seq.items()) {
                if (n instanceof YNode.Mapping m && m.get(field).orElse(null) instanceof YNode.Scalar s
                        && s.text().equals(value)) {
                    return Optional.of(m.location());
                }
            }
        }
        return Optional.empty();
    }

    private static String shown(Location l) {
        return l.file() + ":" + l.line();
    }
}
