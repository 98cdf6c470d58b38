package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.Digests;
import io.nodeimage.ViolationException;
import io.nodeimage.inspect.Compression;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.inspect.ModuleReader;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.policy.TrustedCertificate;
import io.nodeimage.policy.Waivers;
import io.nodeimage.provenance.CertificateCheck;
import io.nodeimage.provenance.Certifier;
import io.nodeimage.support.KernelTree;
import io.nodeimage.support.ModuleSigning;
import io.nodeimage.yaml.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run trusted for module signatures is written where the policy set's digests are: verification.json,
 * the certificate's predicate and its summary, the same bytes whatever order the files were given in; and
 * certify and check-certificate name a change of signers.
 */
class SiteSignersRecordTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static final String KVER = "6.1.0-56-cloud-amd64";

    @TempDir
    static Path project;
    static Path mok;
    static Path distro;
    static byte[] fat;
    /** The image as a run given both signers inspects it. */
    static Facts facts;

    @BeforeAll
    static void signAndInspect() throws Exception {
        Path keys = Files.createDirectories(project.resolve("keys"));
        Path certs = Files.createDirectories(project.resolve("certs"));
        Path mokCert = ModuleSigning.certificate(keys, "mok", "Example Site Machine Owner Key", "0x5e1f");
        Path distroCert = ModuleSigning.certificate(keys, "distro", "Example Distribution Kernel Module Signing", "0x0d15");
        mok = Files.copy(mokCert, certs.resolve("site-mok.pem"));
        distro = Files.copy(distroCert, certs.resolve("distro-modules.pem"));
        Path tree = KernelTree.modules();
        fat = ModuleSigning.sign(keys, ModuleSignature.split(Files.readAllBytes(tree.resolve("kernel/fs/fat/fat.ko")))
                .module(), mokCert);
        facts = inspected(signers(mok, distro));
    }

    /** The image's facts as inspect reads them: verified against every certificate of the run, as VerifyService's trust. */
    static Facts inspected(SiteSigners run) throws Exception {
        KernelModule read = new ModuleReader(new ModuleTrust(run.certificates()))
                .read("/usr/lib/modules/" + KVER + "/kernel/fs/fat/fat.ko", fat);
        return new Facts("site/node:1", "sha256:" + "5e".repeat(32), Map.of("ID", "debian", "VERSION_ID", "12"), "amd64",
                List.of(new Facts.KernelTree(KVER, "/usr/lib/modules/" + KVER, List.of(), List.of(read), List.of(),
                        Map.of("CONFIG_MODULE_SIG", "y"))),
                List.of(), List.of(), List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    static SiteSigners signers(Path... files) {
        return SiteSigners.read(List.of(files), project, SiteSigners.PROPERTY);
    }

    /** The bundled secure-boot-module-signing policy alone. */
    static List<PolicySet> catalog() {
        return List.of(new PolicySet("catalog", "0.1.0", null, PolicyLoader.load(null, null, true).policies().stream()
                .filter(p -> p.policy().name().equals("secure-boot-module-signing")).toList()));
    }

    static VerifyService service(SiteSigners signers) {
        return new VerifyService(catalog(), new VerifyService.Settings(Policy.Severity.HIGH, DAY, false,
                Waivers.Limits.NONE, null).withModuleSigners(signers));
    }

    static Path verify(SiteSigners signers, Path dir) {
        VerifyService s = service(signers);
        s.write(s.judge(facts, null, KmodCrossCheck.Result.skipped("not asked in this test")), null, null, dir);
        return dir.resolve(VerifyService.RECORD);
    }

    @Test
    void verificationRecordsEachSignerFileAndCertificateInTheSameBytesWhateverTheOrder(@TempDir Path dir) throws Exception {
        Path first = verify(signers(mok, distro), dir.resolve("a"));
        Path second = verify(signers(distro, mok), dir.resolve("b"));
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));

        JsonNode record = Json.read(first, "verification.json");
        JsonNode signers = record.get("trustedModuleSigners");
        assertThat(signers).hasSize(2);
        assertThat(signers.get(0).get("file").asText()).isEqualTo("certs/distro-modules.pem");
        assertThat(signers.get(1).get("file").asText()).isEqualTo("certs/site-mok.pem");
        assertThat(signers.get(1).at("/digest/sha256").asText()).isEqualTo(Digests.sha256(Files.readAllBytes(mok)));
        String fingerprint = TrustedCertificate.fingerprint(signers(mok).certificates().get(0));
        assertThat(signers.get(1).at("/certificates/0/sha256").asText()).isEqualTo(fingerprint);
        assertThat(signers.get(1).at("/certificates/0/subject").asText()).isEqualTo("CN=Example Site Machine Owner Key");
        assertThat(status(record, "NODE-SB-003")).isEqualTo("pass");
        // Read back as certify reads it.
        assertThat(Verification.read(first, "verification.json").moduleSigners()).hasSize(2);
    }

    @Test
    void withoutSignersTheRecordSaysTheBundledRuleFailedOnTheModulesNoKeyVouchesFor(@TempDir Path dir) throws Exception {
        JsonNode record = Json.read(verify(SiteSigners.NONE, dir), "verification.json");
        assertThat(record.get("trustedModuleSigners")).isEmpty();
        assertThat(status(record, "NODE-SB-003")).isEqualTo("fail");
        assertThat(status(record, "NODE-SB-001")).isEqualTo("pass");
    }

    @Test
    void aModuleSignedByAKeyTheRunDoesNotTrustFailsTheRun(@TempDir Path dir) throws Exception {
        // Given only the distribution's certificate, the MOK-signed module has an unknown key.
        VerifyService s = service(signers(distro));
        VerifyService.Judged judged = s.judge(inspected(signers(distro)), null,
                KmodCrossCheck.Result.skipped("not asked in this test"));
        VerifyService.Outcome outcome = s.write(judged, null, null, dir);
        assertThatThrownBy(() -> VerifyService.requirePassed(List.of(outcome)))
                .isInstanceOf(ViolationException.class)
                .hasMessageContaining("NODE-SB-003 (high, secure-boot-module-signing")
                .hasMessageContaining("1 unknown key");
    }

    @Test
    void theCertificateNamesTheSignersAndCertifyAndCheckRefuseOthers(@TempDir Path dir) throws Exception {
        verify(signers(mok, distro), dir);
        Files.writeString(dir.resolve("summary.md"), "");
        String imageId = facts.imageId();
        Certifier.Current now = new Certifier.Current(imageId, null, List.of(), catalog(), Optional.empty(), DAY,
                signers(mok, distro));
        Certifier.Certificate c = Certifier.certify(dir, "out", now, true);
        String statement = Files.readString(c.statement());
        assertThat(statement).contains("\"trustedModuleSigners\": [", "\"file\": \"certs/site-mok.pem\"",
                "\"subject\": \"CN=Example Site Machine Owner Key\"");
        assertThat(Files.readString(c.summary())).contains("## Site module signers", "- `certs/site-mok.pem`, sha256 `");

        assertThatThrownBy(() -> Certifier.certify(dir, "out", new Certifier.Current(imageId, null, List.of(), catalog(),
                Optional.empty(), DAY, signers(distro)), true))
                .isInstanceOf(ViolationException.class)
                .hasMessageContaining("the site module signers (nodeimage.trustedModuleSigners) differ from those verify "
                        + "trusted: certs/site-mok.pem not given now; give the same files, or verify again");

        CertificateCheck.Claims claims = CertificateCheck.read(c.statement(), "certificate.intoto.json");
        assertThat(claims.moduleSigners()).extracting(Verification.SignerRecord::file)
                .containsExactly("certs/distro-modules.pem", "certs/site-mok.pem");
        VerifyService withNone = service(SiteSigners.NONE);
        List<String> differences = CertificateCheck.check(claims, facts.image(), imageId, null, catalog(), SiteSigners.NONE,
                i -> withNone.judge(facts, null, KmodCrossCheck.Result.skipped("not asked in this test")));
        assertThat(differences).contains("the site module signers (nodeimage.trustedModuleSigners) differ from those verify "
                        + "trusted: certs/distro-modules.pem not given now, certs/site-mok.pem not given now; give the "
                        + "same files, or verify again",
                "rule secure-boot-module-signing/NODE-SB-003 is fail now; the certificate says pass");
        VerifyService same = service(signers(mok, distro));
        assertThat(CertificateCheck.check(claims, facts.image(), imageId, null, catalog(), signers(distro, mok),
                i -> same.judge(facts, null, KmodCrossCheck.Result.skipped("not asked in this test")))).isEmpty();
    }

    private static String status(JsonNode record, String rule) {
        for (JsonNode r : record.get("results")) {
            if (r.get("rule").asText().equals(rule)) {
                return r.get("status").asText();
            }
        }
        throw new AssertionError("no result for " + rule);
    }
}
