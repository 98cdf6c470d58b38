package io.nodeimage.plan;

import io.nodeimage.profile.Profile;
import io.nodeimage.profile.Profile.Arch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the multi-tenant keys of platform render, as the ordinary steps every output already writes: module
 * options (modprobe.d), kernel arguments, a sysctl setting, and files and units for resctrl. Each step's reason
 * starts with the key it comes from ("platform.hmm: ..."), so comments and hints name the profile's line.
 */
final class PlatformSteps {

    /** The resctrl mount point (Documentation/filesystems/resctrl.rst: "mount -t resctrl resctrl /sys/fs/resctrl"). */
    static final String RESCTRL = "/sys/fs/resctrl";
    /** systemd names a mount unit after its path (systemd.mount: "sys-fs-resctrl.mount" for /sys/fs/resctrl). */
    static final String MOUNT_UNIT = "sys-fs-resctrl.mount";
    static final String GROUPS_UNIT = "nodeimage-resctrl-groups.service";
    static final String GROUPS_SCRIPT = "/usr/libexec/nodeimage/resctrl-groups";
    static final String GROUPS_CONF = "/etc/nodeimage/resctrl-groups.conf";
    static final String RESCTRL_DOC = "https://docs.kernel.org/filesystems/resctrl.html";

    record Sysctl(String key, String value, String reason) {
    }

    record Result(List<Step.ModuleOptions> options, Optional<Step.KernelArguments> arguments, Optional<Sysctl> sysctl,
                  List<Step.WriteFile> files, List<String> units) {
    }

    private PlatformSteps() {
    }

    static Result of(Profile p, VendorCatalog catalog) {
        Profile.Platform platform = p.platform();
        List<Step.ModuleOptions> options = new ArrayList<>();
        Optional<Step.KernelArguments> arguments = Optional.empty();
        if (platform.hmm() != null) {
            // NVIDIA open-gpu-kernel-modules, nvidia-uvm/uvm_hmm.c: the uvm_disable_hmm module parameter.
            int disable = platform.hmm() == Profile.Hmm.REQUIRED ? 0 : 1;
            options.add(new Step.ModuleOptions("nvidia_uvm", "uvm_disable_hmm=" + disable,
                    "platform.hmm: " + platform.hmm().yamlName() + " (nvidia_uvm uvm_disable_hmm)"));
        }
        Boolean nested = platform.nestedVirtualization();
        if (nested != null) {
            if (p.os().arch() == Arch.X86_64) {
                // The kvm_intel and kvm_amd modules' 'nested' parameter (Documentation/virt/kvm/x86/running-nested-guests.rst);
                // both are written, as the image does not know the node's CPU vendor: only the loaded one reads its line.
                String value = nested ? "nested=1" : "nested=0";
                options.add(new Step.ModuleOptions("kvm_intel", value, "platform.nestedVirtualization: " + nested));
                options.add(new Step.ModuleOptions("kvm_amd", value, "platform.nestedVirtualization: " + nested));
            } else if (nested) {
                // Documentation/admin-guide/kernel-parameters.txt, kvm-arm.mode: "nested"; off unless asked for.
                arguments = Optional.of(new Step.KernelArguments(List.of("kvm-arm.mode=nested"),
                        "platform.nestedVirtualization: true (kvm-arm.mode=nested)"));
            }
        }
        return new Result(options, arguments, numaBalancing(p, catalog), mpamFiles(p),
                platform.mpam() == null ? List.of() : List.of(MOUNT_UNIT, GROUPS_UNIT));
    }

    /**
     * kernel.numa_balancing (Documentation/admin-guide/sysctl/kernel.rst): the profile's decision, else the vendor
     * data's recommendation for the CPU or GPUs, unless the profile already sets it in sysctl or on the command line.
     */
    private static Optional<Sysctl> numaBalancing(Profile p, VendorCatalog catalog) {
        Profile.NumaBalancing decided = p.platform().numaBalancing();
        if (decided != null) {
            return Optional.of(new Sysctl("kernel.numa_balancing", value(decided),
                    "platform.numaBalancing: " + decided.yamlName()));
        }
        if (p.sysctl().containsKey("kernel.numa_balancing")
                || p.kernel().cmdline().stream().anyMatch(a -> a.startsWith("numa_balancing="))) {
            return Optional.empty();
        }
        List<Profile.GpuFamily> gpus = p.accelerators().stream().map(Profile.Accelerator::family).toList();
        return catalog.tuning(p.platform().cpu(), gpus).map(t -> new Sysctl("kernel.numa_balancing",
                value(t.numaBalancing()), "automatic NUMA balancing " + t.numaBalancing().yamlName()
                        + " as the vendor recommends: " + t.source().cite()));
    }

