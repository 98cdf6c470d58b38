package io.nodeimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.LiveNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyHostCommandTest {

    static final String[] REPORTS = {"facts.json", "report.json", "junit.xml", "report.sarif", "summary.md"};

    @TempDir
    Path dir;

    @Test
    void liveH100NodeWritesEveryReportAndExitsOneOnItsViolation() throws IOException {
        Path out = dir.resolve("reports");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(),
                "--nvidia-smi-xml", LiveNode.smiXml().toString(), "--out", out.toString());

        // The fixture's root has no /etc/shadow: container-hardening's NODE-HARD-005 (high) fails it.
        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.VIOLATION);
        assertThat(run.err()).contains("NODE-HARD-005").doesNotContain("\tat ");
        assertThat(run.out()).contains("reports in " + out);
        for (String report : REPORTS) {
            assertThat(out.resolve(report)).isNotEmptyFile();
        }
        assertThat(Files.readString(out.resolve("facts.json"))).contains("\"runtime\"");
        assertThat(Files.readString(out.resolve("junit.xml"))).contains("NODE-HARD-005");
        assertThat(Files.readString(out.resolve("report.sarif"))).contains("\"2.1.0\"");
    }

    @Test
    void aCertificateOfAnotherDriverIsDriftNamingBothAndASignedOneIsCheckedFirst() throws Exception {
        // The node runs the open module 580.159.04; its image's certificate says 580.95.05.
        String statement = """
                {"_type": "https://in-toto.io/Statement/v1", "predicate": {"node": {"kernels": ["6.18.44-fc-v657-gpu"],
                  "drivers": [{"vendor": "nvidia", "module": "nvidia", "kernel": "6.18.44-fc-v657-gpu",
                               "version": "580.95.05", "flavor": "open", "srcversion": "06B987C9B8B712FF4E7FB47"}]}}}
                """;
        Path certificate = Files.writeString(dir.resolve("certificate.intoto.json"), statement);
        Path out = dir.resolve("drift");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--nvidia-smi-xml", LiveNode.smiXml().toString(),
                "--out", out.toString(), "--certificate", certificate.toString(), "--fail-on", "critical");
        // Drift findings are high: below critical they are reported, not failing.
        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.PASSED);
        assertThat(run.errLines()).contains("warning: DRIFT-DRIVER-NVIDIA (high, below failOn): runs nvidia 580.159.04 (open); "
                + "the certified image has 580.95.05 (open)");
        assertThat(Files.readString(out.resolve("junit.xml"))).contains("DRIFT-MODULE-nvidia");

        // Signed: the envelope's signature is checked with the key before anything in it is read.
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        Path pub = Files.writeString(dir.resolve("signer.pub.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path otherPub = dir.resolve("other.pub.pem");
        var other = generator.generateKeyPair();
        Files.writeString(otherPub, "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(other.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        byte[] payload = statement.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String type = "application/vnd.in-toto+json";
        byte[] pae = ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " " + statement)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(pae);
        String envelope = "{\"payloadType\":\"" + type + "\",\"payload\":\"" + java.util.Base64.getEncoder().encodeToString(payload)
                + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + java.util.Base64.getEncoder().encodeToString(signer.sign()) + "\"}]}\n";
        Path signed = Files.writeString(dir.resolve("certificate.intoto.jsonl"), envelope);
        Run checked = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", dir.resolve("signed").toString(),
                "--certificate", signed.toString(), "--public-key", pub.toString(), "--fail-on", "critical");
        assertThat(checked.code()).as(checked.err()).isEqualTo(NodeimageCli.PASSED);
        assertThat(checked.errLines()).anySatisfy(l -> assertThat(l).startsWith("warning: DRIFT-DRIVER-NVIDIA"));
        Run wrongKey = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", dir.resolve("wrong").toString(),
                "--certificate", signed.toString(), "--public-key", otherPub.toString());
        assertThat(wrongKey.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(wrongKey.err()).doesNotContain("\tat ");
        Run unsignedWithKey = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", dir.resolve("u").toString(),
                "--certificate", certificate.toString(), "--public-key", pub.toString());
        assertThat(unsignedWithKey.code()).isNotEqualTo(NodeimageCli.PASSED);
        assertThat(unsignedWithKey.err()).contains("an unsigned statement");
    }

    @Test
    void belowFailOnTheSameNodePasses() {
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(),
                "--nvidia-smi-xml", LiveNode.smiXml().toString(), "--out", dir.toString(), "--fail-on", "critical");

        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.PASSED);
        assertThat(dir.resolve("summary.md")).isNotEmptyFile();
        // What the plugin logs as warnings, the command prints on stderr.
        assertThat(run.errLines()).contains("warning: NODE-HARD-005 (high, below failOn): /etc/shadow does not exist");
    }

    @Test
    void missingRootIsAnErrorOnOneLine() {
        Run run = Run.of("verify-host", "--root", dir.resolve("no-such-root").toString(), "--out", dir.resolve("r").toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("nodeimage-cli: root ").contains("no-such-root", "is not a directory");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void unwritableOutIsAnErrorOnOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", file.resolve("reports").toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).filteredOn(l -> !l.startsWith("warning: ")).singleElement().asString()
                .startsWith("nodeimage-cli: cannot write ").contains("a-file");
    }

    @Test
    void notNvidiaSmiXmlIsAnErrorOnOneLine() throws IOException {
        Path text = Files.writeString(dir.resolve("smi.txt"), "==============NVSMI LOG==============\n");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--nvidia-smi-xml", text.toString(),
                "--out", dir.resolve("r").toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("is not nvidia-smi -q -x output");
    }

    @Test
    void unknownSeverityIsAnErrorNamingTheOption() {
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", dir.toString(), "--fail-on", "severe");

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("--fail-on 'severe' is not a severity");
    }

    @Test
    void trustedModuleSignersAreReadAndRecordedAndTheModuleRuleStaysForImages() throws Exception {
        Path mok = io.nodeimage.support.ModuleSigning.certificate(dir, "mok", "Example Site Machine Owner Key", "0x5e1f");
        Path distro = io.nodeimage.support.ModuleSigning.certificate(dir, "distro", "Example Distribution", "0x0d15");
        Path out = dir.resolve("r");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--nvidia-smi-xml", LiveNode.smiXml().toString(),
                "--out", out.toString(), "--fail-on", "critical", "--trusted-module-signers", mok + "," + distro);

        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.PASSED);
        String record = Files.readString(out.resolve("verification.json"));
        assertThat(record).contains("\"trustedModuleSigners\": [", "\"file\": \"" + distro.toAbsolutePath() + "\"",
                "\"subject\": \"CN=Example Site Machine Owner Key\"");
        // A running node's module files are not read: the rule is not applicable there, not "not checked".
        assertThat(Files.readString(out.resolve("report.json"))).contains("verify the node's image with nodeimage:verify");
        assertThat(record).doesNotContain("\"not-checked\"");
    }

    @Test
    void aTrustedModuleSignerThatIsNoCertificateIsAnErrorNamingIt() throws IOException {
        Path junk = Files.writeString(dir.resolve("mok.pem"), "not a certificate\n");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--out", dir.resolve("r").toString(),
                "--trusted-module-signers", junk.toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString()
                .contains("--trusted-module-signers: " + junk.toAbsolutePath() + " is not a PEM or DER X.509 certificate");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void unknownOptionIsAnErrorOnOneLine() {
        Run run = Run.of("verify-host", "--rooot", "/");

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("--rooot");
    }

    @Test
    void missingPoliciesFolderIsAnError() {
        Run run = Run.of("verify-host", "--root", "/", "--policies", dir.resolve("none").toString(), "--out", dir.toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("--policies", "is not a folder");
    }

    @Test
    void policiesFolderJudgesAndWaivesWithTheCatalog() throws IOException {
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("site-nodes.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: site-nodes
                version: 1.0.0
                description: The site's GPU nodes, as they run
                rules:
                  - {id: SITE-NODE-002, title: GPUs in persistence mode with MIG off, severity: high, gpu: {persistence: enabled, mig: disabled}}
                waivers:
                  - {rule: container-hardening/NODE-HARD-005, reason: the fixture's root is a partial copy, expires: 2099-12-31, approvedBy: test}
                """);
        Path out = dir.resolve("r");
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--nvidia-smi-xml", LiveNode.smiXml().toString(),
                "--policies", policies.toString(), "--out", out.toString());

        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.PASSED);
        assertThat(run.out()).contains("1 waived");
        assertThat(Files.readString(out.resolve("report.json"))).contains("SITE-NODE-002", "NODE-HARD-005");
    }

    @Test
    void configMapMountReadsEachPolicyOnce() throws IOException {
        // What the kubelet makes of a ConfigMap: the files in a timestamped folder, reached through ..data.
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Path data = Files.createDirectories(policies.resolve("..2026_11_27_10_00_00.123456789"));
        Files.writeString(data.resolve("site-waivers.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: site-waivers
                version: 1.0.0
                description: Waivers of the site
                rules: []
                waivers:
                  - {rule: container-hardening/NODE-HARD-005, reason: the fixture's root is a partial copy, expires: 2099-12-31, approvedBy: test}
                """);
        Files.createSymbolicLink(policies.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(policies.resolve("site-waivers.yaml"), Path.of("..data/site-waivers.yaml"));
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--nvidia-smi-xml", LiveNode.smiXml().toString(),
                "--policies", policies.toString(), "--out", dir.resolve("r").toString());

        assertThat(run.code()).as(run.err()).isEqualTo(NodeimageCli.PASSED);
        assertThat(run.out()).contains("1 waived");
    }

    @Test
    void noCatalogAndNoPoliciesIsAnError() {
        Run run = Run.of("verify-host", "--root", LiveNode.root().toString(), "--no-catalog", "--out", dir.toString());

        assertThat(run.code()).isEqualTo(NodeimageCli.ERROR);
        assertThat(run.errLines()).singleElement().asString().contains("no policies to judge by");
    }

    @Test
    void hostnameBecomesOneFolderName() {
        assertThat(VerifyHostCommand.folderName("gpu-node-7.example")).isEqualTo("gpu-node-7.example");
        assertThat(VerifyHostCommand.folderName("../etc")).isEqualTo(".._etc");
        assertThat(VerifyHostCommand.folderName("/host/root")).isEqualTo("_host_root");
        assertThat(VerifyHostCommand.folderName("..")).isEqualTo("host");
    }
}
