package io.nodeimage.inspect;

import java.util.List;
import java.util.Map;

/**
 * What an image is, read from its files: the input of every policy check. For an image nothing here
 * comes from the running kernel (a container shares the host's); each kernel fact names the tree it was
 * read from. A running node (io.nodeimage.host) fills the same shape from its root and adds
 * {@link Runtime}, which is null for images.
 */
public record Facts(
        String image,
        String imageId,
        Map<String, String> osRelease,
        String architecture,
        List<KernelTree> kernels,
        List<String> modprobeFiles,
        List<ModuleState> modules,
        List<String> modulesLoad,
        List<CmdlineSource> cmdline,
        Map<String, Setting> sysctl,
        List<Package> packages,
        List<String> enabledUnits,
        List<String> maskedUnits,
        List<String> firmware,
        List<Driver> drivers,
        List<FileEntry> files,
        List<Finding> findings,
        Runtime runtime) {

    /** The same facts with other module states (the image's own modprobe's answers folded in, say). */
    public Facts withModules(List<ModuleState> states) {
        return new Facts(image, imageId, osRelease, architecture, kernels, modprobeFiles, states, modulesLoad, cmdline,
                sysctl, packages, enabledUnits, maskedUnits, firmware, drivers, files, findings, runtime);
    }

    /** An image's facts: nothing runs, so there is no runtime section. */
    public Facts(String image, String imageId, Map<String, String> osRelease, String architecture,
                 List<KernelTree> kernels, List<String> modprobeFiles, List<ModuleState> modules,
                 List<String> modulesLoad, List<CmdlineSource> cmdline, Map<String, Setting> sysctl,
                 List<Package> packages, List<String> enabledUnits, List<String> maskedUnits, List<String> firmware,
                 List<Driver> drivers, List<FileEntry> files, List<Finding> findings) {
        this(image, imageId, osRelease, architecture, kernels, modprobeFiles, modules, modulesLoad, cmdline, sysctl,
                packages, enabledUnits, maskedUnits, firmware, drivers, files, findings, null);
    }

    public Facts {
        osRelease = Map.copyOf(osRelease);
        kernels = List.copyOf(kernels);
        modprobeFiles = List.copyOf(modprobeFiles);
        modules = List.copyOf(modules);
        modulesLoad = List.copyOf(modulesLoad);
        cmdline = List.copyOf(cmdline);
        sysctl = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(sysctl));
        packages = List.copyOf(packages);
        enabledUnits = List.copyOf(enabledUnits);
        maskedUnits = List.copyOf(maskedUnits);
        firmware = List.copyOf(firmware);
        drivers = List.copyOf(drivers);
        files = List.copyOf(files);
        findings = List.copyOf(findings);
    }

    /** One {@code /lib/modules/<version>} tree; {@code aliases} are other paths showing the same tree. */
    /**
     * @param builtInKeys the certificates built into the kernel image ({@code /boot/vmlinuz-<version>}), the
     *     keys it checks module signatures with; null when that image is not in the image read
     */
    public record KernelTree(String version, String path, List<String> aliases, List<KernelModule> modules,
                             List<String> builtin, Map<String, String> config, List<KernelKeys.Key> builtInKeys) {
        public KernelTree(String version, String path, List<String> aliases, List<KernelModule> modules,
                          List<String> builtin, Map<String, String> config) {
            this(version, path, aliases, modules, builtin, config, null);
        }
    }

    /**
     * A module's state for one kernel: what {@code modprobe NAME} would leave it as.
     *
     * @param state loadable (modprobe loads it), disabled (modprobe finds it but does not load it: an
     *     install command that loads nothing runs instead, an alias sends it elsewhere, or a module it
     *     needs cannot be loaded), absent (nothing by that name) or builtin (compiled into the kernel:
     *     modprobe.d cannot stop it)
     * @param reason why, in kmod's terms, naming the configuration lines involved
     * @param modprobe what the image's own {@code modprobe -D} showed for the name, when verify asked it
     *     (loadable, builtin, install, after-install, not-loaded, absent); null when not asked
     * @param optionsFrom where each of {@code options} is written, {@code file:line}, in the same order
     *     (empty when the facts do not say: facts written by hand)
     */
    public record ModuleState(String module, String kernel, String state, boolean blacklisted, String install,
                              String installFrom, List<String> options, String softdep, String reason, String modprobe,
                              List<String> optionsFrom) {

        public ModuleState {
            optionsFrom = optionsFrom == null ? List.of() : List.copyOf(optionsFrom);
        }

        public ModuleState(String module, String kernel, String state, boolean blacklisted, String install,
                           String installFrom, List<String> options, String softdep, String reason, String modprobe) {
            this(module, kernel, state, blacklisted, install, installFrom, options, softdep, reason, modprobe, List.of());
        }

        public ModuleState(String module, String kernel, String state, boolean blacklisted, String install,
                           String installFrom, List<String> options, String softdep, String reason) {
            this(module, kernel, state, blacklisted, install, installFrom, options, softdep, reason, null);
        }

        public ModuleState(String module, String kernel, String state, boolean blacklisted, String install,
                           String installFrom, List<String> options, String softdep) {
            this(module, kernel, state, blacklisted, install, installFrom, options, softdep, null, null);
        }

        /** The same state with what the image's own modprobe showed for the name (see KmodCrossCheck). */
        public ModuleState withModprobe(String observed) {
            return new ModuleState(module, kernel, state, blacklisted, install, installFrom, options, softdep, reason,
                    observed, optionsFrom);
        }

        /**
         * The state a rule uses when the image's own modprobe disagrees with the model: what modprobe
         * showed, where it shows a state; null when it was not asked or shows none. (Here, not beside the
         * cross-check, which needs an engine client that verify-host's jar does not carry.)
         */
        public String modprobeState() {
            return modprobe == null ? null : switch (modprobe) {
                case "loadable", "builtin", "absent" -> modprobe;
                case "not-loaded" -> "disabled";
                default -> null;
            };
        }
    }

    public record CmdlineSource(String path, String text) {
    }

    /**
     * A sysctl assignment that counts.
     *
     * @param order the place systemd-sysctl applies it in; among globs matching one key, the highest wins
     */
    public record Setting(String value, String file, int order) {
        public Setting(String value, String file) {
            this(value, file, 0);
        }
    }

    public record Package(String name, String version, String architecture) {
    }

    public record Driver(String vendor, String module, String kernel, String version, String branch, String flavor,
                         boolean gspFirmware) {
    }

    /**
     * A file's metadata as the image records it: every entry under /etc, and any other path a policy
     * asks about.
     *
     * @param type file, directory, link or other
     * @param mode permission bits in octal, such as 0640 (with set-id and sticky bits when present)
     * @param owner the user name from the image's /etc/passwd, or the number when it has none
     * @param group the group name from the image's /etc/group, or the number when it has none
     * @param link the target, for links
     */
    public record FileEntry(String path, String type, String mode, long uid, long gid, String owner, String group,
                            long size, String link) {
    }

    /** Something about the image that could not be read as expected: a broken module, a link leading outside. */
    public record Finding(String path, String message) {
    }

    /**
     * What only a running node shows: the kernel as it runs, its loaded modules and taint, and the GPUs
     * as the driver reports them.
     *
     * @param kernelRelease {@code /proc/sys/kernel/osrelease}
     * @param taintMask {@code /proc/sys/kernel/tainted}; -1 when unreadable
     * @param taints the letters of the mask's bits, in bit order (P, F, ... as the kernel prints them)
     * @param modulesSupported false when the kernel has no {@code /proc/modules} (built without loadable
     *     modules, or hidden): nothing can be loaded
     * @param lockdown the kernel lockdown mode in force (none, integrity, confidentiality); null when the
     *     kernel has no lockdown LSM
     * @param secureBoot enabled or disabled from the EFI variable; null on a machine without EFI variables
     * @param nvidiaSmi the nvidia-smi -q -x file GPU modes were read from; null when none was given
     * @param imageTree the node's installed tree (module trees, /etc, the package database) was read as
     *     inspect reads an image's, so the image's facts above are the node's installed ones
     * @param moduleParameters {@code /sys/module/<module>/parameters/<parameter>} as the kernel shows it, keyed
     *     {@code module/parameter}, for the parameters the policies ask about that the running kernel has (a module
     *     not loaded, or without the parameter, is left out)
     * @param resctrl the resctrl file system as mounted; null when it is not mounted
     */
    public record Runtime(String kernelRelease, long taintMask, List<String> taints, boolean modulesSupported,
                          List<LoadedModule> loadedModules, String lockdown, String secureBoot, List<Gpu> gpus,
                          String nvidiaSmi, boolean imageTree, Map<String, String> moduleParameters, Resctrl resctrl) {
        /** A node whose installed tree was not read: only what its kernel shows. */
        public Runtime(String kernelRelease, long taintMask, List<String> taints, boolean modulesSupported,
                       List<LoadedModule> loadedModules, String lockdown, String secureBoot, List<Gpu> gpus,
                       String nvidiaSmi) {
            this(kernelRelease, taintMask, taints, modulesSupported, loadedModules, lockdown, secureBoot, gpus,
                    nvidiaSmi, false);
        }

        /** Without module parameters or resctrl: what the policies asked nothing about. */
        public Runtime(String kernelRelease, long taintMask, List<String> taints, boolean modulesSupported,
                       List<LoadedModule> loadedModules, String lockdown, String secureBoot, List<Gpu> gpus,
                       String nvidiaSmi, boolean imageTree) {
            this(kernelRelease, taintMask, taints, modulesSupported, loadedModules, lockdown, secureBoot, gpus,
                    nvidiaSmi, imageTree, Map.of(), null);
        }

        public Runtime {
            taints = List.copyOf(taints);
            loadedModules = List.copyOf(loadedModules);
            gpus = List.copyOf(gpus);
            moduleParameters = moduleParameters == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(moduleParameters));
        }
    }

    /**
     * The resctrl file system (cache and memory bandwidth allocation: Intel RDT, AMD PQoS, Arm MPAM) as the
     * running kernel has it mounted, from {@code /proc/mounts}.
     *
     * @param mountPoint where it is mounted, normally /sys/fs/resctrl
     * @param options its mount options (cdp, mba_MBps, ...)
     * @param groups the control groups made in it (directories of the root, except info, mon_data and
     *     mon_groups), by name, each with its {@code schemata} text
     */
    public record Resctrl(String mountPoint, String options, List<ResctrlGroup> groups) {
        public Resctrl {
            groups = List.copyOf(groups);
        }
    }

    /** @param schemata the group's schemata file, lines as the kernel writes them ({@code L3:0=ff;1=ff}, {@code MB:0=50}) */
    public record ResctrlGroup(String name, String schemata) {
    }

    /**
     * A module the running kernel has loaded ({@code /proc/modules}), with what {@code /sys/module}
     * adds.
     *
     * @param state Live, Loading or Unloading
     * @param taints the module's taint letters (O out-of-tree, E unsigned, P proprietary...), empty when none
     * @param initstate {@code /sys/module/<m>/initstate} (live, coming, going); null when absent
     */
    public record LoadedModule(String name, long size, String state, String taints, String version,
                               String srcversion, String initstate) {
    }

    /**
     * One GPU as its driver shows it; modes come from nvidia-smi -q -x and are null without it.
     *
     * @param bus the PCI address, domain:bus:device.function with a four-digit domain (0000:00:06.0)
     * @param firmware the GSP firmware version the GPU runs; null when it runs none
     * @param persistence enabled or disabled
     * @param mig enabled, disabled, or n/a (a GPU without MIG)
     * @param ecc enabled, disabled or n/a
     * @param virtualization nvidia-smi's virtualization mode, such as None or Pass-Through
     */
    public record Gpu(String vendor, String bus, String model, String firmware, String vbios, String persistence,
                      String mig, String ecc, String virtualization) {
    }
}
