package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.host.HostInspector;
import io.nodeimage.inspect.Facts;
import io.nodeimage.support.LiveNode;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules judged against a running node: the live H100 node, variants of it, this machine, and an image. */
class RuntimeRulesTest {

    static final String POLICY = EvaluatorTest.HEADER + """
            rules:
              - {id: DRIVER, severity: critical, driver: {vendor: nvidia, version: ">=580", flavor: open, gspFirmware: true}}
              - {id: LOADED, severity: high, loadedModule: {name: nvidia, state: loaded}}
              - {id: NO-NOUVEAU, severity: high, loadedModule: {name: nouveau, state: not-loaded}}
              - {id: SIGNED, severity: high, taint: {absent: [E, P, F]}}
              - {id: IN-TREE, severity: low, taint: {absent: [O]}}
              - {id: GPU, severity: high, gpu: {persistence: enabled, mig: disabled, ecc: enabled}}
              - {id: KPTR, severity: medium, sysctl: {key: kernel.kptr_restrict, value: "2"}}
              - {id: SWIOTLB, severity: low, cmdline: {argument: swiotlb=noforce}}
              - {id: NVIDIA-OFF, severity: medium, kernelModule: {name: nvidia, state: disabled}}
              - {id: CRAMFS, severity: medium, kernelModule: {name: cramfs, state: disabled}}
              - {id: SIG-FILES, severity: high, kernelModules: {signature: required}}
              - {id: TELNET, severity: high, package: {name: telnet, state: absent}}
            """;

    @TempDir
    Path dir;

    private static Map<String, RuleResult> judge(Facts facts) {
        Problems problems = new Problems();
        LoadedPolicy p = PolicyLoader.load(SafeYaml.parse(POLICY.getBytes(StandardCharsets.UTF_8), "p.yaml"), "p.yaml", "p",
                problems).orElseThrow(() -> new AssertionError(problems.list()));
        Map<String, RuleResult> out = new LinkedHashMap<>();
        new Evaluator(LocalDate.of(2026, 11, 27)).evaluate(List.of(p), facts, EvaluatorTest.UBUNTU)
                .forEach(r -> out.put(r.ruleId(), r));
        return out;
    }

    private static Facts node(Path root, Path xml) {
        return HostInspector.inspect(new HostInspector.Request(root, xml, Set.of("kernel.kptr_restrict"), Set.of()));
    }

    private static Map<String, String> statuses(Map<String, RuleResult> results) {
        Map<String, String> out = new LinkedHashMap<>();
        results.forEach((id, r) -> out.put(id, r.status().yamlName()));
        return out;
    }

    @Test
    void theH100NodeIsJudgedByWhatItRuns() {
        Map<String, RuleResult> r = judge(node(LiveNode.root(), LiveNode.smiXml()));
        assertThat(statuses(r)).containsExactly(
                Map.entry("DRIVER", "pass"), Map.entry("LOADED", "pass"), Map.entry("NO-NOUVEAU", "pass"),
                Map.entry("SIGNED", "pass"), Map.entry("IN-TREE", "fail"), Map.entry("GPU", "pass"),
                Map.entry("KPTR", "fail"), Map.entry("SWIOTLB", "pass"), Map.entry("NVIDIA-OFF", "fail"),
                Map.entry("CRAMFS", "not-applicable"), Map.entry("SIG-FILES", "not-applicable"),
                Map.entry("TELNET", "not-applicable"));
        assertThat(r.get("IN-TREE").message()).isEqualTo("the running kernel is tainted O (externally-built "
                + "(\"out-of-tree\") module was loaded: nvidia, nvidia_uvm)");
        assertThat(r.get("IN-TREE").imagePath()).isEqualTo("/proc/sys/kernel/tainted");
        assertThat(r.get("KPTR").message()).isEqualTo("kernel.kptr_restrict is 0, not 2");
        assertThat(r.get("KPTR").evidence()).containsExactly("kernel.kptr_restrict = 0 (/proc/sys/kernel/kptr_restrict)");
        assertThat(r.get("NVIDIA-OFF").message()).isEqualTo("nvidia is loaded on the running kernel, so it is not disabled");
        assertThat(r.get("CRAMFS").message()).startsWith("cramfs is not loaded on the running kernel; whether it could be "
                + "loaded is decided by the node's modprobe.d and module tree");
        assertThat(r.get("SIG-FILES").message()).endsWith("taint: {absent: [E]} judges the modules the node has loaded");
        assertThat(r.get("GPU").evidence()).containsExactly(
                "0000:00:06.0 NVIDIA H100 80GB HBM3: persistence enabled, MIG disabled, ECC enabled");
    }

