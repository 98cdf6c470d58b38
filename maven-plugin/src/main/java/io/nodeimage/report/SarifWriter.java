package io.nodeimage.report;

import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.Location;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SARIF 2.1.0 for code-scanning UIs: one rule entry per rule id with its metadata and
 * {@code security-severity}, a result per failed, waived or unchecked rule located at the file in the
 * image it is about (when there is one) and related to the rule's line in its policy file. The image is
 * named in the run's properties.
 */
final class SarifWriter {

    /** The image's root, for paths in the image. */
    static final String IMAGE_ROOT = "IMAGE_ROOT";
    /** The project's folder, for policy files in it. */
    static final String PROJECT_ROOT = "%SRCROOT%";
    /** The bundled catalog's folder inside the nodeimage-policies jar. */
    static final String CATALOG_ROOT = "NODEIMAGE_POLICIES";
    private static final String CATALOG_PREFIX = "nodeimage-policies:";
    /** The bundled profiles' folder inside the nodeimage-profiles jar, where profile rules may be written. */
    static final String PROFILES_ROOT = "NODEIMAGE_PROFILES";

    private SarifWriter() {
    }

    static String write(Verdict v, String toolVersion) {
        Map<String, Object> rules = new LinkedHashMap<>();
        List<Object> results = new ArrayList<>();
        for (RuleResult r : v.results()) {
            rules.putIfAbsent(r.ruleId(), rule(r));
            if (!reported(r)) {
                continue;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ruleId", r.ruleId());
            result.put("ruleIndex", new ArrayList<>(rules.keySet()).indexOf(r.ruleId()));
            if (r.undecided()) {
                // Not a finding about the image: a rule that was never checked, for someone to review.
                result.put("kind", "review");
                result.put("level", "none");
            } else {
                result.put("kind", "fail");
                result.put("level", level(r.severity()));
            }
            result.put("message", Map.of("text", r.message()));
            Map<String, Object> policyLocation = r.location() == null ? null
                    : physical(policyArtifact(r.location().file()), r.location());
            if (r.imagePath() != null) {
                result.put("locations", List.of(physical(artifact(r.imagePath().substring(1), IMAGE_ROOT), null)));
                if (policyLocation != null) {
                    Map<String, Object> related = new LinkedHashMap<>();
                    related.put("id", 1);
                    related.putAll(policyLocation);
                    related.put("message", Map.of("text", "rule " + r.ruleId() + " of policy " + r.policy()));
                    result.put("relatedLocations", List.of(related));
                }
            } else if (policyLocation != null) {
                result.put("locations", List.of(policyLocation));
            }
            if (r.status() == RuleResult.Status.WAIVED) {
                // Ordered: Map.of's iteration order changes from run to run, and reports must not.
                Map<String, Object> suppression = new LinkedHashMap<>();
                suppression.put("kind", "external");
                suppression.put("justification", r.waiver().reason() + " (approved by " + r.waiver().approvedBy()
                        + ", until " + r.waiver().expires() + ")");
                result.put("suppressions", List.of(suppression));
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("status", r.status().yamlName());
            properties.put("evidence", r.evidence());
            result.put("properties", properties);
            results.add(result);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "nodeimage");
        driver.put("version", toolVersion);
        driver.put("rules", new ArrayList<>(rules.values()));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("originalUriBaseIds", baseIds(v));
        run.put("results", results);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("image", v.image());
        properties.put("imageId", v.imageId());
        properties.put("profile", v.profile());
        properties.put("judged", v.date());
        properties.put("failOn", v.failOn().yamlName());
        properties.put("passed", v.passed());
        properties.put("policies", v.policies());
        run.put("properties", properties);
        Map<String, Object> sarif = new LinkedHashMap<>();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        sarif.put("runs", List.of(run));
        return Json.write(sarif) + "\n";
    }

    /** Failed, waived and unchecked rules are results; the others are only listed as rules. */
    private static boolean reported(RuleResult r) {
        return r.status() == RuleResult.Status.FAIL || r.status() == RuleResult.Status.WAIVED || r.undecided();
    }

    private static Map<String, Object> rule(RuleResult r) {
        Policy.Rule rule = r.rule();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.ruleId());
        out.put("shortDescription", Map.of("text", r.title()));
        if (rule.rationale() != null) {
            out.put("fullDescription", Map.of("text", rule.rationale().strip()));
        }
        String help = help(rule);
        if (!help.isEmpty()) {
            out.put("help", Map.of("text", help));
        }
        rule.references().stream().filter(ref -> ref.url() != null).findFirst().ifPresent(ref -> out.put("helpUri", ref.url()));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("policy", r.policy());
        properties.put("policyVersion", r.policyVersion());
        properties.put("severity", r.severity().yamlName());
        // GitHub code scanning ranks by this: 9.0 and up critical, 7.0 high, 4.0 medium, below low.
        properties.put("security-severity", securitySeverity(r.severity()));
        List<String> tags = new ArrayList<>(List.of("security"));
        rule.references().stream().filter(ref -> ref.id() != null).forEach(ref -> tags.add(ref.id()));
        properties.put("tags", tags);
        out.put("properties", properties);
        return out;
    }

    /** Remediation and references, as plain text. */
    static String help(Policy.Rule rule) {
        List<String> lines = new ArrayList<>();
        if (rule.remediation() != null) {
            lines.add("Remediation: " + rule.remediation().strip());
        }
        for (Policy.Reference ref : rule.references()) {
            lines.add("Reference: " + (ref.id() == null ? "" : ref.id()) + (ref.id() != null && ref.url() != null ? " " : "")
                    + (ref.url() == null ? "" : ref.url()));
        }
        return String.join("\n", lines);
    }

    static String securitySeverity(Policy.Severity s) {
        return switch (s) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
            case INFO -> "0.0";
        };
    }

