package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.Digests;
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
 * A certificate holds against the inputs it was written for, and names every difference when it was
 * edited by hand or is checked against other inputs. The image is judged by a stand-in here; it/
 * judges real images.
 */
class CertificateCheckTest {

    static final String FACTS = "{\"image\": \"it/site:1.0\"}\n";

    @TempDir
    Path dir;

    PolicySet policies = new PolicySet("project", "1.0", null,
            List.of(new LoadedPolicy(null, "policies/site.yaml", "ef".repeat(32), Map.of(), Map.of())));
    CertificateCheck.Claims claims;

    @BeforeEach
    void certify() throws Exception {
        Files.writeString(dir.resolve("facts.json"), FACTS);
        Files.writeString(dir.resolve(VerifyService.RECORD), Verification.write(new Verification("it/site:1.0",
                CertifierTest.IMAGE_ID, null, null, "2026-11-26", "high", true, Digests.sha256(FACTS),
                List.of(new Verification.SetRecord("project", "1.0", null, policies.digest(), List.of(
                        new Verification.PolicyRecord("site", "1.0.0", "policies/site.yaml", "ef".repeat(32))))),
                List.of(CertifierTest.pass("SITE-1")))));
        GitProvenance git = new GitProvenance("1".repeat(40), "main", "v1.0", 0, null, false, List.of(), Map.of());
        Certifier.Certificate c = Certifier.certify(dir, "t", new Certifier.Current(CertifierTest.IMAGE_ID, "x",
                List.of(), List.of(policies), Optional.of(git), LocalDate.of(2026, 11, 26)), false);
        claims = CertificateCheck.read(c.statement(), "certificate.intoto.json");
    }

    private VerifyService.Judged judged(String facts, io.nodeimage.policy.RuleResult.Status status) {
        io.nodeimage.policy.Policy.Rule rule = io.nodeimage.policy.Policy.Rule.finding("SITE-1", null,
                io.nodeimage.policy.Policy.Severity.HIGH, null, null, null);
        var result = new io.nodeimage.policy.RuleResult("site", "1.0.0", rule, status, "", List.of(), null, null, false,
                null, false);
        return new VerifyService.Judged(null, facts, new io.nodeimage.policy.Evaluator.Evaluation(List.of(result),
                List.of(), List.of()), List.of(), io.nodeimage.inspect.KmodCrossCheck.Result.skipped("not asked"));
    }

    @Test
    void itHoldsForTheSameInputs() {
        assertThat(CertificateCheck.check(claims, "it/site:1.0", CertifierTest.IMAGE_ID, null, List.of(policies),
                image -> judged(FACTS, io.nodeimage.policy.RuleResult.Status.PASS))).isEmpty();
    }

    @Test
    void anEditedCertificateOrOtherInputsAreNamed() throws Exception {
        String statement = Files.readString(dir.resolve(Certifier.STATEMENT));
        Path edited = dir.resolve("edited.json");
        // An edit by hand: a set digest changed to match other files, and a status made prettier.
        Files.writeString(edited, statement.replace(policies.digest(), "00".repeat(32)).replace("\"pass\"", "\"waived\""));
        CertificateCheck.Claims e = CertificateCheck.read(edited, "edited.json");
        PolicySet changed = new PolicySet("project", "1.0", null,
                List.of(new LoadedPolicy(null, "policies/site.yaml", "aa".repeat(32), Map.of(), Map.of())));

        List<String> differences = CertificateCheck.check(e, "other/image:2", "sha256:" + "12".repeat(32), null,
                List.of(changed), image -> judged("{}\n", io.nodeimage.policy.RuleResult.Status.FAIL));

        assertThat(differences).containsExactly(
                "image other/image:2 is sha256:" + "12".repeat(32) + ", the certificate's subject is sha256:" + "ab".repeat(32),
                "policy set project changed: policies/site.yaml changed",
                "policy set project: the certificate's digest does not match the files it lists",
                "the image's facts now (sha256:" + Digests.sha256("{}\n") + ") differ from the certificate's (sha256:"
                        + Digests.sha256(FACTS) + ")",
                "rule site/SITE-1 is fail now; the certificate says waived");
    }

    @Test
    void anImageTheEngineDoesNotHaveIsSaidSo() {
        assertThat(CertificateCheck.check(claims, "gone:1", null, null, List.of(policies), image -> {
            throw new AssertionError("nothing to judge");
        })).containsExactly("image gone:1 is not in the engine");
    }
}
