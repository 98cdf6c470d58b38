package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.host.HostInspector;
import io.nodeimage.inspect.Facts;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.report.VerifyService;
import io.nodeimage.support.LiveNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node against its image's certificate, on the real H100 node's files: kernel 6.18.44-fc-v657-gpu,
 * the open NVIDIA module 580.159.04 loaded with srcversion 06B987C9B8B712FF4E7FB47.
 */
class DriftTest {

    private static final String RELEASE = "6.18.44-fc-v657-gpu";
    private static final String SRCVERSION = "06B987C9B8B712FF4E7FB47";

    @TempDir
    static Path copy;
    private static Path root;

    /** The fixture with /proc/sys/kernel/osrelease, which it lacks, from the node's uname -r (as HostInspectorTest does). */
    private static synchronized Path root() throws Exception {
        if (root == null) {
            LiveNode.copy(copy);
            root = copy.resolve("root");
            Files.writeString(root.resolve("proc/sys/kernel/osrelease"), Files.readString(copy.resolve("uname-r.txt")));
        }
        return root;
    }

    private static Facts node() throws Exception {
        return HostInspector.inspect(new HostInspector.Request(root(), LiveNode.smiXml(), Set.of(), Set.of()));
    }

    private static Drift.Node certified(String kernel, String version, String flavor, String srcversion) {
        String statement = """
                {"_type": "https://in-toto.io/Statement/v1", "predicate": {"node": {
                  "kernels": ["%s"],
                  "drivers": [{"vendor": "nvidia", "module": "nvidia", "kernel": "%s", "version": "%s",
                               "flavor": "%s", "srcversion": "%s"}]}}}
                """.formatted(kernel, kernel, version, flavor, srcversion);
        return Drift.read(statement.getBytes(StandardCharsets.UTF_8), "certificate.intoto.json");
    }

    private static List<String> judged(Drift.Node image) throws Exception {
        return Drift.judge(image, node(), "certificate.intoto.json").stream()
                .map(r -> r.rule().id() + " " + r.status().yamlName() + ": " + r.message()).toList();
    }

    @Test
    void theNodeRunningWhatItsImageHeldPasses() throws Exception {
        assertThat(judged(certified(RELEASE, "580.159.04", "open", SRCVERSION))).containsExactly(
                "DRIFT-KERNEL pass: runs 6.18.44-fc-v657-gpu, a kernel of the certified image",
                "DRIFT-DRIVER-NVIDIA pass: runs nvidia 580.159.04 (open), as certified",
                "DRIFT-MODULE-nvidia pass: nvidia has the image's srcversion 06B987C9B8B712FF4E7FB47");
    }

    @Test
    void eachDifferenceIsAFindingNamingBothSides() throws Exception {
        assertThat(judged(certified("6.8.0-31-generic", "580.159.04", "open", SRCVERSION)))
                .contains("DRIFT-KERNEL fail: runs 6.18.44-fc-v657-gpu; the certified image has 6.8.0-31-generic");
        assertThat(judged(certified(RELEASE, "580.95.05", "open", SRCVERSION)))
                .contains("DRIFT-DRIVER-NVIDIA fail: runs nvidia 580.159.04 (open); the certified image has 580.95.05 (open)");
        assertThat(judged(certified(RELEASE, "580.159.04", "proprietary", SRCVERSION)))
                .contains("DRIFT-DRIVER-NVIDIA fail: runs nvidia 580.159.04 (open); the certified image has 580.159.04 (proprietary)");
        assertThat(judged(certified(RELEASE, "580.159.04", "open", "0123456789ABCDEF0123456")))
                .contains("DRIFT-MODULE-nvidia fail: nvidia was loaded from elsewhere: its srcversion is "
                        + SRCVERSION + ", the image's module's is 0123456789ABCDEF0123456");
        // The fixture as read: no /proc/sys/kernel/osrelease, so the kernel cannot be said to match.
        var unknown = Drift.judge(certified(RELEASE, "580.159.04", "open", SRCVERSION), HostInspector.inspect(
                new HostInspector.Request(LiveNode.root(), LiveNode.smiXml(), Set.of(), Set.of())), "c");
        assertThat(unknown.get(0).status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(unknown.get(0).message()).isEqualTo("the running kernel's release could not be read");
    }

    @Test
    void aCertificateWithoutTheNodeSectionSaysSo() {
        assertThatThrownBy(() -> Drift.read("{\"predicate\": {}}".getBytes(StandardCharsets.UTF_8), "old.intoto.json"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("old.intoto.json records no node section");
    }

    @Test
    void driftFindingsGoIntoTheReportsAndFailTheVerdict(@TempDir Path out) throws Exception {
        VerifyService service = new VerifyService(List.of(), io.nodeimage.policy.Policy.Severity.HIGH, LocalDate.parse("2026-11-27"));
        VerifyService.Judged judged = service.judgeHost(root(), LiveNode.smiXml(), true);
        judged = judged.with(Drift.judge(certified(RELEASE, "580.95.05", "open", SRCVERSION), judged.facts(),
                "certificate.intoto.json"));
        VerifyService.Outcome outcome = service.write(judged, null, null, out);
        assertThat(outcome.verdict().passed()).isFalse();
        assertThat(Files.readString(out.resolve("summary.md"))).contains("DRIFT-DRIVER-NVIDIA");
        assertThat(Files.readString(out.resolve("junit.xml"))).contains("DRIFT-DRIVER-NVIDIA");
        assertThat(Files.readString(out.resolve("report.sarif"))).contains("DRIFT-DRIVER-NVIDIA");
        assertThat(judged.results()).extracting(RuleResult::policy).contains(Drift.POLICY);
    }

    @Test
    void certifyRecordsTheImagesKernelsAndDriversFromItsFacts() {
        var facts = io.nodeimage.yaml.Json.read("""
                {"kernels": [{"version": "6.1.0-28-amd64", "modules": [
                   {"path": "/usr/lib/modules/6.1.0-28-amd64/updates/dkms/nvidia-current-open.ko", "name": "nvidia",
                    "srcversion": "ABCDEF0123456789ABCDEF0"}]}],
                 "drivers": [{"vendor": "nvidia", "module": "/usr/lib/modules/6.1.0-28-amd64/updates/dkms/nvidia-current-open.ko",
                              "kernel": "6.1.0-28-amd64", "version": "535.261.03", "branch": "535", "flavor": "open"}]}
                """.getBytes(StandardCharsets.UTF_8), "facts.json");
        String section = io.nodeimage.yaml.Json.write(java.util.Map.of("predicate", java.util.Map.of("node", Drift.section(facts))));
        Drift.Node node = Drift.read(section.getBytes(StandardCharsets.UTF_8), "s");
        assertThat(node.kernels()).containsExactly("6.1.0-28-amd64");
        assertThat(node.drivers()).containsExactly(new Drift.Driver("nvidia", "nvidia", "6.1.0-28-amd64", "535.261.03", "open",
                "ABCDEF0123456789ABCDEF0"));
    }
}