    @Test
    void aProprietaryDriverAnUnsignedModuleAndPersistenceOffFailTheirRules() throws Exception {
        Path copy = LiveNode.copy(dir);
        Path root = copy.resolve("root");
        Files.writeString(root.resolve("proc/driver/nvidia/version"), "NVRM version: NVIDIA UNIX x86_64 Kernel Module  "
                + "580.159.04  Release Build  (dvs-builder@U16-I3-B03-4-3)  Thu Oct 30 00:00:00 UTC 2026\n");
        Files.writeString(root.resolve("proc/sys/kernel/tainted"), "12288\n");
        Files.writeString(root.resolve("proc/modules"), "nvidia_uvm 1830912 - - Live 0xffffffffc080c000 (O)\n"
                + "nvidia 14299136 - - Live 0xffffffffc0400000 (OE)\n");
        Path xml = copy.resolve("nvidia-smi-q-x.xml");
        Files.writeString(xml, Files.readString(xml).replace("<persistence_mode>Enabled</persistence_mode>",
                "<persistence_mode>Disabled</persistence_mode>"));

        Map<String, RuleResult> r = judge(node(root, xml));
        assertThat(r.get("DRIVER").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("DRIVER").message()).isEqualTo("nvidia driver is proprietary, not open");
        assertThat(r.get("SIGNED").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("SIGNED").message()).isEqualTo("the running kernel is tainted E (unsigned module was loaded: nvidia)");
        assertThat(r.get("GPU").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("GPU").message()).isEqualTo("persistence mode is disabled, not enabled on GPU 0000:00:06.0 "
                + "(NVIDIA H100 80GB HBM3)");
        // The rest stands as it was.
        assertThat(r.get("LOADED").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("NO-NOUVEAU").status()).isEqualTo(RuleResult.Status.PASS);
    }

