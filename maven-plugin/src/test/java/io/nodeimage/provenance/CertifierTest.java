package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import io.nodeimage.ViolationException;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.report.Verification;
import io.nodeimage.report.VerifyService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certify reads what verify recorded and refuses on a failed verdict, an expired waiver, a changed
 * image, profile, policy or facts file, and a dirty tree; the statement it writes reads back.
 */
class CertifierTest {

    static final String IMAGE_ID = "sha256:" + "ab".repeat(32);
    static final String PROFILE_DIGEST = "cd".repeat(32);
    static final LocalDate TODAY = LocalDate.of(2026, 11, 26);

    @TempDir
    Path dir;

    PolicySet policies = new PolicySet("project", "1.0", null,
            List.of(new LoadedPolicy(null, "src/main/nodeimage/policies/site.yaml", "ef".repeat(32), Map.of(), Map.of())));
    GitProvenance clean = new GitProvenance("1".repeat(40), "main", "v1.0", 1_790_000_000L, null, false, List.of(),
            Map.of("src/main/nodeimage/profiles/site.yaml", "2".repeat(40)));

    @BeforeEach
    void facts() throws Exception {
        Files.writeString(dir.resolve("facts.json"), "{\"image\": \"site\"}\n");
    }

    void record(boolean passed, Verification.ResultRecord... results) throws Exception {
        Files.writeString(dir.resolve(VerifyService.RECORD), Verification.write(new Verification("it/site:1.0", IMAGE_ID,
                "site", PROFILE_DIGEST, "2026-11-26", "high", passed,
                Digests.sha256(Files.readAllBytes(dir.resolve("facts.json"))),
                List.of(new Verification.SetRecord("project", "1.0", null, policies.digest(), List.of(
                        new Verification.PolicyRecord("site", "1.0.0", "src/main/nodeimage/policies/site.yaml", "ef".repeat(32))))),
                List.of(results))));
    }

    static Verification.ResultRecord pass(String rule) {
        return new Verification.ResultRecord("site", "1.0.0", rule, "high", "pass", null, null, null, false);
    }

    static Verification.ResultRecord waived(String rule, String expires, boolean expired) {
        return new Verification.ResultRecord("site", "1.0.0", rule, "high", expired ? "fail" : "waived", "lab", "secops",
                expires, expired);
    }

    Certifier.Current now(String imageId, String profileDigest, List<PolicySet> sets, Optional<GitProvenance> git) {
        return new Certifier.Current(imageId, profileDigest, List.of("src/main/nodeimage/profiles/site.yaml"), sets, git, TODAY);
    }

