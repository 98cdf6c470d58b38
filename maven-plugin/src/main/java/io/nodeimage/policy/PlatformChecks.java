package io.nodeimage.policy;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.SysctlConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of platform features (issue 16): a module parameter, automatic NUMA balancing, KVM nested
 * virtualization, resctrl. Each is judged on an image from its configuration and on a running node from what
 * the kernel shows, and each says "not applicable" where the facts have nothing to judge (no such module, no
 * KVM, another architecture) rather than passing.
 */
final class PlatformChecks {

    /** The mount unit systemd names for /sys/fs/resctrl. */
    static final String RESCTRL_UNIT = "sys-fs-resctrl.mount";
    static final List<String> KVM_MODULES = List.of("kvm_intel", "kvm_amd");

    private PlatformChecks() {
    }

    static boolean handles(Policy.Rule r) {
        return r.moduleParameter() != null || r.numaBalancing() != null || r.nestedVirtualization() != null
                || r.resctrl() != null;
    }

    static Optional<RuntimeChecks.Skip> skip(Policy.Rule r, Facts f) {
        if (f.runtime() == null && f.kernels().isEmpty()) {
            return Optional.of(new RuntimeChecks.Skip("the image has no kernel module tree (a container image): the "
                    + "kernel it runs on is the host's, and decides this", false));
        }
        if (r.moduleParameter() != null) {
            return skipParameter(r.moduleParameter(), f);
        }
        if (r.nestedVirtualization() != null) {
            return skipNested(f);
        }
        if (r.numaBalancing() != null && f.runtime() != null
                && SysctlConfig.value(f.sysctl(), "kernel.numa_balancing").isEmpty()) {
            // A kernel without NUMA balancing has no such file, but neither does a root that hides it: not a verdict.
            return Optional.of(new RuntimeChecks.Skip("the node shows no /proc/sys/kernel/numa_balancing (a kernel "
                    + "built without NUMA balancing, or a root that does not show it)", true));
        }
        return Optional.empty();
    }

    static Optional<String> check(Policy.Rule r, Facts f, RuleChecks.Look look) {
        if (r.moduleParameter() != null) {
            return parameter(r.moduleParameter(), f, look);
        }
        if (r.numaBalancing() != null) {
            return numaBalancing(r.numaBalancing().state(), f, look);
        }
        if (r.nestedVirtualization() != null) {
            return nested(r.nestedVirtualization().state(), f, look);
        }
        return resctrl(r.resctrl(), f, look);
    }

    // ---- module parameters

    private static Optional<RuntimeChecks.Skip> skipParameter(Policy.ModuleParameterCheck c, Facts f) {
        String module = ParameterValues.name(c.module());
        if (f.runtime() != null) {
            if (f.runtime().moduleParameters().containsKey(module + "/" + c.parameter())) {
                return Optional.empty();
            }
            boolean loaded = f.runtime().loadedModules().stream().anyMatch(m -> ParameterValues.name(m.name()).equals(module));
            return Optional.of(loaded
                    ? new RuntimeChecks.Skip(module + " is loaded, but the kernel shows no /sys/module/" + module
                    + "/parameters/" + c.parameter() + " (a parameter without read permission is not shown there)", true)
                    : new RuntimeChecks.Skip(module + " is not loaded on the running kernel (not in /proc/modules, "
                    + "no /sys/module/" + module + "/parameters/" + c.parameter() + ")", false));
        }
        if (f.kernels().stream().noneMatch(k -> ParameterValues.present(k, module))) {
            return Optional.of(new RuntimeChecks.Skip(module + " is in no kernel tree of the image (neither a module "
                    + "file nor built in)", false));
        }
        return Optional.empty();
    }

