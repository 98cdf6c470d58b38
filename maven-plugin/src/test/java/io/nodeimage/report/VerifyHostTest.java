package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ViolationException;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.policy.Waivers;
import io.nodeimage.support.LiveNode;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify-host's core: a node's root judged by the project's policies and the catalog, with verify's reports. */
class VerifyHostTest {

    @TempDir
    Path dir;

    private static VerifyService service(String rules) {
        String yaml = "apiVersion: nodeimage/v1\nkind: Policy\nname: site-nodes\nversion: 1.0.0\n" + rules;
        Problems problems = new Problems();
        LoadedPolicy p = PolicyLoader.load(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "policies/site-nodes.yaml"),
                "policies/site-nodes.yaml", "site-nodes", problems).orElseThrow(() -> new AssertionError(problems.list()));
        return new VerifyService(List.of(new PolicySet("project", "1.0.0", null, List.of(p)),
                new PolicySet("catalog", "0.1.0", null, PolicyLoader.load(null, null, true).policies())),
                new VerifyService.Settings(Policy.Severity.HIGH, LocalDate.of(2026, 11, 27), false, Waivers.Limits.NONE, null));
    }

    @Test
    void theH100NodesUvmHmmAndNumaBalancingAreReadBecauseTheRulesAskForThem() throws Exception {
        VerifyService service = service("""
                rules:
                  - {id: NUMA-OFF, severity: low, numaBalancing: {state: disabled}}
                """);
        Path root = LiveNode.copy(dir.resolve("node")).resolve("root");
        VerifyService.Judged judged = service.judgeHost(root, null, true);
        assertThat(judged.facts().runtime().moduleParameters()).containsExactly(
                java.util.Map.entry("nvidia_uvm/uvm_disable_hmm", "N"));
        assertThat(judged.facts().sysctl()).containsKey("kernel.numa_balancing");
        assertThat(judged.results()).filteredOn(r -> List.of("NODE-MT-001", "NUMA-OFF").contains(r.ruleId()))
                .extracting(r -> r.ruleId() + " " + r.status().yamlName()).containsExactly("NUMA-OFF pass", "NODE-MT-001 pass");
        // A node whose UVM runs with HMM off fails the bundled multi-tenant-gpu-node rule, and says where it read it.
        Files.writeString(root.resolve("sys/module/nvidia_uvm/parameters/uvm_disable_hmm"), "Y\n");
        RuleResult off = service.judgeHost(root, null, true).results().stream().filter(r -> r.ruleId().equals("NODE-MT-001"))
                .findFirst().orElseThrow();
        assertThat(off.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(off.message()).isEqualTo("nvidia_uvm uvm_disable_hmm is Y on the running kernel, not N");
        assertThat(off.imagePath()).isEqualTo("/sys/module/nvidia_uvm/parameters/uvm_disable_hmm");
    }

    @Test
    void theH100NodeFailsOnItsSysctlAndWritesEveryReport() throws Exception {
        VerifyService service = service("""
                rules:
                  - {id: PERSIST, severity: high, gpu: {persistence: enabled, mig: disabled}}
                  - {id: UNSIGNED, severity: high, taint: {absent: [E]}}
                  - {id: NVIDIA, severity: high, loadedModule: {name: nvidia, state: loaded}}
                """);
        VerifyService.Judged judged = service.judgeHost(LiveNode.root(), LiveNode.smiXml(), true);
        VerifyService.Outcome outcome = service.write(judged, null, null, dir);
        for (String f : List.of("facts.json", "report.json", "junit.xml", "report.sarif", "summary.md")) {
            assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
        }
        assertThat(Files.readString(dir.resolve("facts.json"))).contains("\"runtime\": {");
        Verdict v = outcome.verdict();
        assertThat(v.results()).filteredOn(r -> r.policy().equals("site-nodes")).extracting(RuleResult::status)
                .containsOnly(RuleResult.Status.PASS);
        // The bundled container-hardening wants kernel.kptr_restrict=2 (medium, below failOn); the node runs with 0.
        assertThat(v.results()).filteredOn(r -> r.ruleId().equals("NODE-HARD-001")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
            assertThat(r.message()).isEqualTo("kernel.kptr_restrict is 0, not 2");
        });
        // The copied root has no /etc/shadow: the file rule (high) fails the run, as it would on such a node.
        assertThat(v.blocking()).extracting(RuleResult::ruleId).containsExactly("NODE-HARD-005");
        assertThat(v.blocking().get(0).message()).isEqualTo("/etc/shadow does not exist");
        // Package rules are read from images' files, not from a running node.
        assertThat(v.results()).filteredOn(r -> r.ruleId().equals("NODE-HARD-003")).singleElement()
                .extracting(RuleResult::status).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        // The bundled NVIDIA baseline applies to the node, whose loaded driver is 580 open.
        assertThat(v.results()).filteredOn(r -> r.policy().equals("nvidia-driver-baseline"))
                .extracting(RuleResult::status).containsOnly(RuleResult.Status.PASS);
        assertThat(v.warnings()).contains("/proc/sys/kernel/osrelease: unreadable: the running kernel's release is not known");
        assertThatThrownBy(() -> VerifyService.requirePassed(List.of(outcome))).isInstanceOf(ViolationException.class)
                .hasMessageContaining("NODE-HARD-005 (high, container-hardening")
                .satisfies(e -> assertThat(((ViolationException) e).hint()).startsWith("fix the node (or the image and "
                        + "profile it was made from), or add a waiver").contains("nodeimage.host.nvidiaSmiXml"));
        // The same node gives the same bytes.
        Path again = dir.resolve("again");
        service.write(service.judgeHost(LiveNode.root(), LiveNode.smiXml(), true), null, null, again);
        for (String f : List.of("facts.json", "report.json", "junit.xml", "report.sarif", "summary.md")) {
            assertThat(Files.readString(again.resolve(f))).as(f).isEqualTo(Files.readString(dir.resolve(f)));
        }
    }

    @Test
    void theSummaryNamesANodeByItsHostnameAndBootId() throws Exception {
        Path root = LiveNode.copy(dir.resolve("node")).resolve("root");
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "6f1c0c52-3b0e-4d7e-9a43-0d6b6f0e9c11\n");
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), "gpu-node-17\n");
        VerifyService service = service("rules:\n  - {id: NVIDIA, severity: high, loadedModule: {name: nvidia, state: loaded}}\n");
        service.write(service.judgeHost(root, null, true), null, null, dir.resolve("reports"));
        assertThat(Files.readString(dir.resolve("reports/summary.md"))).contains("Node `gpu-node-17` (boot "
                + "`6f1c0c52-3b0e-4d7e-9a43-0d6b6f0e9c11`), as it runs, judged 2026-11-27; the run fails on unwaived "
                + "findings of severity high or higher");
    }
}
