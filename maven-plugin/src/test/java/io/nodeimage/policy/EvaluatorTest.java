package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Compression;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    static final String KVER = "6.8.0-1001-nvidia";

    static KernelModule module(String name, String license, String version, boolean signed) {
        return new KernelModule("/usr/lib/modules/" + KVER + "/kernel/" + name + ".ko", name, version, license,
                KVER + " SMP mod_unload", "ABC", List.of(), List.of(), Compression.NONE,
                signed ? Optional.of(new ModuleSignature("Canonical Ltd. Kernel Module Signing", "AA:BB", "sha512"))
                        : Optional.empty());
    }

    static Facts facts(List<KernelModule> modules, List<Facts.ModuleState> states, List<Facts.Driver> drivers,
                       List<Facts.Package> packages) {
        return new Facts("img", "sha256:00", Map.of("ID", "ubuntu", "VERSION_ID", "24.04"), "amd64",
                List.of(new Facts.KernelTree(KVER, "/usr/lib/modules/" + KVER, List.of(), modules, List.of("ext4"),
                        Map.of("CONFIG_MODULE_SIG", "y"))),
                List.of(), states, List.of(), List.of(), Map.of("kernel.kptr_restrict", new Facts.Setting("2", "/etc/sysctl.d/x.conf")),
                packages, List.of(), List.of(), List.of(), drivers, List.of(), List.of());
    }

    static LoadedPolicy policy(String yaml) {
        Problems problems = new Problems();
        Optional<LoadedPolicy> p = PolicyLoader.load(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml"),
                "p.yaml", "p", problems);
        assertThat(problems.list()).isEmpty();
        return p.orElseThrow();
    }

    static final String HEADER = "apiVersion: nodeimage/v1\nkind: Policy\nname: p\nversion: 1.0.0\n";
    static final Evaluator.Target UBUNTU = new Evaluator.Target("ubuntu-24.04-nvidia-gb200", "ubuntu", "24.04", "aarch64");

    private static RuleResult only(String yaml, Facts facts, LocalDate today) {
        List<RuleResult> results = new Evaluator(today).evaluate(List.of(policy(HEADER + yaml)), facts, UBUNTU);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void moduleStatesAreJudgedPerKernel() {
        Facts f = facts(List.of(), List.of(
                new Facts.ModuleState("cramfs", KVER, "disabled", true, "/bin/false", "/etc/modprobe.d/x.conf:2", List.of(), null),
                new Facts.ModuleState("usb_storage", KVER, "loadable", true, null, null, List.of(), null)), List.of(), List.of());
        RuleResult cramfs = only("rules: [{id: R1, severity: medium, kernelModule: {name: cramfs, state: disabled}}]\n", f,
                LocalDate.of(2026, 11, 26));
        assertThat(cramfs.status()).isEqualTo(RuleResult.Status.PASS);
        RuleResult usb = only("rules: [{id: R2, severity: medium, kernelModule: {name: usb-storage, state: disabled}}]\n", f,
                LocalDate.of(2026, 11, 26));
        assertThat(usb.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(usb.message()).isEqualTo("usb-storage is not disabled in kernel " + KVER + " (loadable)");
        assertThat(usb.location().line()).isEqualTo(5);
    }

    @Test
    void waiversApplyUntilTheyExpireAndThenSaySo() {
        Facts f = facts(List.of(), List.of(new Facts.ModuleState("squashfs", KVER, "loadable", false, null, null, List.of(), null)),
                List.of(), List.of());
        String yaml = """
                rules: [{id: CIS-7, severity: high, kernelModule: {name: squashfs, state: disabled}}]
                waivers:
                  - {rule: CIS-7, profiles: ["ubuntu-*"], reason: "squashfs needed by snapd", expires: 2027-03-31, approvedBy: secops}
                """;
        RuleResult inForce = only(yaml, f, LocalDate.of(2027, 3, 31));
        assertThat(inForce.status()).isEqualTo(RuleResult.Status.WAIVED);
        assertThat(inForce.message()).contains("waived until 2027-03-31 by secops: squashfs needed by snapd");
        RuleResult expired = only(yaml, f, LocalDate.of(2027, 4, 1));
        assertThat(expired.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(expired.waiverExpired()).isTrue();
        assertThat(expired.message()).endsWith("its waiver expired on 2027-03-31");
        Evaluator.Target rhel = new Evaluator.Target("rhel-9-node", "rhel", "9.6", "x86_64");
        assertThat(new Evaluator(LocalDate.of(2027, 1, 1)).evaluate(List.of(policy(HEADER + yaml)), f, rhel).get(0).status())
                .as("the waiver covers ubuntu-* profiles only").isEqualTo(RuleResult.Status.FAIL);
    }

    @Test
    void driverFlavourAndBranchAreChecked() {
        Facts proprietary = facts(List.of(), List.of(), List.of(new Facts.Driver("nvidia", "/x/nvidia.ko", KVER,
                "535.183.01", "535", "proprietary", false)), List.of());
        String rules = "rules:\n  - {id: NV1, severity: critical, driver: {vendor: nvidia, version: \">=570\"}}\n"
                + "  - {id: NV2, severity: critical, driver: {vendor: nvidia, flavor: open}}\n";
        List<RuleResult> results = new Evaluator(LocalDate.now()).evaluate(List.of(policy(HEADER + rules)), proprietary, UBUNTU);
        assertThat(results).extracting(RuleResult::status).containsExactly(RuleResult.Status.FAIL, RuleResult.Status.FAIL);
        assertThat(results.get(0).message()).isEqualTo("nvidia driver 535.183.01 is outside >=570 (kernel " + KVER + ")");
        assertThat(results.get(1).message()).isEqualTo("nvidia driver is proprietary, not open (kernel " + KVER + ")");
        Facts open = facts(List.of(), List.of(), List.of(new Facts.Driver("nvidia", "/x/nvidia.ko", KVER, "580.95.05",
                "580", "open", true)), List.of());
        assertThat(new Evaluator(LocalDate.now()).evaluate(List.of(policy(HEADER + rules)), open, UBUNTU))
                .extracting(RuleResult::status).containsOnly(RuleResult.Status.PASS);
    }

    @Test
    void unsignedModulesAndForeignSignersFail() {
        Facts f = facts(List.of(module("fat", "GPL", null, true), module("evil", "GPL", null, false)), List.of(), List.of(),
                List.of());
        RuleResult r = only("rules: [{id: SB, severity: high, kernelModules: {signature: required, "
                + "trustedSigners: [\"Canonical Ltd. Kernel Module Signing\"], licenses: [GPL]}}]\n", f, LocalDate.now());
        assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.message()).startsWith("1 of 2 modules fail (1 unsigned): /usr/lib/modules/" + KVER
                + "/kernel/evil.ko (evil): unsigned: the module carries no signature");
    }

    @Test
    void packagesUseTheDistributionsVersionOrder() {
        Facts f = facts(List.of(), List.of(), List.of(), List.of(new Facts.Package("openssl", "3.0.13-0ubuntu3.4", "amd64"),
                new Facts.Package("telnet", "0.17+2.5-3", "amd64")));
        assertThat(only("rules: [{id: P1, severity: high, package: {name: openssl, version: \">=3.0.13-0ubuntu3\"}}]\n", f,
                LocalDate.now()).status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(only("rules: [{id: P2, severity: high, package: {name: telnet, state: absent}}]\n", f, LocalDate.now())
                .message()).isEqualTo("telnet 0.17+2.5-3 is installed");
    }

    @Test
    void policiesThatDoNotApplySayWhy() {
        Facts f = facts(List.of(), List.of(), List.of(), List.of());
        RuleResult r = only("appliesTo: {family: [rhel]}\nrules: [{id: X, severity: low, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}]\n",
                f, LocalDate.now());
        assertThat(r.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.message()).isEqualTo("the policy is for rhel; the image is ubuntu 24.04 aarch64 (profile ubuntu-24.04-nvidia-gb200)");
        assertThat(r.undecided()).as("the image's OS decides it").isFalse();
    }

    @Test
    void filesAreJudgedByModeOwnerAndGroup() {
        Facts base = facts(List.of(), List.of(), List.of(), List.of());
        Facts f = new Facts(base.image(), base.imageId(), base.osRelease(), base.architecture(), base.kernels(), base.modprobeFiles(),
                base.modules(), base.modulesLoad(), base.cmdline(), base.sysctl(), base.packages(), base.enabledUnits(),
                base.maskedUnits(), base.firmware(), base.drivers(), List.of(
                        new Facts.FileEntry("/etc/shadow", "file", "0640", 0, 42, "root", "shadow", 500, null),
                        new Facts.FileEntry("/etc/passwd", "file", "0664", 0, 0, "root", "root", 900, null),
                        new Facts.FileEntry("/etc/mtab", "link", "0777", 0, 0, "root", "root", 0, "../proc/self/mounts")),
                List.of());
        String rule = "rules: [{id: F, severity: high, file: {%s}}]\n";
        assertThat(only(rule.formatted("path: /etc/shadow, maxMode: \"0640\", owner: root, group: shadow"), f,
                LocalDate.now()).status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(only(rule.formatted("path: /etc/shadow, maxMode: \"0600\", group: \"0\""), f, LocalDate.now())
                .message()).isEqualTo("/etc/shadow: mode 0640 allows more than 0600; group is shadow, not 0");
        assertThat(only(rule.formatted("path: /etc/shadow, owner: \"0\", group: \"42\""), f, LocalDate.now()).status())
                .isEqualTo(RuleResult.Status.PASS);
        assertThat(only(rule.formatted("path: /etc/passwd, maxMode: \"644\""), f, LocalDate.now()).message())
                .isEqualTo("/etc/passwd: mode 0664 allows more than 644");
        assertThat(only(rule.formatted("path: /etc/mtab, maxMode: \"0644\""), f, LocalDate.now()).status())
                .as("a link's own mode means nothing").isEqualTo(RuleResult.Status.PASS);
        assertThat(only(rule.formatted("path: /etc/gshadow"), f, LocalDate.now()).message())
                .isEqualTo("/etc/gshadow does not exist");
        assertThat(only(rule.formatted("path: /etc/gshadow, state: absent"), f, LocalDate.now()).status())
                .isEqualTo(RuleResult.Status.PASS);
        assertThat(only(rule.formatted("path: /etc/gshadow, state: if-present, maxMode: \"0600\""), f, LocalDate.now())
                .status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(only(rule.formatted("path: /etc/passwd, state: if-present, maxMode: \"0600\""), f, LocalDate.now())
                .message()).isEqualTo("/etc/passwd: mode 0664 allows more than 0600");
    }
}
