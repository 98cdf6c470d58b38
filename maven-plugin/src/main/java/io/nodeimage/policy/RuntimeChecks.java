package io.nodeimage.policy;

import io.nodeimage.host.KernelTaint;
import io.nodeimage.inspect.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where images and running nodes part: which rules the facts can judge at all, and the checks only a
 * running node (facts with {@link Facts.Runtime}) answers: loaded modules, taint, GPU modes. A node whose
 * installed tree was read ({@link Facts.Runtime#imageTree()}) is judged on its files as an image is, for
 * what its kernel does not show.
 */
final class RuntimeChecks {

    private RuntimeChecks() {
    }

    /** Why a rule cannot be judged on these facts, with whether it blocks like an undecided policy. */
    record Skip(String reason, boolean undecided) {
    }

    static Optional<Skip> skip(Policy.Rule rule, Facts facts) {
        Facts.Runtime runtime = facts.runtime();
        boolean runtimeRule = runtimeOnly(rule);
        if (runtime == null) {
            if (runtimeRule) {
                return Optional.of(new Skip("a rule about a running node: an image runs no kernel "
                        + "(nodeimage:verify-host judges running nodes)", false));
            }
            if ((rule.kernelConfig() != null || rule.kernelModules() != null || rule.driver() != null
                    || rule.kernelModule() != null) && facts.kernels().isEmpty()) {
                return Optional.of(new Skip("the image has no kernel module tree (a container image): the kernel it "
                        + "runs on is the host's, and decides this", false));
            }
            return Optional.empty();
        }
        boolean fromFiles = rule.kernelModules() != null || rule.kernelConfig() != null || rule.packageState() != null
                || rule.service() != null;
        boolean notLoaded = rule.kernelModule() != null && !loaded(runtime, rule.kernelModule().name())
                && runtime.modulesSupported();
        if ((fromFiles || notLoaded) && !runtime.imageTree()) {
            return Optional.of(new Skip((notLoaded ? rule.kernelModule().name() + " is not loaded on the running kernel; "
                    + "whether it could be loaded is decided by the node's modprobe.d and module tree, which "
                    : "judged from an image's files (module files, kernel config, packages, units), which ")
                    + "this run did not read: the root has no installed tree (no /lib/modules, no package database) "
                    + "or imageTree is off; verify the node's image with nodeimage:verify"
                    + (rule.kernelModules() != null ? "; taint: {absent: [E]} judges the modules the node has loaded" : ""),
                    false));
        }
        if ((rule.kernelModules() != null || rule.kernelConfig() != null || notLoaded) && facts.kernels().isEmpty()) {
            return Optional.of(new Skip("the node's installed tree has no module tree (/lib/modules): its module "
                    + "files and kernel config are not there to judge", false));
        }
        if (rule.kernelConfig() != null && facts.kernels().stream().allMatch(k -> k.config().isEmpty())) {
            return Optional.of(new Skip("no /boot/config-<release> under the node's root: its kernel configuration is "
                    + "not there to judge (a DaemonSet mounts the node's /boot for it)", true));
        }
        if (rule.packageState() != null && facts.packages().isEmpty()) {
            return Optional.of(new Skip("no package database under the node's root (/var/lib/dpkg/status, "
                    + "/var/lib/rpm, /usr/lib/sysimage/rpm): its packages are not there to judge", false));
        }
        if (rule.taint() != null && runtime.taintMask() < 0) {
            return Optional.of(new Skip("the kernel's taint (/proc/sys/kernel/tainted) could not be read", true));
        }
        if (rule.secureBoot() != null) {
            if (runtime.secureBoot() == null && rule.secureBoot().state() != null) {
                return Optional.of(new Skip("the node shows no Secure Boot state (no EFI SecureBoot variable under "
                        + "/sys/firmware/efi/efivars: booted without UEFI, or efivarfs is not mounted under the root)", true));
            }
            if (rule.secureBoot().lockdown() != null && "enabled".equals(runtime.secureBoot())
                    && io.nodeimage.host.HostInspector.LOCKDOWN_UNKNOWN.equals(runtime.lockdown())) {
                return Optional.of(new Skip("the kernel's lockdown cannot be read: /sys/kernel/security is empty under the "
                        + "root (securityfs not mounted there)", true));
            }
            if (rule.secureBoot().state() == null && !"enabled".equals(runtime.secureBoot())) {
                return Optional.of(new Skip("Secure Boot is " + (runtime.secureBoot() == null ? "not shown by the node (no EFI "
                        + "SecureBoot variable)" : runtime.secureBoot()) + ": lockdown is judged where it is on", false));
            }
        }
        if (rule.gpu() != null) {
            String vendor = vendor(rule.gpu());
            List<Facts.Gpu> gpus = gpus(runtime, vendor);
            if (gpus.isEmpty()) {
                return Optional.of(new Skip("no " + vendor + " GPU driver is loaded on the node (no /proc/driver/"
                        + vendor + "/gpus)", false));
            }
            if (gpus.stream().anyMatch(g -> g.persistence() == null && g.mig() == null && g.ecc() == null)) {
                return Optional.of(new Skip("GPU modes come from nvidia-smi -q -x, and "
                        + (runtime.nvidiaSmi() == null ? "none was given (nvidiaSmiXml)"
                        : runtime.nvidiaSmi() + " does not list every GPU the driver has"), true));
            }
        }
        return Optional.empty();
    }

    /** The reason a runtime rule, or a module rule on a running node, fails; empty when it holds. */
    static Optional<String> check(Policy.Rule r, Facts f, RuleChecks.Look look) {
        Facts.Runtime runtime = f.runtime();
        if (r.loadedModule() != null) {
            return loadedModule(r.loadedModule().name(), r.loadedModule().state() == Policy.LoadState.LOADED, runtime, look);
        }
        if (r.kernelModule() != null) {
            // Reached only when the module is loaded, or the kernel cannot load modules at all (see skip).
            Policy.ModuleState wanted = r.kernelModule().state();
            boolean wantLoaded = wanted == Policy.ModuleState.LOADABLE || wanted == Policy.ModuleState.PRESENT;
            return loadedModule(r.kernelModule().name(), wantLoaded, runtime, look)
                    .map(why -> why + ", so it is not " + wanted.yamlName());
        }
        if (r.taint() != null) {
            return taint(r.taint(), runtime, look);
        }
        if (r.gpu() != null) {
            return gpu(r.gpu(), runtime, look);
        }
        if (r.secureBoot() != null) {
            return secureBoot(r.secureBoot(), runtime, look);
        }
        throw new IllegalStateException("rule " + r.id() + " is not a runtime check");
    }

    /** The kinds only a running kernel answers. */
    private static boolean runtimeOnly(Policy.Rule r) {
        return r.loadedModule() != null || r.taint() != null || r.gpu() != null || r.secureBoot() != null;
    }

    /** Whether the rule is judged here rather than by {@link RuleChecks}. */
    static boolean handles(Policy.Rule r, Facts f) {
        // A module rule on a node is the kernel's answer when the module is loaded (or nothing can be);
        // otherwise the installed tree's modprobe.d decides, as on an image.
        return runtimeOnly(r) || (r.kernelModule() != null && f.runtime() != null && (!f.runtime().imageTree()
                || !f.runtime().modulesSupported() || loaded(f.runtime(), r.kernelModule().name())));
    }

    private static boolean loaded(Facts.Runtime runtime, String name) {
        String wanted = name.replace('-', '_');
        return runtime.loadedModules().stream().anyMatch(m -> m.name().replace('-', '_').equals(wanted));
    }

    private static Optional<String> loadedModule(String name, boolean wantLoaded, Facts.Runtime runtime,
                                                 RuleChecks.Look look) {
        look.path("/proc/modules");
        String wanted = name.replace('-', '_');
        Optional<Facts.LoadedModule> m = runtime.loadedModules().stream()
                .filter(x -> x.name().replace('-', '_').equals(wanted)).findFirst();
        look.evidence.add(m.map(x -> x.name() + " " + x.state() + (x.version() == null ? "" : " " + x.version())
                        + (x.taints().isEmpty() ? "" : " (" + x.taints() + ")"))
                .orElse(wanted + " not in /proc/modules" + (runtime.modulesSupported() ? ""
                        : " (the kernel has no /proc/modules: it cannot load modules)")));
        if (m.isPresent() == wantLoaded) {
            return Optional.empty();
        }
        return Optional.of(wanted + (m.isPresent() ? " is loaded on the running kernel" : " is not loaded on the running kernel"));
    }

    private static Optional<String> taint(Policy.TaintCheck c, Facts.Runtime runtime, RuleChecks.Look look) {
        look.path("/proc/sys/kernel/tainted");
        look.evidence.add("kernel taint " + runtime.taintMask() + (runtime.taints().isEmpty() ? " (none)"
                : ": " + String.join("", runtime.taints())));
        List<String> found = new ArrayList<>();
        for (KernelTaint t : c.absent()) {
            if (runtime.taints().contains(t.name())) {
                // The modules that carry the flag are what an operator has to act on.
                List<String> modules = runtime.loadedModules().stream().filter(m -> m.taints().contains(t.name()))
                        .map(Facts.LoadedModule::name).toList();
                modules.forEach(m -> look.evidence.add(m + " carries " + t.name()));
                found.add(t.name() + " (" + t.meaning() + (modules.isEmpty() ? "" : ": " + String.join(", ", modules)) + ")");
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of("the running kernel is tainted " + String.join("; ", found));
    }

    private static Optional<String> gpu(Policy.GpuCheck c, Facts.Runtime runtime, RuleChecks.Look look) {
        List<String> wrong = new ArrayList<>();
        for (Facts.Gpu g : gpus(runtime, vendor(c))) {
            look.evidence.add(g.bus() + " " + g.model() + ": persistence " + g.persistence() + ", MIG " + g.mig()
                    + ", ECC " + g.ecc());
            mode("persistence mode", c.persistence(), g.persistence(), g, wrong);
            mode("MIG mode", c.mig(), g.mig(), g, wrong);
            mode("ECC", c.ecc(), g.ecc(), g, wrong);
        }
        if (runtime.nvidiaSmi() != null && runtime.nvidiaSmi().startsWith("/")) {
            look.path(runtime.nvidiaSmi());
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", wrong));
    }

    /**
     * Secure Boot only proves what booted; the kernel's lockdown is what keeps an unsigned module out
     * afterwards (without it the kernel loads one and only taints itself E).
     */
    private static Optional<String> secureBoot(Policy.SecureBootCheck c, Facts.Runtime runtime, RuleChecks.Look look) {
        look.path(io.nodeimage.host.HostInspector.SECURE_BOOT_VAR);
        look.evidence.add("Secure Boot " + (runtime.secureBoot() == null ? "not shown" : runtime.secureBoot())
                + ", lockdown " + (runtime.lockdown() == null ? "not in the kernel" : runtime.lockdown()));
        if (c.state() != null && !c.state().yamlName().equals(runtime.secureBoot())) {
            return Optional.of("Secure Boot is " + runtime.secureBoot() + ", not " + c.state().yamlName());
        }
        if (c.lockdown() != null && "enabled".equals(runtime.secureBoot())) {
            look.path("/sys/kernel/security/lockdown");
            Policy.Lockdown actual = runtime.lockdown() == null ? null : java.util.Arrays.stream(Policy.Lockdown.values())
                    .filter(l -> l.yamlName().equals(runtime.lockdown())).findFirst().orElse(null);
            if (actual == null || actual.ordinal() < c.lockdown().ordinal()) {
                return Optional.of("Secure Boot is on, but the kernel " + (runtime.lockdown() == null
                        ? "has no lockdown (no /sys/kernel/security/lockdown)" : "is in lockdown " + runtime.lockdown())
                        + ", not at least " + c.lockdown().yamlName() + ": it loads an unsigned module and only taints itself");
            }
        }
        return Optional.empty();
    }

    /** A mode nvidia-smi reports N/A for (no MIG, no ECC on the GPU) is not enabled. */
    private static void mode(String what, Policy.Mode wanted, String actual, Facts.Gpu g, List<String> wrong) {
        if (wanted == null) {
            return;
        }
        boolean enabled = "enabled".equals(actual);
        if (enabled != (wanted == Policy.Mode.ENABLED)) {
            wrong.add(what + " is " + (actual == null ? "unknown" : actual) + ", not " + wanted.yamlName() + " on GPU "
                    + g.bus() + " (" + g.model() + ")");
        }
    }

    private static String vendor(Policy.GpuCheck c) {
        return c.vendor() == null ? "nvidia" : c.vendor();
    }

    private static List<Facts.Gpu> gpus(Facts.Runtime runtime, String vendor) {
        return runtime.gpus().stream().filter(g -> vendor.equals(g.vendor())).toList();
    }
}