    @Test
    void aPassedVerificationIsCertifiedAndTheStatementReadsBack() throws Exception {
        record(true, pass("SITE-1"), waived("SITE-2", "2027-01-31", false));

        Certifier.Certificate c = Certifier.certify(dir, "target/nodeimage/site",
                now(IMAGE_ID, PROFILE_DIGEST, List.of(policies), Optional.of(clean)), false);

        CertificateCheck.Claims claims = CertificateCheck.read(c.statement(), "certificate.intoto.json");
        assertThat(claims.image()).isEqualTo("it/site:1.0");
        assertThat(claims.digest()).isEqualTo("ab".repeat(32));
        assertThat(claims.profileDigest()).isEqualTo(PROFILE_DIGEST);
        assertThat(claims.results()).containsExactly(Map.entry("site/SITE-1", "pass"), Map.entry("site/SITE-2", "waived"));
        String statement = Files.readString(c.statement());
        assertThat(statement).contains("\"_type\": \"https://in-toto.io/Statement/v1\"", "\"describe\": \"v1.0\"",
                "\"expires\": \"2027-01-31\"", "\"approvedBy\": \"secops\"");
        assertThat(Files.readString(c.summary())).contains("| rules | 1 passed, 1 waived, 0 failed below the threshold")
                .contains("- SITE-2 (site): lab; approved by secops, expires 2027-01-31");
        // Deterministic: the same inputs write the same bytes.
        Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies), Optional.of(clean)), false);
        assertThat(Files.readString(c.statement())).isEqualTo(statement);
    }

    @Test
    void aPushOfTheVerifiedImageBecomesTheSubjectAndTheImageIdStaysInThePredicate() throws Exception {
        record(true, pass("SITE-1"));
        String manifest = "sha256:" + "5e".repeat(32);
        new io.nodeimage.push.PushRecord("it/site:1.0", IMAGE_ID, "127.0.0.1:5000/nodes/site", "1.0", manifest,
                io.nodeimage.layers.OciJson.MANIFEST, 812).write(dir);

        Certifier.Certificate c = Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(clean)), false);

        com.fasterxml.jackson.databind.JsonNode st = io.nodeimage.yaml.Json.read(c.statement(), "statement");
        assertThat(st.at("/subject/0/name").asText()).isEqualTo("127.0.0.1:5000/nodes/site");
        assertThat(st.at("/subject/0/digest/sha256").asText()).isEqualTo("5e".repeat(32));
        assertThat(st.at("/predicate/image/id").asText()).isEqualTo(IMAGE_ID);
        assertThat(st.at("/predicate/image/name").asText()).isEqualTo("it/site:1.0");
        assertThat(st.at("/predicate/image/tag").asText()).isEqualTo("127.0.0.1:5000/nodes/site:1.0");
        assertThat(c.subject()).isEqualTo("127.0.0.1:5000/nodes/site");
        assertThat(c.digest()).isEqualTo(manifest);
        CertificateCheck.Claims claims = CertificateCheck.read(c.statement(), "certificate.intoto.json");
        // Checked against the engine's image by its id; the subject is what a registry serves.
        assertThat(claims.image()).isEqualTo("it/site:1.0");
        assertThat(claims.digest()).isEqualTo("ab".repeat(32));
        assertThat(claims.subjectDigest()).isEqualTo("5e".repeat(32));
        assertThat(Files.readString(c.summary())).contains("| pushed | `127.0.0.1:5000/nodes/site@" + manifest + "` (tag `1.0`) |");
    }

    @Test
    void aPushOfAnotherImageIsNotBound() throws Exception {
        record(true, pass("SITE-1"));
        new io.nodeimage.push.PushRecord("it/site:1.0", "sha256:" + "77".repeat(32), "127.0.0.1:5000/nodes/site", "1.0",
                "sha256:" + "5e".repeat(32), io.nodeimage.layers.OciJson.MANIFEST, 812).write(dir);

        Certifier.Certificate c = Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(clean)), false);

        com.fasterxml.jackson.databind.JsonNode st = io.nodeimage.yaml.Json.read(c.statement(), "statement");
        assertThat(st.at("/subject/0/name").asText()).isEqualTo("it/site:1.0");
        assertThat(st.at("/subject/0/digest/sha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(st.at("/predicate/image/tag").isNull()).isTrue();
    }

    @Test
    void everyReasonToRefuseIsNamedAtOnce() throws Exception {
        record(false, new Verification.ResultRecord("site", "1.0.0", "SITE-9", "critical", "fail", null, null, null, false),
                waived("SITE-2", "2026-11-25", true));
        Files.writeString(dir.resolve("facts.json"), "{\"image\": \"edited\"}\n");
        PolicySet edited = new PolicySet("project", "1.0", null,
                List.of(new LoadedPolicy(null, "src/main/nodeimage/policies/site.yaml", "00".repeat(32), Map.of(), Map.of())));
        GitProvenance dirty = new GitProvenance("1".repeat(40), "main", "v1.0", 0, null, true, List.of("notes.txt"), Map.of());

        assertThatThrownBy(() -> Certifier.certify(dir, "t", now("sha256:" + "99".repeat(32), "ee".repeat(32),
                List.of(edited), Optional.of(dirty)), false))
                .isInstanceOf(ViolationException.class)
                .hasMessage(String.join(System.lineSeparator(),
                        "certification of it/site:1.0 refused:",
                        "  verify failed for it/site:1.0 on 2026-11-26: blocking rules SITE-9, SITE-2",
                        "  the waiver of SITE-2 (site) expired on 2026-11-25",
                        "  image it/site:1.0 is now sha256:" + "99".repeat(32) + "; verify judged " + IMAGE_ID,
                        "  profile site changed since verify (effective profile digest sha256:" + "ee".repeat(32)
                                + ", verify saw " + PROFILE_DIGEST + ")",
                        "  policy set project changed: src/main/nodeimage/policies/site.yaml changed",
                        "  facts.json differs from the facts verify judged",
                        "  the git work tree is dirty (1 paths: notes.txt); commit them, or set "
                                + "nodeimage.certify.allowDirty to certify a dirty tree on purpose"));
        assertThat(dir.resolve(Certifier.STATEMENT)).doesNotExist();
    }

    @Test
    void aWaiverThatExpiredSinceVerifyIsRefusedToo() throws Exception {
        record(true, waived("SITE-2", "2026-11-25", false));
        assertThatThrownBy(() -> Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(clean)), false)).hasMessageContaining("the waiver of SITE-2 (site) expired on 2026-11-25");
    }

    @Test
    void aDirtyTreeOrNoRepositoryIsCertifiedOnlyWhenAllowed() throws Exception {
        record(true, pass("SITE-1"));
        assertThatThrownBy(() -> Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.empty()), false))
                .hasMessageContaining("the project is not in a git work tree, so the certificate could not name its commit");
        GitProvenance dirty = new GitProvenance("1".repeat(40), "main", "v1.0", 0, null, true, List.of("a", "b"), Map.of());
        Certifier.Certificate c = Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(dirty)), true);
        assertThat(Files.readString(c.statement())).contains("\"dirty\": true", "\"a\",");
    }

    @Test
    void withoutAVerificationRecordTheHintSaysRunVerify() {
        assertThatThrownBy(() -> Certifier.certify(dir, "target/nodeimage/site", now(IMAGE_ID, PROFILE_DIGEST,
                List.of(policies), Optional.of(clean)), false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("no verification record at target/nodeimage/site/verification.json");
    }

    @Test
    void aCertificateThatIsNotOneIsRefusedWithItsName() throws Exception {
        Path notOne = dir.resolve("other.json");
        Files.writeString(notOne, "{\"_type\": \"https://in-toto.io/Statement/v1\", \"predicateType\": \"x\"}\n");
        assertThatThrownBy(() -> CertificateCheck.read(notOne, "other.json"))
                .hasMessage("the certificate other.json cannot be read: it is not an in-toto statement of type "
                        + "urn:nodeimage:certificate:v1");
        Files.writeString(notOne, "{\"_type\": \n");
        assertThatThrownBy(() -> CertificateCheck.read(notOne, "other.json"))
                .hasMessageStartingWith("the certificate other.json cannot be read: other.json:");
    }

    @Test
    void givenAKeyTheStatementIsAlsoWrittenSignedAndTheSummarySaysWhichKey() throws Exception {
        record(true, pass("SITE-1"));
        java.security.KeyPair pair = CertificateEnvelopeTest.p256();
        io.nodeimage.signing.SigningKey key = io.nodeimage.signing.SigningKey.read(
                CertificateEnvelopeTest.pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "key.pem", () -> null);

        Certifier.Certificate c = Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(clean)), false, Optional.of(key));

        assertThat(c.envelope()).isEqualTo(dir.resolve("certificate.intoto.jsonl"));
        assertThat(c.signedBy()).isEqualTo("ECDSA P-256 key sha256:" + key.keyId());
        // The envelope's payload is the statement beside it, byte for byte.
        byte[] payload = CertificateEnvelope.open(c.envelope(), "certificate.intoto.jsonl",
                io.nodeimage.signing.VerificationKey.read(CertificateEnvelopeTest.pem("PUBLIC KEY", pair.getPublic().getEncoded()), "pub"));
        assertThat(payload).isEqualTo(Files.readAllBytes(c.statement()));
        assertThat(CertificateCheck.read(payload, "payload").image()).isEqualTo("it/site:1.0");
        assertThat(Files.readString(c.summary())).contains("Signed: `certificate.intoto.jsonl` holds the statement in a DSSE "
                + "envelope signed with the ECDSA P-256 key sha256:" + key.keyId());
        assertThat(Files.list(dir).map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();

        // Certified again without a key: the envelope of the earlier run is gone, and the summary says unsigned.
        Certifier.Certificate unsigned = Certifier.certify(dir, "t", now(IMAGE_ID, PROFILE_DIGEST, List.of(policies),
                Optional.of(clean)), false, Optional.empty());
        assertThat(unsigned.envelope()).isNull();
        assertThat(dir.resolve("certificate.intoto.jsonl")).doesNotExist();
        assertThat(Files.readString(unsigned.summary())).contains("The statement is not signed: no signing key was given");
    }
}
