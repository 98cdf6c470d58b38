package io.nodeimage.provenance;

import io.nodeimage.Digests;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.report.Verification;
import io.nodeimage.report.VerifyService;
import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Re-checks a certificate: the image's id against the subject's digest, the policy sources and the
 * profile against their digests, and the image judged again against the claimed facts and results.
 * Each difference is named; a certificate edited by hand or read against another image differs.
 */
public final class CertificateCheck {

    private CertificateCheck() {
    }

    /**
     * What the certificate claims, as read from it.
     *
     * @param image the image as the engine named it when verify judged it
     * @param digest its id's hex (its configuration's digest)
     * @param subjectName the statement's subject: the image, or the repository it was pushed to
     * @param subjectDigest the subject's sha256 hex: the image id, or the pushed manifest's digest
     */
    public record Claims(String image, String digest, String profile, String profileDigest,
                         List<Verification.SetRecord> sets, String factsDigest, Map<String, String> results,
                         List<Verification.SignerRecord> moduleSigners, String subjectName, String subjectDigest) {
    }

    /** An unsigned statement; an envelope is refused here, as its signature must be checked first. */
    public static Claims read(Path file, String shown) {
        return read(CertificateEnvelope.trusted(file, shown, null), shown);
    }

    /** A statement's bytes: the payload of an envelope whose signature verified ({@link CertificateEnvelope#open}). */
    public static Claims read(byte[] statement, String shown) {
        JsonNode root;
        try {
            root = Json.read(statement, shown);
        } catch (Json.JsonException e) {
            throw Certifier.unreadable(shown, e.getMessage());
        }
        return claims(root, shown);
    }

    private static Claims claims(JsonNode root, String shown) {
        if (!Certifier.STATEMENT_TYPE.equals(JsonRead.text(root, "_type"))
                || !Certifier.PREDICATE_TYPE.equals(JsonRead.text(root, "predicateType"))) {
            throw Certifier.unreadable(shown, "it is not an in-toto statement of type " + Certifier.PREDICATE_TYPE);
        }
        List<Verification.SetRecord> sets = new ArrayList<>();
        for (JsonNode s : JsonRead.items(root, "predicate", "policySets")) {
            sets.add(new Verification.SetRecord(JsonRead.text(s, "name"), JsonRead.text(s, "version"),
                    JsonRead.text(s, "commit"), JsonRead.text(s, "digest", "sha256"),
                    JsonRead.items(s, "policies").stream().map(p -> new Verification.PolicyRecord(JsonRead.text(p, "name"),
                            JsonRead.text(p, "version"), JsonRead.text(p, "file"), JsonRead.text(p, "digest", "sha256"))).toList()));
        }
        Map<String, String> results = new LinkedHashMap<>();
        for (JsonNode r : JsonRead.items(root, "predicate", "results")) {
            results.put(JsonRead.text(r, "policy") + "/" + JsonRead.text(r, "rule"), JsonRead.text(r, "status"));
        }
        String subject = JsonRead.text(root, "subject", 0, "name");
        String subjectDigest = JsonRead.text(root, "subject", 0, "digest", "sha256");
        if (subject == null || subjectDigest == null) {
            throw Certifier.unreadable(shown, "its subject has no name or sha256 digest");
        }
        // The engine's image, which a pushed certificate names in its predicate (older ones only as the subject).
        String image = JsonRead.text(root, "predicate", "image", "name");
        String imageId = JsonRead.text(root, "predicate", "image", "id");
        return new Claims(image != null ? image : subject, imageId != null ? Certifier.hex(imageId) : subjectDigest,
                JsonRead.text(root, "predicate", "profile", "name"),
                JsonRead.text(root, "predicate", "profile", "digest", "sha256"), sets,
                JsonRead.text(root, "predicate", "facts", "digest", "sha256"), results,
                Verification.signers(JsonRead.items(root, "predicate", "trustedModuleSigners")), subject, subjectDigest);
    }

    /**
     * @param imageId the engine's id of the image checked; null when it does not have it
     * @param profile the certificate's profile as resolved now; null when it no longer resolves
     * @param judge judges the image as verify would (inspect and evaluate)
     * @return every difference, empty when the certificate holds
     */
    public static List<String> check(Claims c, String image, String imageId, ResolvedProfile profile, List<PolicySet> sets,
                                     Function<String, VerifyService.Judged> judge) {
        return check(c, image, imageId, profile, sets, SiteSigners.NONE, judge);
    }

    /** @param signers the site module signers given now: those the certificate names, or rules judge otherwise */
    public static List<String> check(Claims c, String image, String imageId, ResolvedProfile profile, List<PolicySet> sets,
                                     SiteSigners signers, Function<String, VerifyService.Judged> judge) {
        return check(c, image, imageId, profile, sets, signers, judge, true);
    }

    /**
     * @param compareFacts false when the image is read otherwise than verify read it (from a registry's layers,
     *                     where verify read it through the engine, its own modprobe asked): the facts documents
     *                     then differ in how they were read (the image's name, modprobe's answers), not in the
     *                     image, whose identity its digests prove; its rules are still judged again and compared
     */
    public static List<String> check(Claims c, String image, String imageId, ResolvedProfile profile, List<PolicySet> sets,
                                     SiteSigners signers, Function<String, VerifyService.Judged> judge, boolean compareFacts) {
        List<String> out = new ArrayList<>();
        if (imageId == null) {
            out.add("image " + image + " is not in the engine");
            return out;
        }
        if (!Certifier.hex(imageId).equals(c.digest())) {
            out.add("image " + image + " is sha256:" + Certifier.hex(imageId) + ", the certificate's "
                    + (c.digest().equals(c.subjectDigest()) ? "subject" : "image id") + " is sha256:" + c.digest());
        }
        if (c.profile() != null) {
            if (profile == null) {
                out.add("profile " + c.profile() + " no longer resolves");
            } else if (!Inputs.profileDigest(profile).equals(c.profileDigest())) {
                out.add("profile " + c.profile() + " is sha256:" + Inputs.profileDigest(profile)
                        + ", the certificate says sha256:" + c.profileDigest());
            }
        }
        out.addAll(Certifier.policyChanges(c.sets(), sets));
        out.addAll(Certifier.signerChanges(c.moduleSigners(), signers));
        // The certificate's set digests must also be those of the files it lists (an edited digest shows here).
        for (Verification.SetRecord s : c.sets()) {
            Map<String, String> files = new LinkedHashMap<>();
            s.policies().forEach(p -> files.put(p.file(), p.digest()));
            String recomputed = PolicySet.digest(files);
            if (!recomputed.equals(s.digest())) {
                out.add("policy set " + s.name() + ": the certificate's digest does not match the files it lists");
            }
        }
        VerifyService.Judged now = judge.apply(image);
        if (compareFacts && !Digests.sha256(now.factsJson()).equals(c.factsDigest())) {
            out.add("the image's facts now (sha256:" + Digests.sha256(now.factsJson())
                    + ") differ from the certificate's (sha256:" + c.factsDigest() + ")");
        }
        Map<String, String> current = new LinkedHashMap<>();
        for (RuleResult r : now.results()) {
            current.put(r.policy() + "/" + r.ruleId(), r.recordedStatus());
        }
        c.results().forEach((rule, status) -> {
            String s = current.remove(rule);
            if (s == null) {
                out.add("rule " + rule + " is in the certificate but no policy has it now");
            } else if (!s.equals(status)) {
                out.add("rule " + rule + " is " + s + " now; the certificate says " + status);
            }
        });
        current.keySet().forEach(rule -> out.add("rule " + rule + " is not in the certificate"));
        return out;
    }
}