    private static Optional<String> parameter(Policy.ModuleParameterCheck c, Facts f, RuleChecks.Look look) {
        String module = ParameterValues.name(c.module());
        if (f.runtime() != null) {
            String path = "/sys/module/" + module + "/parameters/" + c.parameter();
            String actual = f.runtime().moduleParameters().get(module + "/" + c.parameter());
            look.path(path);
            look.evidence.add(path + " = " + actual);
            return ParameterValues.same(actual, c.value()) ? Optional.empty()
                    : Optional.of(module + " " + c.parameter() + " is " + actual + " on the running kernel, not " + c.value());
        }
        List<String> wrong = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            if (!ParameterValues.present(k, module)) {
                continue;
            }
            ParameterValues.Value v = ParameterValues.configured(f, k, module, c.parameter());
            String actual = v == null ? c.defaultValue() : v.value();
            look.path(v == null ? null : v.from().replaceAll(":[0-9]+$", ""));
            look.evidence.add(k.version() + ": " + module + " " + c.parameter() + " = "
                    + (v != null ? v.value() + " (" + v.from() + ")"
                    : actual != null ? actual + " (not set: the module's default)" : "(not set)"));
            if (actual == null) {
                wrong.add(k.version() + " (not set, and the rule gives no default)");
            } else if (!ParameterValues.same(actual, c.value())) {
                wrong.add(k.version() + " (" + actual + (v == null ? ", the module's default" : " from " + v.from()) + ")");
            }
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(module + " " + c.parameter() + " is not " + c.value()
                + " in kernel " + String.join(", ", wrong));
    }

    // ---- automatic NUMA balancing

    private static Optional<String> numaBalancing(Policy.Mode wanted, Facts f, RuleChecks.Look look) {
        Facts.Setting s = SysctlConfig.value(f.sysctl(), "kernel.numa_balancing").orElse(null);
        if (f.runtime() != null) {
            String path = "/proc/sys/kernel/numa_balancing";
            look.path(path);
            // 1 is balancing, 2 memory tiering, 3 both (skip saw to it that the file was read).
            Policy.Mode actual = s.value().equals("0") ? Policy.Mode.DISABLED : Policy.Mode.ENABLED;
            look.evidence.add(path + " = " + s.value());
            return actual == wanted ? Optional.empty()
                    : Optional.of("automatic NUMA balancing is " + actual.yamlName() + " on the running kernel, not " + wanted.yamlName());
        }
        // systemd-sysctl applies sysctl.d after the kernel has parsed its command line: sysctl wins.
        if (s != null) {
            look.path(s.file());
            Policy.Mode actual = s.value().equals("0") ? Policy.Mode.DISABLED : Policy.Mode.ENABLED;
            look.evidence.add("kernel.numa_balancing = " + s.value() + " (" + s.file() + ")");
            return actual == wanted ? Optional.empty() : Optional.of("automatic NUMA balancing is " + actual.yamlName()
                    + " by kernel.numa_balancing = " + s.value() + " in " + s.file() + ", not " + wanted.yamlName());
        }
        Optional<Cmdline.Argument> arg = Cmdline.last(f, "numa_balancing");
        if (arg.isPresent()) {
            look.path(arg.get().from());
            look.evidence.add("numa_balancing=" + arg.get().value() + " (" + arg.get().from() + ")");
            Policy.Mode actual = arg.get().value().equals("disable") ? Policy.Mode.DISABLED : Policy.Mode.ENABLED;
            return actual == wanted ? Optional.empty() : Optional.of("automatic NUMA balancing is " + actual.yamlName()
                    + " by numa_balancing=" + arg.get().value() + " in " + arg.get().from() + ", not " + wanted.yamlName());
        }
        List<String> wrong = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            String built = k.config().get("CONFIG_NUMA_BALANCING");
            String byDefault = k.config().get("CONFIG_NUMA_BALANCING_DEFAULT_ENABLED");
            if (k.config().isEmpty()) {
                look.evidence.add(k.version() + ": no /boot/config, so its default is not known");
                wrong.add(k.version() + " (neither sysctl.d nor the command line sets it, and its default is not known)");
                continue;
            }
            Policy.Mode actual = "y".equals(built) && "y".equals(byDefault) ? Policy.Mode.ENABLED : Policy.Mode.DISABLED;
            look.evidence.add(k.version() + ": CONFIG_NUMA_BALANCING=" + (built == null ? "(unset)" : built)
                    + ", CONFIG_NUMA_BALANCING_DEFAULT_ENABLED=" + (byDefault == null ? "(unset)" : byDefault)
                    + ": " + actual.yamlName() + " by default on a NUMA machine");
            if (actual != wanted) {
                wrong.add(k.version() + " (" + actual.yamlName() + " by the kernel's default; neither sysctl.d nor the "
                        + "command line sets it)");
            }
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of("automatic NUMA balancing is not " + wanted.yamlName()
                + " in kernel " + String.join(", ", wrong));
    }

