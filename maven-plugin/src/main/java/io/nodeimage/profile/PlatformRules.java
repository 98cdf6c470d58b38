package io.nodeimage.profile;

import io.nodeimage.profile.Profile.Arch;
import io.nodeimage.profile.Profile.Platform;
import io.nodeimage.profile.Profile.ResctrlGroup;
import io.nodeimage.profile.Profile.Vendor;
import io.nodeimage.yaml.YNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The multi-tenant keys of platform (hmm, numaBalancing, nestedVirtualization, mpam) against the rest of the
 * profile: what each needs of the hardware, and the same setting written twice. What a key needs of the
 * kernel release is the vendor data's to say (io.nodeimage.plan.PlatformSupport).
 */
final class PlatformRules {

    /** resctrl's own entries in every group directory and at its root (Documentation/filesystems/resctrl.rst). */
    static final Set<String> RESCTRL_RESERVED = Set.of("info", "mon_groups", "mon_data");

    private final ProfileRules rules;

    PlatformRules(ProfileRules rules) {
        this.rules = rules;
    }

    void check(Profile p, YNode.Mapping tree) {
        Platform platform = p.platform();
        Map<String, String> options = p.kernel().modules().options();
        if (platform.hmm() != null) {
            boolean nvidia = p.accelerators().stream().anyMatch(a -> a.vendor() == Vendor.NVIDIA);
            if (!nvidia) {
                rules.add(tree, "hmm is a setting of NVIDIA's UVM driver (nvidia_uvm), and this profile has no NVIDIA "
                        + "accelerator to use it", "remove platform.hmm, or add the NVIDIA accelerator", "platform", "hmm");
            } else if (platform.hmm() == Profile.Hmm.REQUIRED && p.accelerators().stream()
                    .anyMatch(a -> a.vendor() == Vendor.NVIDIA && a.driver() != null
                            && a.driver().flavor() == Profile.Flavor.PROPRIETARY)) {
                // CUDA Programming Guide, Unified Memory: Linux HMM needs the CUDA driver with the open kernel modules.
                rules.add(tree, "HMM needs NVIDIA's open kernel modules (CUDA Programming Guide, Unified Memory), but "
                        + "the NVIDIA driver is proprietary", "set driver.flavor: open, or remove platform.hmm",
                        "platform", "hmm");
            }
            twice(tree, options, "nvidia_uvm", "uvm_disable_hmm", "platform.hmm", "hmm");
        }
        if (platform.numaBalancing() != null) {
            if (p.sysctl().containsKey("kernel.numa_balancing")) {
                rules.add(tree, "automatic NUMA balancing is set twice: platform.numaBalancing and sysctl "
                        + "kernel.numa_balancing", "keep platform.numaBalancing and remove the sysctl entry",
                        "sysctl", "kernel.numa_balancing");
            }
            cmdline(tree, p, "numa_balancing=", "platform.numaBalancing renders sysctl kernel.numa_balancing");
        }
        if (platform.nestedVirtualization() != null) {
            if (p.os().arch() == Arch.X86_64) {
                twice(tree, options, "kvm_intel", "nested", "platform.nestedVirtualization", "nestedVirtualization");
                twice(tree, options, "kvm_amd", "nested", "platform.nestedVirtualization", "nestedVirtualization");
            } else {
                cmdline(tree, p, "kvm-arm.mode=", "platform.nestedVirtualization renders kvm-arm.mode");
            }
        }
        if (platform.mpam() != null) {
            mpam(p, tree);
        }
    }

    private void mpam(Profile p, YNode.Mapping tree) {
        if (p.os().arch() == Arch.X86_64) {
            // Intel RDT and AMD PQoS use the same resctrl file system, but MPAM is Arm's (resctrl.rst).
            rules.add(tree, "MPAM is Arm's memory partitioning; this profile is x86_64",
                    "remove platform.mpam, or set os.arch: aarch64", "platform", "mpam");
            return;
        }
        List<ResctrlGroup> groups = p.platform().mpam().groups();
        if (groups.isEmpty()) {
            rules.add(tree, "platform.mpam declares no group", "list the groups, such as "
                    + "{name: tenant-a, cache: \"0=00ff\", bandwidth: \"0=50\"}", "platform", "mpam", "groups");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            ResctrlGroup g = groups.get(i);
            if (g.name() == null) {
                continue;
            }
            if (RESCTRL_RESERVED.contains(g.name())) {
                rules.add(tree, "'" + g.name() + "' is one of resctrl's own directories (info, mon_groups, mon_data)",
                        "choose another group name", "platform", "mpam", "groups", i, "name");
            }
            if (!seen.add(g.name())) {
                rules.add(tree, "'" + g.name() + "' appears twice", "each group name may appear once",
                        "platform", "mpam", "groups", i, "name");
            }
            if (g.cache() == null && g.bandwidth() == null) {
                rules.add(tree, "group '" + g.name() + "' partitions nothing", "give it cache, bandwidth or both",
                        "platform", "mpam", "groups", i);
            }
            if (g.bandwidth() != null) {
                for (String domain : g.bandwidth().split(";")) {
                    int percent = Integer.parseInt(domain.substring(domain.indexOf('=') + 1));
                    if (percent < 1 || percent > 100) {
                        rules.add(tree, "bandwidth '" + domain + "' is not a percentage from 1 to 100 (resctrl's MB "
                                + "schemata, mounted without mba_MBps)", "write domain=percent, such as 0=50",
                                "platform", "mpam", "groups", i, "bandwidth");
                    }
                }
            }
        }
    }

    /** A module option the platform key renders, also written in kernel.modules.options. */
    private void twice(YNode.Mapping tree, Map<String, String> options, String module, String option,
                       String key, String platformKey) {
        options.forEach((m, value) -> {
            if (m.replace('-', '_').equals(module) && (" " + value).contains(" " + option + "=")) {
                rules.add(tree, module + " " + option + " is set twice: " + key + " and kernel.modules.options",
                        "keep " + key + " and remove " + option + " from the options of " + m,
                        "kernel", "modules", "options", m);
            }
        });
    }

    private void cmdline(YNode.Mapping tree, Profile p, String prefix, String why) {
        List<String> cmdline = p.kernel().cmdline();
        for (int i = 0; i < cmdline.size(); i++) {
            if (cmdline.get(i).startsWith(prefix)) {
                rules.add(tree, "'" + cmdline.get(i) + "' is set twice: " + why,
                        "remove it from kernel.cmdline", "kernel", "cmdline", i);
            }
        }
    }
}