    private static String value(Profile.NumaBalancing n) {
        return n == Profile.NumaBalancing.ENABLED ? "1" : "0";
    }

    /**
     * resctrl mounted at boot by a mount unit, and a oneshot unit after it that makes each group and writes its
     * schemata (resctrl.rst: "mkdir p0", "echo 'L3:0=3;1=c' > p0/schemata"). The groups are a data file the
     * script reads, so no profile value is ever shell code.
     */
    private static List<Step.WriteFile> mpamFiles(Profile p) {
        Profile.Mpam mpam = p.platform().mpam();
        if (mpam == null) {
            return List.of();
        }
        String because = "platform.mpam: resctrl (" + RESCTRL_DOC + ")";
        String mount = """
                # Written by nodeimage from platform.mpam: the resctrl file system, through which the
                # kernel's MPAM driver partitions cache and memory bandwidth (Documentation/filesystems/resctrl.rst).
                [Unit]
                Description=Resource control file system (resctrl) for MPAM partitions
                Documentation=%s

                [Mount]
                What=resctrl
                Where=%s
                Type=resctrl

                [Install]
                WantedBy=multi-user.target
                """.formatted(RESCTRL_DOC, RESCTRL);
        String service = """
                # Written by nodeimage from platform.mpam: makes each resctrl group and writes its schemata.
                [Unit]
                Description=MPAM partitions (resctrl groups) declared by the node image's profile
                Documentation=%s
                Requires=%s
                After=%s

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=%s

                [Install]
                WantedBy=multi-user.target
                """.formatted(RESCTRL_DOC, MOUNT_UNIT, MOUNT_UNIT, GROUPS_SCRIPT);
        // The groups are data the script reads, never shell code: a value reaches the kernel as the text it is.
        String script = """
                #!/bin/sh
                # Written by nodeimage from platform.mpam: makes each resctrl group listed in %s and
                # writes the L3 cache bitmasks and memory bandwidth percentages of its schemata
                # (Documentation/filesystems/resctrl.rst). '-' leaves a resource at the kernel's default.
                set -eu
                while read -r name cache bandwidth; do
                  case "$name" in
                    '' | '#'*) continue ;;
                  esac
                  mkdir -p "%s/$name"
                  if [ "$cache" != - ]; then
                    printf 'L3:%%s\\n' "$cache" > "%s/$name/schemata"
                  fi
                  if [ "$bandwidth" != - ]; then
                    printf 'MB:%%s\\n' "$bandwidth" > "%s/$name/schemata"
                  fi
                done < %s
                """.formatted(GROUPS_CONF, RESCTRL, RESCTRL, RESCTRL, GROUPS_CONF);
        StringBuilder groups = new StringBuilder("# Written by nodeimage from platform.mpam: name, L3 cache, memory bandwidth "
                + "('-': not set).\n");
        for (Profile.ResctrlGroup g : mpam.groups()) {
            groups.append(g.name()).append(' ').append(g.cache() == null ? "-" : g.cache()).append(' ')
                    .append(g.bandwidth() == null ? "-" : g.bandwidth()).append('\n');
        }
        return List.of(
                new Step.WriteFile("/etc/systemd/system/" + MOUNT_UNIT, "0644", "root", "root", mount, because),
                new Step.WriteFile(GROUPS_CONF, "0644", "root", "root", groups.toString(), because),
                new Step.WriteFile(GROUPS_SCRIPT, "0755", "root", "root", script, because),
                new Step.WriteFile("/etc/systemd/system/" + GROUPS_UNIT, "0644", "root", "root", service, because));
    }
}
