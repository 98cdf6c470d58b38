package io.nodeimage.report;

import io.nodeimage.ConfigurationException;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.policy.TrustedCertificate;
import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What nodeimage:verify judged, and with what: the image by id, the profile's digest, every policy
 * file's digest, the site module signers' files and certificates, the facts' digest and each rule's
 * result. certify reads it back and refuses when anything it names has changed since.
 */
public record Verification(String image, String imageId, String profile, String profileDigest, String date,
                           String failOn, boolean passed, String factsDigest, List<SetRecord> policySets,
                           List<ResultRecord> results, List<SignerRecord> moduleSigners) {

    public Verification {
        policySets = List.copyOf(policySets);
        results = List.copyOf(results);
        moduleSigners = List.copyOf(moduleSigners);
    }

    /** A record of a run given no site module signers. */
    public Verification(String image, String imageId, String profile, String profileDigest, String date,
                        String failOn, boolean passed, String factsDigest, List<SetRecord> policySets,
                        List<ResultRecord> results) {
        this(image, imageId, profile, profileDigest, date, failOn, passed, factsDigest, policySets, results, List.of());
    }

    /**
     * A site module signer file the run trusted (nodeimage.trustedModuleSigners): as shown, the SHA-256
     * of its bytes, and each certificate in it.
     */
    public record SignerRecord(String file, String digest, List<CertificateRecord> certificates) {
        public SignerRecord {
            certificates = List.copyOf(certificates);
        }
    }

    /** A certificate by the SHA-256 of its DER encoding (as facts name the one that verified a module) and subject. */
    public record CertificateRecord(String sha256, String subject) {
    }

    public static List<SignerRecord> signers(SiteSigners signers) {
        return signers.files().stream().map(f -> new SignerRecord(f.file(), f.sha256(), f.certificates().stream()
                .map(c -> new CertificateRecord(TrustedCertificate.fingerprint(c), c.getSubjectX500Principal().getName()))
                .toList())).toList();
    }

    /** The signers as certificates and statements write them: file, digest, certificates. */
    public static Map<String, Object> signer(SignerRecord s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", s.file());
        out.put("digest", Map.of("sha256", s.digest()));
        out.put("certificates", s.certificates().stream().map(c -> {
            Map<String, Object> cert = new LinkedHashMap<>();
            cert.put("sha256", c.sha256());
            cert.put("subject", c.subject());
            return (Object) cert;
        }).toList());
        return out;
    }

    /** Reads what {@link #signer} wrote. */
    public static List<SignerRecord> signers(List<JsonNode> items) {
        List<SignerRecord> out = new ArrayList<>();
        for (JsonNode s : items) {
            out.add(new SignerRecord(JsonRead.text(s, "file"), JsonRead.text(s, "digest", "sha256"),
                    JsonRead.items(s, "certificates").stream().map(c -> new CertificateRecord(JsonRead.text(c, "sha256"),
                            JsonRead.text(c, "subject"))).toList()));
        }
        return out;
    }

    public record SetRecord(String name, String version, String commit, String digest, List<PolicyRecord> policies) {
    }

    public record PolicyRecord(String name, String version, String file, String digest) {
    }

    /** A rule's result, and the waiver that covered it (expired or not). */
    public record ResultRecord(String policy, String policyVersion, String rule, String severity, String status,
                               String waiverReason, String waiverApprovedBy, String waiverExpires, boolean waiverExpired) {
    }

    static List<SetRecord> sets(List<PolicySet> sets) {
        List<SetRecord> out = new ArrayList<>();
        for (PolicySet s : sets) {
            List<PolicyRecord> policies = new ArrayList<>();
            for (LoadedPolicy p : s.policies()) {
                policies.add(new PolicyRecord(p.policy().name(), p.policy().version(), p.file(), p.digest()));
            }
            out.add(new SetRecord(s.name(), s.version(), s.commit(), s.digest(), policies));
        }
        return out;
    }

    static List<ResultRecord> results(List<RuleResult> results) {
        return results.stream().map(r -> new ResultRecord(r.policy(), r.policyVersion(), r.ruleId(),
                r.severity().yamlName(), r.recordedStatus(),
                r.waiver() == null ? null : r.waiver().reason(), r.waiver() == null ? null : r.waiver().approvedBy(),
                r.waiver() == null ? null : r.waiver().expires(), r.waiverExpired())).toList();
    }

    public static String write(Verification v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", v.image());
        out.put("imageId", v.imageId());
        out.put("profile", v.profile());
        out.put("profileDigest", v.profileDigest());
        out.put("date", v.date());
        out.put("failOn", v.failOn());
        out.put("passed", v.passed());
        out.put("factsDigest", v.factsDigest());
        out.put("policySets", v.policySets().stream().map(Verification::set).toList());
        out.put("trustedModuleSigners", v.moduleSigners().stream().map(Verification::signer).toList());
        out.put("results", v.results().stream().map(Verification::result).toList());
        return Json.write(out) + "\n";
    }

    static Map<String, Object> set(SetRecord s) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("name", s.name());
        set.put("version", s.version());
        set.put("commit", s.commit());
        set.put("digest", s.digest());
        set.put("policies", s.policies().stream().map(p -> {
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("name", p.name());
            policy.put("version", p.version());
            policy.put("file", p.file());
            policy.put("digest", p.digest());
            return (Object) policy;
        }).toList());
        return set;
    }

    static Map<String, Object> result(ResultRecord r) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("policy", r.policy());
        result.put("policyVersion", r.policyVersion());
        result.put("rule", r.rule());
        result.put("severity", r.severity());
        result.put("status", r.status());
        if (r.waiverExpires() != null) {
            Map<String, Object> waiver = new LinkedHashMap<>();
            waiver.put("reason", r.waiverReason());
            waiver.put("approvedBy", r.waiverApprovedBy());
            waiver.put("expires", r.waiverExpires());
            waiver.put("expired", r.waiverExpired());
            result.put("waiver", waiver);
        }
        return result;
    }

    public static Verification read(Path file, String shown) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("no verification record at " + shown,
                    "run nodeimage:verify for this profile first (bound to the verify phase, before certify)");
        }
        JsonNode root;
        try {
            root = Json.read(file, shown);
        } catch (Json.JsonException e) {
            throw new ConfigurationException("the verification record " + shown + " cannot be read: "
                    + e.getMessage(), "run nodeimage:verify again; it rewrites the record");
        }
        List<SetRecord> sets = new ArrayList<>();
        for (JsonNode s : JsonRead.items(root, "policySets")) {
            List<PolicyRecord> policies = JsonRead.items(s, "policies").stream().map(p -> new PolicyRecord(
                    JsonRead.text(p, "name"), JsonRead.text(p, "version"), JsonRead.text(p, "file"),
                    JsonRead.text(p, "digest"))).toList();
            sets.add(new SetRecord(JsonRead.text(s, "name"), JsonRead.text(s, "version"), JsonRead.text(s, "commit"),
                    JsonRead.text(s, "digest"), policies));
        }
        List<ResultRecord> results = JsonRead.items(root, "results").stream().map(r -> new ResultRecord(
                JsonRead.text(r, "policy"), JsonRead.text(r, "policyVersion"), JsonRead.text(r, "rule"),
                JsonRead.text(r, "severity"), JsonRead.text(r, "status"), JsonRead.text(r, "waiver", "reason"),
                JsonRead.text(r, "waiver", "approvedBy"), JsonRead.text(r, "waiver", "expires"),
                JsonRead.bool(r, "waiver", "expired"))).toList();
        return new Verification(JsonRead.text(root, "image"), JsonRead.text(root, "imageId"), JsonRead.text(root, "profile"),
                JsonRead.text(root, "profileDigest"), JsonRead.text(root, "date"), JsonRead.text(root, "failOn"),
                JsonRead.bool(root, "passed"), JsonRead.text(root, "factsDigest"), sets, results,
                signers(JsonRead.items(root, "trustedModuleSigners")));
    }
}
