package io.nodeimage.policy;

import io.nodeimage.Digests;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The profile an image was built from, as a policy of its own: each setting the profile asks for that
 * an image's files show (packages installed and removed, modules disabled, sysctl values, kernel
 * arguments, units enabled, disabled and masked, files with their mode and owners, the driver) becomes a
 * rule, so an image that silently lost one fails verify. Rule ids name the profile key and the value
 * ({@code profile:sysctl/net.ipv4.ip_forward}); each rule's location is the profile line the value was
 * written at, inherited or not. What an image cannot show gets no rule: users (their home comes from the
 * image's passwd), modules loaded at boot and module options (loading is decided on the node), and
 * what the vendor data adds (a package may be a virtual name another one provides).
 */
public final class ProfilePolicy {

    /** The policy's name; reserved, so no policy file may take it. */
    public static final String NAME = "profile";
    /** The policy set it is judged in: verification records and certificates list it beside the others. */
    public static final String SET = "profile";
    /** How every rule id of the policy starts; such an id is also its full id (see {@link Waivers#fullId}). */
    public static final String RULE_PREFIX = "profile:";

    private static final String RATIONALE = "The profile asks for it, and the image was built from the profile: an "
            + "image without it is not the image its profile describes. A later step undid it (a package's "
            + "maintainer script, another file, a later package), or the image was not built from this profile.";
    private static final String REMEDIATION = "Find the step that undid it in the build's output "
            + "(build-output.log beside the reports) and fix that step; or change the profile, if it no longer "
            + "wants this. A waiver names the rule by its id, as the report shows it.";

    private final ResolvedProfile resolved;
    private final Profile profile;
    private final Map<String, Policy.Rule> rules = new LinkedHashMap<>();
    private final Map<String, Location> locations = new LinkedHashMap<>();
    private final Map<String, String> checks = new LinkedHashMap<>();

    private ProfilePolicy(ResolvedProfile resolved) {
        this.resolved = resolved;
        this.profile = resolved.profile();
    }

    /** The profile's rules as a policy, located in the profile files. */
    public static LoadedPolicy of(ResolvedProfile resolved) {
        ProfilePolicy p = new ProfilePolicy(resolved);
        p.collect();
        String text = p.text();
        Policy policy = new Policy("nodeimage/v1", "Policy", NAME, Digests.sha256(text).substring(0, 12),
                "What profile " + resolved.name() + " asks for, judged on the image built from it", null,
                List.copyOf(p.rules.values()), List.of());
        return new LoadedPolicy(policy, resolved.sources().get(resolved.sources().size() - 1), Digests.sha256(text),
                p.locations, Map.of());
    }

    /** The policy in a set of its own, to judge beside the project's and the catalog's. */
    public static PolicySet set(ResolvedProfile resolved) {
        return new PolicySet(SET, resolved.name(), null, List.of(of(resolved)));
    }

    /** The profile keys rules are made from, as their ids name them. */
    public static final List<String> KEYS = List.of("kernel.package", "packages.install", "packages.remove",
            "kernel.modules.disable", "kernel.cmdline", "sysctl", "services.enable", "services.disable", "services.mask",
            "files", "accelerators.driver", "platform.hmm", "platform.numaBalancing", "platform.nestedVirtualization",
            "platform.mpam");

    /** The profile key a rule reference names: sysctl for profile:sysctl/kernel.kptr_restrict. */
    public static String key(String ruleRef) {
        String rest = ruleRef.substring(RULE_PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** Whether a rule reference (a waiver's) names a rule of this policy. */
    public static boolean names(String ruleRef) {
        return ruleRef.startsWith(RULE_PREFIX);
    }

    private void collect() {
        if (profile.kernel().packageName() != null) {
            String name = profile.kernel().packageName();
            add("kernel.package", name, name + " is installed, as kernel.package asks", at("kernel", "package"),
                    check -> check.packageState(new Policy.PackageCheck(name, Policy.Presence.PRESENT, null)));
        }
        List<String> install = profile.packages().install();
        for (int i = 0; i < install.size(); i++) {
            String name = install.get(i);
            String pin = profile.packages().pins().get(name);
            add("packages.install", name, name + " is installed" + (pin == null ? "" : " at version " + pin)
                            + ", as packages.install asks", at("packages", "install", i),
                    check -> check.packageState(new Policy.PackageCheck(name, Policy.Presence.PRESENT,
                            pin == null ? null : "=" + pin)));
        }
        for (int i = 0; i < profile.packages().remove().size(); i++) {
            String name = profile.packages().remove().get(i);
            add("packages.remove", name, name + " is not installed, as packages.remove asks",
                    at("packages", "remove", i),
                    check -> check.packageState(new Policy.PackageCheck(name, Policy.Presence.ABSENT, null)));
        }
        for (int i = 0; i < profile.kernel().modules().disable().size(); i++) {
            String name = profile.kernel().modules().disable().get(i);
            add("kernel.modules.disable", name, name + " cannot be loaded, as kernel.modules.disable asks",
                    at("kernel", "modules", "disable", i),
                    check -> check.kernelModule(new Policy.ModuleCheck(name, Policy.ModuleState.DISABLED)));
        }
        // Debian and Ubuntu images get a GRUB drop-in whether or not they have a boot loader; RHEL's grubby
        // writes the arguments only into the boot entries of kernels the image has, which facts do not read.
        if (profile.os().family() != Profile.Family.RHEL) {
            for (int i = 0; i < profile.kernel().cmdline().size(); i++) {
                String argument = profile.kernel().cmdline().get(i);
                add("kernel.cmdline", argument, "the kernel argument " + argument + " is set, as kernel.cmdline asks",
                        at("kernel", "cmdline", i),
                        check -> check.cmdline(new Policy.CmdlineCheck(argument, Policy.Presence.PRESENT)));
            }
        }
        profile.sysctl().forEach((key, value) -> add("sysctl", key, key + " is " + value + ", as sysctl asks",
                at("sysctl", key), check -> check.sysctl(new Policy.SysctlCheck(key, value))));
        services("enable", profile.services().enable(), Policy.UnitState.ENABLED);
        services("disable", profile.services().disable(), Policy.UnitState.NOT_ENABLED);
        services("mask", profile.services().mask(), Policy.UnitState.MASKED);
        for (int i = 0; i < profile.files().size(); i++) {
            Profile.FileSpec f = profile.files().get(i);
            // The defaults the plan writes a file with (Planner).
            String mode = f.mode() == null ? "0644" : f.mode();
            String owner = f.owner() == null ? "root" : f.owner();
            String group = f.group() == null ? "root" : f.group();
            add("files", f.path(), f.path() + " is there, mode at most " + mode + ", owned by " + owner + ":" + group
                            + ", as files asks", at("files", i, "path"),
                    check -> check.file(new Policy.FileCheck(f.path(), Policy.FileState.PRESENT, mode, owner, group)));
        }
        for (int i = 0; i < profile.accelerators().size(); i++) {
            driver(profile.accelerators().get(i), i);
        }
        platform(profile.platform());
    }

    /**
     * The multi-tenant keys, as the plan renders them: UVM's uvm_disable_hmm option, sysctl
     * kernel.numa_balancing, KVM's nested mode, the resctrl mount and groups. Only what the profile writes:
     * a vendor recommendation applied where the key is absent gets no rule (as for other vendor data).
     */
    private void platform(Profile.Platform p) {
        if (p.hmm() != null) {
            boolean on = p.hmm() == Profile.Hmm.REQUIRED;
            add("platform.hmm", p.hmm().yamlName(), "NVIDIA UVM's HMM is " + (on ? "on" : "off") + " (uvm_disable_hmm "
                            + (on ? "N" : "Y") + "), as platform.hmm asks", at("platform", "hmm"),
                    check -> check.moduleParameter(new Policy.ModuleParameterCheck("nvidia_uvm", "uvm_disable_hmm",
                            on ? "N" : "Y", null)));
        }
        if (p.numaBalancing() != null) {
            Policy.Mode mode = p.numaBalancing() == Profile.NumaBalancing.ENABLED ? Policy.Mode.ENABLED : Policy.Mode.DISABLED;
            add("platform.numaBalancing", mode.yamlName(), "automatic NUMA balancing is " + mode.yamlName()
                    + ", as platform.numaBalancing asks", at("platform", "numaBalancing"),
                    check -> check.numaBalancing(new Policy.ModeCheck(mode)));
        }
        if (p.nestedVirtualization() != null) {
            Policy.Mode mode = p.nestedVirtualization() ? Policy.Mode.ENABLED : Policy.Mode.DISABLED;
            add("platform.nestedVirtualization", p.nestedVirtualization().toString(), "KVM nested virtualization is "
                    + mode.yamlName() + ", as platform.nestedVirtualization asks", at("platform", "nestedVirtualization"),
                    check -> check.nestedVirtualization(new Policy.ModeCheck(mode)));
        }
        if (p.mpam() != null && !p.mpam().groups().isEmpty()) {
            List<String> groups = p.mpam().groups().stream().map(Profile.ResctrlGroup::name).toList();
            add("platform.mpam", "resctrl", "resctrl is mounted at boot with groups " + String.join(", ", groups)
                    + ", as platform.mpam asks", at("platform", "mpam"),
                    check -> check.resctrl(new Policy.ResctrlCheck(true, groups)));
        }
    }

    private void services(String key, List<String> units, Policy.UnitState state) {
        for (int i = 0; i < units.size(); i++) {
            String unit = units.get(i);
            add("services." + key, unit, unit + " is " + state.yamlName() + ", as services." + key + " asks",
                    at("services", key, i), check -> check.service(new Policy.ServiceCheck(unit, state)));
        }
    }

    /**
     * The driver module the accelerator asks for: its flavour, and for NVIDIA its branch (or pinned
     * version). An AMD branch is a ROCm release, which the amdgpu module's version does not show.
     */
    private void driver(Profile.Accelerator a, int index) {
        Profile.Driver d = a.driver();
        String vendor = a.vendor().yamlName();
        String version = null;
        if (a.vendor() == Profile.Vendor.NVIDIA) {
            if (d.version() != null) {
                version = "=" + d.version();
            } else if (d.branch().matches("[0-9]+")) {
                version = ">=" + d.branch() + ",<" + (Integer.parseInt(d.branch()) + 1);
            }
        }
        String range = version;
        add("accelerators.driver", vendor, "the " + vendor + " driver is " + d.flavor().yamlName()
                        + (a.vendor() == Profile.Vendor.NVIDIA ? ", " + (d.version() != null ? "version " + d.version()
                        : "branch " + d.branch()) : "") + ", as accelerators[" + index + "].driver asks",
                at("accelerators", index, "driver"),
                check -> check.driver(new Policy.DriverCheck(vendor, range, d.flavor().yamlName(), null)));
    }

    /**
     * A rule for the value at a profile key; a value listed twice (or by two accelerators of one vendor)
     * is one rule, at its first place.
     */
    private void add(String key, String value, String title, Location at, java.util.function.UnaryOperator<ProfileCheck> fill) {
        // A path keeps its own leading slash: profile:files/etc/motd.
        String id = RULE_PREFIX + key + (value.startsWith("/") ? "" : "/") + value;
        if (rules.containsKey(id)) {
            return;
        }
        ProfileCheck c = fill.apply(new ProfileCheck());
        List<Policy.Reference> references = List.of(new Policy.Reference("profile " + resolved.name() + ", " + key
                + " at " + at.file() + ":" + at.line(), null));
        rules.put(id, c.rule(id, title, RATIONALE, REMEDIATION, references));
        locations.put(id, at);
        checks.put(id, c.describe());
    }

    /** Where the value at a path was written: the node itself, else its nearest parent that exists. */
    private Location at(Object... path) {
        for (int n = path.length; n > 0; n--) {
            Optional<YNode> node = YNode.at(resolved.tree(), java.util.Arrays.copyOf(path, n));
            if (node.isPresent()) {
                return node.get().location();
            }
        }
        return resolved.tree().location();
    }

    /**
     * The rules as text, one a line: what the policy's digest is taken over. Not where they were written:
     * a comment added to a profile moves lines and changes no rule.
     */
    private String text() {
        List<String> lines = new ArrayList<>();
        lines.add("profile " + resolved.name());
        for (Policy.Rule r : rules.values()) {
            lines.add(r.id() + "\t" + r.severity().yamlName() + "\t" + checks.get(r.id()));
        }
        return String.join("\n", lines) + "\n";
    }
}
