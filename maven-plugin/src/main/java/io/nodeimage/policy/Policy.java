package io.nodeimage.policy;

import static io.nodeimage.yaml.Syntax.DATE;
import static io.nodeimage.yaml.Syntax.FILE_MODE;
import static io.nodeimage.yaml.Syntax.GLOB;
import static io.nodeimage.yaml.Syntax.MODULE;
import static io.nodeimage.yaml.Syntax.NAME;
import static io.nodeimage.yaml.Syntax.PACKAGE;
import static io.nodeimage.yaml.Syntax.PATH;
import static io.nodeimage.yaml.Syntax.TRUSTED_CERTIFICATE;
import static io.nodeimage.yaml.Syntax.RULE_REF;
import static io.nodeimage.yaml.Syntax.TEXT;
import static io.nodeimage.yaml.Syntax.WEB_URL;
import static io.nodeimage.yaml.Syntax.SERVICE;
import static io.nodeimage.yaml.Syntax.SYSCTL_KEY;
import static io.nodeimage.yaml.Syntax.SYSCTL_VALUE;
import static io.nodeimage.yaml.Syntax.WORD;

import io.nodeimage.host.KernelTaint;
import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Key;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import io.nodeimage.yaml.YamlEnum;
import java.util.List;

/** A security team's policy: rules over an image's facts, and waivers that expire. */
@Doc("A nodeimage policy: rules checked against an image's facts, with waivers.")
public record Policy(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always Policy.") String kind,
        @Required @Doc("The policy's name; equal to its file name without .yaml.") @Shape(NAME) String name,
        @Required @Doc("The policy's version, such as 1.0.0.") @Shape(WORD) String version,
        @Doc("What this policy is for.") String description,
        @Doc("Which images the policy judges; all when absent.") AppliesTo appliesTo,
        @Required @Doc("The rules.") List<Rule> rules,
        @Doc("Exceptions to rules, each with a reason, an approver and an expiry date.") List<Waiver> waivers) {

    /**
     * The platform features a profile can declare, which appliesTo's features and withoutFeatures name:
     * platform.hmm required (hmm) or disabled (hmm-disabled), platform.mpam with groups, platform.nestedVirtualization
     * true.
     */
    public static final List<String> FEATURES = List.of("hmm", "hmm-disabled", "mpam", "nested-virtualization");

    /** The features a profile declares, from its platform keys. */
    public static List<String> features(io.nodeimage.profile.Profile.Platform p) {
        List<String> out = new java.util.ArrayList<>();
        if (p.hmm() != null) {
            out.add(p.hmm() == io.nodeimage.profile.Profile.Hmm.REQUIRED ? "hmm" : "hmm-disabled");
        }
        if (p.mpam() != null && !p.mpam().groups().isEmpty()) {
            out.add("mpam");
        }
        if (Boolean.TRUE.equals(p.nestedVirtualization())) {
            out.add("nested-virtualization");
        }
        return out;
    }

    public Policy {
        appliesTo = appliesTo == null ? new AppliesTo(null, null, null, null, null, null, null) : appliesTo;
        rules = rules == null ? List.of() : List.copyOf(rules);
        waivers = waivers == null ? List.of() : List.copyOf(waivers);
    }

    /**
     * Which images a policy judges. Every key given must match; the OS keys are matched against the
     * image's own /etc/os-release, so they are always decided. {@code profiles} can only be decided when
     * the image was made from a named profile: prefer {@code drivers}, which the image's facts decide.
     */
    public record AppliesTo(
            @Doc("OS families: ubuntu, rhel, debian.") List<@Shape(WORD) String> family,
            @Doc("OS releases, such as 24.04 or 9 (9 covers 9.6).") List<@Shape(WORD) String> release,
            @Doc("Architectures: x86_64, aarch64.") List<@Shape(WORD) String> arch,
            @Doc("Profile names or globs. An image judged without a profile cannot be matched: its rules are "
                    + "skipped, and a skipped critical rule (any rule in strict mode) fails the run.")
            List<@Shape(GLOB) String> profiles,
            @Doc("GPU driver vendors (nvidia, amd): the image has a driver module of one of them, or its "
                    + "profile declares an accelerator of one of them.") List<@Shape(WORD) String> drivers,
            @Doc("Platform features (hmm, hmm-disabled, nested-virtualization, mpam): the policy applies only when the image's "
                    + "profile declares every one of them. An image or node judged without a profile declares none.")
            List<@Shape(WORD) String> features,
            @Doc("Platform features the profile must not declare: the policy applies only when it declares none of "
                    + "them (an image or node judged without a profile declares none).")
            List<@Shape(WORD) String> withoutFeatures) {
        public AppliesTo {
            features = features == null ? List.of() : List.copyOf(features);
            withoutFeatures = withoutFeatures == null ? List.of() : List.copyOf(withoutFeatures);
            family = family == null ? List.of() : List.copyOf(family);
            release = release == null ? List.of() : List.copyOf(release);
            arch = arch == null ? List.of() : List.copyOf(arch);
            profiles = profiles == null ? List.of() : List.copyOf(profiles);
            drivers = drivers == null ? List.of() : List.copyOf(drivers);
        }
    }

    public enum Severity implements YamlEnum {
        INFO, LOW, MEDIUM, HIGH, CRITICAL
    }

    /** One rule: an id, a severity, and exactly one check. */
    public record Rule(
            @Required @Doc("A stable id, such as CIS-UBUNTU2404-1.1.1.1.") @Shape(WORD) String id,
            @Doc("What the rule demands, in a few words.") String title,
            @Required @Doc("info, low, medium, high or critical.") Severity severity,
            @Doc("Why the rule matters, for the people who read the reports.") @Shape(TEXT) String rationale,
            @Doc("How to make an image pass.") @Shape(TEXT) String remediation,
            @Doc("Where the rule comes from: a benchmark id (CIS, STIG) and/or a web address.")
            List<Reference> references,
            @Doc("The state of one kernel module.") ModuleCheck kernelModule,
            @Doc("Signatures and licences of every module.") ModulesCheck kernelModules,
            @Doc("The GPU driver.") DriverCheck driver,
            @Key("package") @Doc("A package's presence or version.") PackageCheck packageState,
            @Doc("A sysctl setting.") SysctlCheck sysctl,
            @Doc("A kernel configuration option.") KernelConfigCheck kernelConfig,
            @Doc("A kernel command-line argument.") CmdlineCheck cmdline,
            @Doc("A systemd unit.") ServiceCheck service,
            @Doc("A file's presence, permissions and owner.") FileCheck file,
            @Doc("Running nodes only (verify-host): whether the running kernel has a module loaded.")
            LoadedModuleCheck loadedModule,
            @Doc("Running nodes only (verify-host): taint flags the running kernel must not carry.") TaintCheck taint,
            @Doc("Running nodes only (verify-host): the GPUs' modes, as nvidia-smi -q -x reports them.") GpuCheck gpu,
            @Doc("Running nodes only (verify-host): Secure Boot as the firmware reports it, and the kernel "
                    + "lockdown it brings.") SecureBootCheck secureBoot,
            @Doc("A kernel module's parameter: on an image from the module's modprobe.d options, on a running node "
                    + "from /sys/module.") ModuleParameterCheck moduleParameter,
            @Doc("Automatic NUMA balancing: on an image from sysctl.d, the kernel command line and the kernel's "
                    + "default; on a running node from /proc/sys/kernel/numa_balancing.") ModeCheck numaBalancing,
            @Doc("KVM nested virtualization: x86_64 from the kvm_intel and kvm_amd nested parameter, aarch64 from "
                    + "kvm-arm.mode=nested on the kernel command line.") ModeCheck nestedVirtualization,
            @Doc("The resctrl file system (cache and memory bandwidth partitions, Arm MPAM, Intel RDT): on an image "
                    + "its mount unit enabled, on a running node mounted with the groups named.") ResctrlCheck resctrl) {
        public Rule {
            references = references == null ? List.of() : List.copyOf(references);
        }

        /**
         * A rule with no check of its own, for findings judged elsewhere (a certificate's drift, the image's
         * own modprobe disagreeing): the report needs its id, title, severity and texts.
         */
        public static Rule finding(String id, String title, Severity severity, String rationale, String remediation,
                                   List<Reference> references) {
            return new Rule(id, title, severity, rationale, remediation, references, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /** A benchmark item or document a rule implements; at least one of id and url. */
    public record Reference(
            @Doc("The item's id in its benchmark, such as 'CIS Ubuntu 24.04 1.1.1.1' or 'STIG V-270645'.") String id,
            @Doc("Where to read it.") @Shape(WEB_URL) String url) {
    }

    public enum ModuleState implements YamlEnum {
        PRESENT, ABSENT, DISABLED, LOADABLE
    }

    public record ModuleCheck(
            @Required @Doc("The module's name ('-' and '_' alike).") @Shape(MODULE) String name,
            @Required @Doc("present, absent, disabled (cannot be loaded: absent or replaced) or loadable.")
            ModuleState state) {
    }

    public record ModulesCheck(
            @Doc("required: every module carries a signature.") Requirement signature,
            @Doc("Certificates (PEM or DER files beside the policy) whose keys a signature must verify with, "
                    + "over the module's bytes, as the kernel checks it; site:module-signers stands for the "
                    + "certificates the run is given (nodeimage.trustedModuleSigners), kernel:built-in-keys for the "
                    + "keys built into the kernel image of each module tree.")
            List<@Shape(TRUSTED_CERTIFICATE) String> trustedCertificates,
            @Doc("Signers accepted (the signing certificate's issuer name); with trustedKeyIds, either one "
                    + "accepts a module.") List<String> trustedSigners,
            @Doc("Key ids accepted (serial numbers or key identifiers as modinfo prints them).")
            List<String> trustedKeyIds,
            @Doc("Licences accepted; a module with another fails.") List<String> licenses) {
        public ModulesCheck {
            trustedCertificates = trustedCertificates == null ? List.of() : List.copyOf(trustedCertificates);
            trustedSigners = trustedSigners == null ? List.of() : List.copyOf(trustedSigners);
            trustedKeyIds = trustedKeyIds == null ? List.of() : List.copyOf(trustedKeyIds);
            licenses = licenses == null ? List.of() : List.copyOf(licenses);
        }
    }

    public enum Requirement implements YamlEnum {
        REQUIRED, OPTIONAL
    }

    public record DriverCheck(
            @Required @Doc("nvidia or amd.") @Shape(WORD) String vendor,
            @Doc("A version range: >=580, <600, or both separated by a comma.") String version,
            @Doc("open or proprietary (NVIDIA); dkms or inbox (AMD).") @Shape(WORD) String flavor,
            @Doc("GSP firmware for the driver's version must be in the image.") Boolean gspFirmware) {
    }

    public enum Presence implements YamlEnum {
        PRESENT, ABSENT
    }

    public record PackageCheck(
            @Required @Shape(PACKAGE) String name,
            @Doc("present (the default) or absent.") Presence state,
            @Doc("A version range, in the package manager's ordering: >=2.4, <3.") String version) {
    }

    public record SysctlCheck(@Required @Shape(SYSCTL_KEY) String key, @Required @Shape(SYSCTL_VALUE) String value) {
    }

    public record KernelConfigCheck(@Required @Shape(WORD) String option, @Required @Shape(WORD) String value) {
    }

    public record CmdlineCheck(@Required String argument, @Doc("present (the default) or absent.") Presence state) {
    }

    public enum UnitState implements YamlEnum {
        ENABLED, NOT_ENABLED, MASKED
    }

    public record ServiceCheck(@Required @Shape(SERVICE) String name, @Required UnitState state) {
    }

    public enum FileState implements YamlEnum {
        PRESENT, ABSENT, IF_PRESENT
    }

    public record FileCheck(
            @Required @Doc("The absolute path in the image; a link is judged as the link, not its target.") @Shape(PATH) String path,
            @Doc("present (the default), absent, or if-present: mode and owners are checked only where the path exists.")
            FileState state,
            @Doc("The most permissive mode allowed, in octal: \"0640\" fails a file with any bit outside rw-r-----.")
            @Shape(FILE_MODE) String maxMode,
            @Doc("The owning user, by name or number.") @Shape(WORD) String owner,
            @Doc("The owning group, by name or number.") @Shape(WORD) String group) {
    }

    public enum LoadState implements YamlEnum {
        LOADED, NOT_LOADED
    }

    public record LoadedModuleCheck(
            @Required @Doc("The module's name ('-' and '_' alike).") @Shape(MODULE) String name,
            @Required @Doc("loaded (in /proc/modules) or not-loaded.") LoadState state) {
    }

    public record TaintCheck(
            @Required @Doc("Taint letters the kernel must not carry, as it prints them: E (an unsigned module was "
                    + "loaded), P (a proprietary module), O (an out-of-tree module), F (force-loaded), ...")
            List<KernelTaint> absent) {
        public TaintCheck {
            absent = absent == null ? List.of() : List.copyOf(absent);
        }
    }

    /** nvidia-smi's own words for a mode; on and off would be booleans to YAML 1.1 readers. */
    public enum Mode implements YamlEnum {
        ENABLED, DISABLED
    }

    public record GpuCheck(
            @Doc("nvidia (the default): the vendor whose GPUs are judged.") @Shape(WORD) String vendor,
            @Doc("Persistence mode of every GPU: enabled or disabled.") Mode persistence,
            @Doc("MIG mode of every GPU (current): enabled or disabled; a GPU without MIG counts as disabled.") Mode mig,
            @Doc("ECC mode of every GPU (current): enabled or disabled; a GPU without ECC counts as disabled.") Mode ecc) {
    }

    /** The kernel's lockdown modes, weakest first (Documentation/admin-guide/kernel-parameters.txt, lockdown=). */
    public enum Lockdown implements YamlEnum {
        NONE, INTEGRITY, CONFIDENTIALITY
    }

    public record SecureBootCheck(
            @Doc("enabled or disabled: the firmware's Secure Boot state (the EFI SecureBoot variable under "
                    + "/sys/firmware/efi/efivars); a node that shows none is not checked.") Mode state,
            @Doc("Where Secure Boot is on, the least lockdown the kernel must be in: integrity (no unsigned module, no "
                    + "write to kernel memory) or confidentiality (nor any read of it). Not applicable where Secure "
                    + "Boot is off.") Lockdown lockdown) {
    }

    /**
     * A module parameter. Values are compared as the kernel parses them: for a boolean parameter Y, y, 1 and
     * N, n, 0 (as /sys/module shows Y and N for what modprobe.d wrote 1 and 0) are one value.
     */
    public record ModuleParameterCheck(
            @Required @Doc("The module's name ('-' and '_' alike), as modprobe.d names it.") @Shape(MODULE) String module,
            @Required @Doc("The parameter, as modinfo lists it.") @Shape(WORD) String parameter,
            @Required @Doc("The value it must have.") @Shape(WORD) String value,
            @Key("default") @Doc("The value the module takes when no option sets it, as its source declares it; on an image with no "
                    + "option for the parameter this is judged. Absent: an image that does not set it fails.")
            @Shape(WORD) String defaultValue) {
    }

    public record ModeCheck(@Required @Doc("enabled or disabled.") Mode state) {
    }

    public record ResctrlCheck(
            @Doc("true (the default): resctrl is mounted at boot (an image: the sys-fs-resctrl.mount unit is enabled; "
                    + "a node: /proc/mounts has it); false: it is not.") Boolean mounted,
            @Doc("Control groups that must exist on a running node (directories of the mount, each with its "
                    + "schemata). An image is judged on the mount unit only: its groups are made when it boots.")
            List<@Shape(WORD) String> groups) {
        public ResctrlCheck {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }
    }

    public record Waiver(
            @Required @Doc("The rule waived: its id in this policy, or policy/rule for any rule a run judges, or the id of a "
                    + "rule of the image's own profile (profile:sysctl/kernel.kptr_restrict).")
            @Shape(RULE_REF) String rule,
            @Doc("Profile names or globs it covers; all when absent.") List<@Shape(GLOB) String> profiles,
            @Required @Doc("Why the rule does not hold here.") String reason,
            @Doc("The first day the waiver applies, YYYY-MM-DD; from the start when absent.") @Shape(DATE) String from,
            @Required @Doc("The last day the waiver applies, YYYY-MM-DD.") @Shape(DATE) String expires,
            @Required @Doc("Who approved it.") String approvedBy) {
        public Waiver {
            profiles = profiles == null ? List.of() : List.copyOf(profiles);
        }
    }
}