    /**
     * The live node with an installed tree beside what it runs, as a node whose /lib/modules and package
     * database are on the same root: merged /usr (/lib is a link to usr/lib), the node's own signed
     * nvidia.ko in its module tree, cramfs turned off in modprobe.d, a dpkg database.
     */
    static Path withInstalledTree(Path dir, String status) throws Exception {
        Path copy = LiveNode.copy(dir);
        Path root = copy.resolve("root");
        String release = Files.readString(LiveNode.fixture().resolve("uname-r.txt")).strip();
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), release + "\n");
        Path tree = Files.createDirectories(root.resolve("usr/lib/modules/" + release + "/kernel/drivers/video"));
        Files.copy(LiveNode.fixture().resolve("modules/nvidia.ko.xz"), tree.resolve("nvidia.ko.xz"));
        Files.writeString(root.resolve("usr/lib/modules/" + release + "/modules.dep"), "kernel/drivers/video/nvidia.ko.xz:\n");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("etc/modprobe.d"));
        Files.writeString(root.resolve("etc/modprobe.d/cis.conf"), "install cramfs /bin/false\nblacklist cramfs\n");
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), status);
        return root;
    }

    static final String STATUS = """
            Package: nvidia-kernel-open-dkms
            Status: install ok installed
            Architecture: amd64
            Version: 580.159.04-1

            """;

    @Test
    void aNodeWithItsInstalledTreeIsJudgedOnItsFilesToo() throws Exception {
        Facts facts = node(withInstalledTree(dir, STATUS), LiveNode.smiXml());
        assertThat(facts.runtime().imageTree()).isTrue();
        assertThat(facts.kernels()).singleElement().satisfies(k -> assertThat(k.modules())
                .singleElement().satisfies(m -> assertThat(m.name()).isEqualTo("nvidia")));
        assertThat(facts.packages()).extracting(Facts.Package::name).containsExactly("nvidia-kernel-open-dkms");

        Map<String, RuleResult> r = judge(facts);
        // What the kernel shows is judged as before; what it cannot show comes from the installed tree.
        assertThat(statuses(r)).containsExactly(
                Map.entry("DRIVER", "pass"), Map.entry("LOADED", "pass"), Map.entry("NO-NOUVEAU", "pass"),
                Map.entry("SIGNED", "pass"), Map.entry("IN-TREE", "fail"), Map.entry("GPU", "pass"),
                Map.entry("KPTR", "fail"), Map.entry("SWIOTLB", "pass"), Map.entry("NVIDIA-OFF", "fail"),
                Map.entry("CRAMFS", "pass"), Map.entry("SIG-FILES", "pass"), Map.entry("TELNET", "pass"));
        assertThat(r.get("NVIDIA-OFF").message()).isEqualTo("nvidia is loaded on the running kernel, so it is not disabled");
    }

    @Test
    void theInstalledTreeFailsWhatItBreaks() throws Exception {
        Path root = withInstalledTree(dir, STATUS + """
                Package: telnet
                Status: install ok installed
                Architecture: amd64
                Version: 0.17+2.5-3

                """);
        Files.delete(root.resolve("etc/modprobe.d/cis.conf"));
        Files.writeString(root.resolve("usr/lib/modules/" + Files.readString(LiveNode.fixture().resolve("uname-r.txt")).strip()
                + "/modules.dep"), "kernel/drivers/video/nvidia.ko.xz:\nkernel/fs/cramfs/cramfs.ko:\n");
        Map<String, RuleResult> r = judge(node(root, LiveNode.smiXml()));
        assertThat(r.get("TELNET").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("CRAMFS").status()).as(r.get("CRAMFS").message()).isEqualTo(RuleResult.Status.FAIL);
        // The same root without its tree read: what only files show is not applicable again.
        Facts kernelOnly = HostInspector.inspect(new HostInspector.Request(root, LiveNode.smiXml(),
                Set.of("kernel.kptr_restrict"), Set.of(), false));
        assertThat(judge(kernelOnly).get("TELNET").status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
    }

    @Test
    void secureBootAndLockdownAreReadFromTheFirmwareVariableAndTheKernel() throws Exception {
        Path root = LiveNode.copy(dir).resolve("root");
        Problems problems = new Problems();
        LoadedPolicy p = PolicyLoader.load(SafeYaml.parse((EvaluatorTest.HEADER + """
                rules:
                  - {id: SB, severity: high, secureBoot: {state: enabled}}
                  - {id: LOCKED, severity: high, secureBoot: {lockdown: integrity}}
                """).getBytes(StandardCharsets.UTF_8), "p.yaml"), "p.yaml", "p", problems)
                .orElseThrow(() -> new AssertionError(problems.list()));
        java.util.function.Supplier<Map<String, RuleResult>> judge = () -> {
            Map<String, RuleResult> out = new LinkedHashMap<>();
            new Evaluator(LocalDate.of(2026, 11, 27)).evaluate(List.of(p), node(root, null), EvaluatorTest.UBUNTU)
                    .forEach(r -> out.put(r.ruleId(), r));
            return out;
        };
        // The fixture node shows neither (a cloud VM without efivarfs): not checked, and it says why.
        Map<String, RuleResult> r = judge.get();
        assertThat(r.get("SB").status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.get("SB").undecided()).isTrue();
        assertThat(r.get("LOCKED").message()).startsWith("Secure Boot is not shown by the node");

        // efivarfs: four bytes of attributes, then the value; the kernel prints its mode in brackets.
        Path efivars = Files.createDirectories(root.resolve("sys/firmware/efi/efivars"));
        Path variable = efivars.resolve(Path.of(io.nodeimage.host.HostInspector.SECURE_BOOT_VAR).getFileName().toString());
        Files.write(variable, new byte[] {6, 0, 0, 0, 1});
        // securityfs not mounted under the root: an empty /sys/kernel/security says nothing about lockdown.
        Files.createDirectories(root.resolve("sys/kernel/security"));
        r = judge.get();
        assertThat(r.get("LOCKED").status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.get("LOCKED").undecided()).isTrue();
        assertThat(r.get("LOCKED").message()).startsWith("the kernel's lockdown cannot be read");
        Files.writeString(root.resolve("sys/kernel/security/lockdown"), "[none] integrity confidentiality\n");
        r = judge.get();
        assertThat(statuses(r)).containsExactly(Map.entry("SB", "pass"), Map.entry("LOCKED", "fail"));
        assertThat(r.get("LOCKED").message()).isEqualTo("Secure Boot is on, but the kernel is in lockdown none, not at least "
                + "integrity: it loads an unsigned module and only taints itself");

        Files.writeString(root.resolve("sys/kernel/security/lockdown"), "none [integrity] confidentiality\n");
        assertThat(statuses(judge.get())).containsExactly(Map.entry("SB", "pass"), Map.entry("LOCKED", "pass"));

        Files.write(variable, new byte[] {6, 0, 0, 0, 0});
        r = judge.get();
        assertThat(statuses(r)).containsExactly(Map.entry("SB", "fail"), Map.entry("LOCKED", "not-applicable"));
        assertThat(r.get("SB").message()).isEqualTo("Secure Boot is disabled, not enabled");
    }

    @Test
    void withoutNvidiaSmiGpuModesAreNotCheckedAndSaySo() {
        RuleResult gpu = judge(node(LiveNode.root(), null)).get("GPU");
        assertThat(gpu.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(gpu.undecided()).as("a rule that could not be checked is not a pass").isTrue();
        assertThat(gpu.message()).isEqualTo("GPU modes come from nvidia-smi -q -x, and none was given (nvidiaSmiXml)");
    }

    @Test
    void onThisMachineWithoutAGpuTheNvidiaRulesDoNotApply() {
        Facts f = node(Path.of("/"), null);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia")),
                "this machine has an NVIDIA driver loaded");
        Map<String, RuleResult> r = judge(f);
        assertThat(r.get("GPU").status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.get("GPU").undecided()).isFalse();
        assertThat(r.get("GPU").message()).isEqualTo("no nvidia GPU driver is loaded on the node (no /proc/driver/nvidia/gpus)");
        assertThat(r.get("NO-NOUVEAU").status()).isEqualTo(RuleResult.Status.PASS);
        // A driver rule behind appliesTo drivers does not apply to a node without one: the bundled baseline's shape.
        Problems problems = new Problems();
        LoadedPolicy p = PolicyLoader.load(SafeYaml.parse((EvaluatorTest.HEADER + "appliesTo: {drivers: [nvidia]}\n"
                + "rules: [{id: D, severity: critical, driver: {vendor: nvidia, flavor: open}}]\n")
                .getBytes(StandardCharsets.UTF_8), "p.yaml"), "p.yaml", "p", problems).orElseThrow();
        RuleResult d = new Evaluator(LocalDate.of(2026, 11, 27)).evaluate(List.of(p), f, EvaluatorTest.UBUNTU).get(0);
        assertThat(d.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(d.message()).startsWith("the image has no nvidia driver module");
    }

    @Test
    void anImageHasNoRuntimeAndTheRuntimeRulesSaySo() {
        Map<String, RuleResult> r = judge(EvaluatorTest.facts(List.of(), List.of(), List.of(), List.of()));
        for (String id : List.of("LOADED", "NO-NOUVEAU", "SIGNED", "IN-TREE", "GPU")) {
            assertThat(r.get(id).status()).as(id).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
            assertThat(r.get(id).message()).as(id).isEqualTo("a rule about a running node: an image runs no kernel "
                    + "(nodeimage:verify-host judges running nodes)");
        }
    }

    @Test
    void aTaintLetterTheKernelDoesNotKnowIsAnErrorAtItsLine() {
        Problems problems = new Problems();
        PolicyLoader.load(SafeYaml.parse((EvaluatorTest.HEADER + "rules:\n  - {id: T, severity: high, taint: {absent: [E, e]}}\n"
                + "  - {id: G, severity: high, gpu: {persistence: on}}\n").getBytes(StandardCharsets.UTF_8), "p.yaml"),
                "p.yaml", "p", problems);
        assertThat(problems.list()).extracting(Object::toString).anySatisfy(s -> assertThat(s)
                .contains("p.yaml:6:").contains("rules[0].taint.absent[1]").contains("'e' is not one of P, F, S"))
                .anySatisfy(s -> assertThat(s).contains("rules[1].gpu.persistence").contains("'on' is not one of enabled, disabled"));
    }
}
