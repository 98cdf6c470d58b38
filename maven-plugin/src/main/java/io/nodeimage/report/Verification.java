package io.nodeimage.report;

import io.nodeimage.ConfigurationException;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.RuleResult;
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
 * file's digest, the facts' digest and each rule's result. certify reads it back and refuses when
 * anything it names has changed since.
 */
public record Verification(String image, String imageId, String profile, String profileDigest, String date,
                           String failOn, boolean passed, String factsDigest, List<SetRecord> policySets,
                           List<ResultRecord> results) {

    public Verification {
        policySets = List.copyOf(policySets);
        results = List.copyOf(results);
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
                r.severity().yamlName(), r.status().yamlName(),
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
                JsonRead.bool(root, "passed"), JsonRead.text(root, "factsDigest"), sets, results);
    }
}