    private static String level(Policy.Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            default -> "note";
        };
    }

    private static Map<String, Object> baseIds(Verdict v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(IMAGE_ROOT, Map.of("description", Map.of("text", "the root directory of image " + v.image()
                + (v.imageId() == null ? "" : " (" + v.imageId() + ")"))));
        out.put(PROJECT_ROOT, Map.of("description", Map.of("text", "the project's folder")));
        // No uri: the jar's place differs per machine (and names the user's home); the same report must
        // read the same everywhere. The coordinates say where the files are.
        out.put(CATALOG_ROOT, Map.of("description", Map.of("text", "the bundled policy catalog: "
                + PolicyLoader.CATALOG_ROOT + " in io.nodeimage:nodeimage-policies:" + io.nodeimage.Version.current())));
        if (v.results().stream().anyMatch(r -> reported(r) && r.location() != null
                && r.location().file().startsWith(ProfileSources.CATALOG_SHOWN))) {
            out.put(PROFILES_ROOT, Map.of("description", Map.of("text", "the bundled profile catalog: "
                    + ProfileSources.CATALOG_ROOT + " in io.nodeimage:nodeimage-profiles:" + io.nodeimage.Version.current())));
        }
        return out;
    }

    private static Map<String, Object> policyArtifact(String file) {
        if (file.startsWith(CATALOG_PREFIX)) {
            return artifact(file.substring(CATALOG_PREFIX.length() + PolicyLoader.CATALOG_ROOT.length()), CATALOG_ROOT);
        }
        if (file.startsWith(ProfileSources.CATALOG_SHOWN)) {
            return artifact(file.substring(ProfileSources.CATALOG_SHOWN.length()), PROFILES_ROOT);
        }
        if (file.startsWith("/")) {
            return artifact("file://" + file, null);
        }
        return artifact(file, PROJECT_ROOT);
    }

    private static Map<String, Object> artifact(String uri, String base) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uri", uri);
        if (base != null) {
            out.put("uriBaseId", base);
        }
        return out;
    }

    private static Map<String, Object> physical(Map<String, Object> artifact, Location at) {
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", artifact);
        if (at != null) {
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("startLine", at.line());
            region.put("startColumn", at.column());
            physical.put("region", region);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("physicalLocation", physical);
        return out;
    }
}