    // ---- nested virtualization

    private static boolean arm(Facts f) {
        return List.of("arm64", "aarch64").contains(f.architecture());
    }

    private static boolean x86(Facts f) {
        return List.of("amd64", "x86_64").contains(f.architecture());
    }

    private static Optional<RuntimeChecks.Skip> skipNested(Facts f) {
        if (f.runtime() != null) {
            boolean params = KVM_MODULES.stream().anyMatch(m -> f.runtime().moduleParameters().containsKey(m + "/nested"));
            if (params || arm(f)) {
                return Optional.empty();
            }
            return Optional.of(new RuntimeChecks.Skip("no KVM on the running kernel: neither kvm_intel nor kvm_amd is "
                    + "loaded (no /sys/module/kvm_*/parameters/nested)" + (x86(f) ? "" : ", and it is not an arm64 kernel"), false));
        }
        if (arm(f)) {
            boolean noKvm = f.kernels().stream().allMatch(k -> !k.config().isEmpty() && !"y".equals(k.config().get("CONFIG_KVM")));
            return noKvm ? Optional.of(new RuntimeChecks.Skip("no kernel of the image has KVM (CONFIG_KVM=y)", false))
                    : Optional.empty();
        }
        if (!x86(f)) {
            return Optional.of(new RuntimeChecks.Skip("nested virtualization is judged on x86_64 and aarch64; the image is "
                    + (f.architecture().isEmpty() ? "of an architecture it does not name" : f.architecture()), false));
        }
        boolean kvm = f.kernels().stream().anyMatch(k -> KVM_MODULES.stream().anyMatch(m -> ParameterValues.present(k, m)));
        return kvm ? Optional.empty() : Optional.of(new RuntimeChecks.Skip("no KVM: kvm_intel and kvm_amd are in no kernel "
                + "tree of the image", false));
    }

    private static Optional<String> nested(Policy.Mode wanted, Facts f, RuleChecks.Look look) {
        List<String> wrong = new ArrayList<>();
        boolean runtimeX86 = f.runtime() != null
                && KVM_MODULES.stream().anyMatch(m -> f.runtime().moduleParameters().containsKey(m + "/nested"));
        if (runtimeX86) {
            for (String m : KVM_MODULES) {
                String v = f.runtime().moduleParameters().get(m + "/nested");
                if (v == null) {
                    continue;
                }
                String path = "/sys/module/" + m + "/parameters/nested";
                look.path(path);
                look.evidence.add(path + " = " + v);
                if (ParameterValues.enabled(v) != (wanted == Policy.Mode.ENABLED)) {
                    wrong.add(m + " nested=" + v + " on the running kernel");
                }
            }
        } else if (arm(f)) {
            Optional<Cmdline.Argument> mode = Cmdline.last(f, "kvm-arm.mode");
            mode.ifPresent(a -> look.path(a.from()));
            look.evidence.add(mode.map(a -> "kvm-arm.mode=" + a.value() + " (" + a.from() + ")")
                    .orElse("kvm-arm.mode is not set on the kernel command line"));
            boolean on = mode.isPresent() && mode.get().value().equals("nested");
            if (on != (wanted == Policy.Mode.ENABLED)) {
                wrong.add(on ? "kvm-arm.mode=nested is on the kernel command line (" + mode.get().from() + ")"
                        : "the kernel command line does not set kvm-arm.mode=nested");
            }
        } else {
            for (Facts.KernelTree k : f.kernels()) {
                for (String m : KVM_MODULES) {
                    if (!ParameterValues.present(k, m)) {
                        continue;
                    }
                    ParameterValues.Value v = ParameterValues.configured(f, k, m, "nested");
                    String actual = v == null ? ParameterValues.nestedDefault(m, k.version()) : v.value();
                    look.path(v == null ? null : v.from().replaceAll(":[0-9]+$", ""));
                    look.evidence.add(k.version() + ": " + m + " nested=" + actual
                            + (v == null ? " (not set: the kernel's default)" : " (" + v.from() + ")"));
                    if (ParameterValues.enabled(actual) != (wanted == Policy.Mode.ENABLED)) {
                        wrong.add(k.version() + " " + m + " nested=" + actual
                                + (v == null ? " (the kernel's default)" : " (" + v.from() + ")"));
                    }
                }
            }
        }
        return wrong.isEmpty() ? Optional.empty()
                : Optional.of("nested virtualization is not " + wanted.yamlName() + ": " + String.join("; ", wrong));
    }

    // ---- resctrl

    private static Optional<String> resctrl(Policy.ResctrlCheck c, Facts f, RuleChecks.Look look) {
        boolean wantMounted = !Boolean.FALSE.equals(c.mounted());
        if (f.runtime() != null) {
            Facts.Resctrl r = f.runtime().resctrl();
            look.path("/proc/mounts");
            if (r == null) {
                look.evidence.add("no resctrl file system in /proc/mounts");
                return wantMounted ? Optional.of("resctrl is not mounted on the running node") : Optional.empty();
            }
            look.evidence.add("resctrl mounted at " + r.mountPoint() + " (" + r.options() + ")");
            r.groups().forEach(g -> look.evidence.add(r.mountPoint() + "/" + g.name() + "/schemata: "
                    + g.schemata().replace("\n", "; ")));
            if (!wantMounted) {
                return Optional.of("resctrl is mounted at " + r.mountPoint());
            }
            List<String> names = r.groups().stream().map(Facts.ResctrlGroup::name).toList();
            List<String> missing = c.groups().stream().filter(g -> !names.contains(g)).toList();
            return missing.isEmpty() ? Optional.empty() : Optional.of("resctrl group" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + (missing.size() == 1 ? " does" : " do") + " not exist under "
                    + r.mountPoint() + " (groups: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        boolean enabled = f.enabledUnits().contains(RESCTRL_UNIT);
        look.evidence.add(RESCTRL_UNIT + (enabled ? " enabled" : " not enabled"));
        if (!c.groups().isEmpty()) {
            look.evidence.add("groups " + String.join(", ", c.groups()) + " are made when the node boots: judged on a "
                    + "running node (verify-host)");
        }
        if (!wantMounted) {
            return enabled ? Optional.of(RESCTRL_UNIT + " is enabled") : Optional.empty();
        }
        List<String> without = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            if (!k.config().isEmpty() && !"y".equals(k.config().get("CONFIG_X86_CPU_RESCTRL"))
                    && !"y".equals(k.config().get("CONFIG_ARM64_MPAM"))) {
                look.evidence.add(k.version() + ": neither CONFIG_X86_CPU_RESCTRL nor CONFIG_ARM64_MPAM is y");
                without.add(k.version());
            }
        }
        List<String> wrong = new ArrayList<>();
        if (!enabled) {
            wrong.add(RESCTRL_UNIT + " is not enabled, so resctrl is not mounted at boot");
        }
        if (!without.isEmpty()) {
            wrong.add("kernel " + String.join(", ", without) + " has no resctrl support (CONFIG_X86_CPU_RESCTRL, CONFIG_ARM64_MPAM)");
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", wrong));
    }
}
