package io.nodeimage.report;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.yaml.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One writer per format, all from the same {@link Verdict}: JSON, JUnit XML, SARIF 2.1.0, Markdown. */
public final class ReportWriters {

    private ReportWriters() {
    }

    public static String json(Verdict v, Facts facts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", v.image());
        out.put("profile", v.profile());
        out.put("date", v.date());
        out.put("failOn", v.failOn().yamlName());
        out.put("passed", v.passed());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (RuleResult.Status s : RuleResult.Status.values()) {
            counts.put(s.yamlName(), v.count(s));
        }
        out.put("counts", counts);
        List<Object> results = new ArrayList<>();
        for (RuleResult r : v.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", r.policy());
            m.put("policyVersion", r.policyVersion());
            m.put("rule", r.ruleId());
            m.put("title", r.title());
            m.put("severity", r.severity().yamlName());
            m.put("status", r.status().yamlName());
            m.put("message", r.message());
            m.put("evidence", r.evidence());
            m.put("location", r.location() == null ? null : r.location().toString());
            if (r.waiver() != null) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("reason", r.waiver().reason());
                w.put("approvedBy", r.waiver().approvedBy());
                w.put("expires", r.waiver().expires());
                w.put("expired", r.waiverExpired());
                m.put("waiver", w);
            }
            results.add(m);
        }
        out.put("results", results);
        String factsJson = FactsJson.write(facts).strip();
        String head = Json.write(out);
        // Facts are written by their own writer; splice them in as the last key.
        return head.substring(0, head.length() - 2) + ",\n  \"facts\": " + factsJson.replace("\n", "\n  ") + "\n}\n";
    }

    public static String junit(Verdict v) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long failures = v.count(RuleResult.Status.FAIL);
        long skipped = v.count(RuleResult.Status.NOT_APPLICABLE) + v.count(RuleResult.Status.WAIVED);
        x.append("<testsuite name=\"").append(xml("nodeimage " + (v.profile() == null ? v.image() : v.profile())))
                .append("\" tests=\"").append(v.results().size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" skipped=\"").append(skipped).append("\">\n");
        for (RuleResult r : v.results()) {
            x.append("  <testcase classname=\"").append(xml(r.policy())).append("\" name=\"")
                    .append(xml(r.ruleId() + ": " + r.title())).append("\">\n");
            switch (r.status()) {
                case FAIL -> x.append("    <failure type=\"").append(r.severity().yamlName()).append("\" message=\"")
                        .append(xml(r.message())).append("\">").append(xml(String.join("\n", r.evidence())))
                        .append("</failure>\n");
                case WAIVED, NOT_APPLICABLE -> x.append("    <skipped message=\"").append(xml(r.message())).append("\"/>\n");
                default -> { }
            }
            x.append("  </testcase>\n");
        }
        return x.append("</testsuite>\n").toString();
    }

    public static String sarif(Verdict v, String toolVersion) {
        Map<String, Object> rules = new LinkedHashMap<>();
        List<Object> results = new ArrayList<>();
        for (RuleResult r : v.results()) {
            rules.putIfAbsent(r.ruleId(), Map.of("id", r.ruleId(), "shortDescription", Map.of("text", r.title()),
                    "properties", Map.of("policy", r.policy(), "severity", r.severity().yamlName())));
            if (r.status() != RuleResult.Status.FAIL && r.status() != RuleResult.Status.WAIVED) {
                continue;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ruleId", r.ruleId());
            result.put("level", level(r.severity()));
            result.put("message", Map.of("text", r.message()));
            if (r.location() != null) {
                result.put("locations", List.of(Map.of("physicalLocation", Map.of(
                        "artifactLocation", Map.of("uri", r.location().file()),
                        "region", Map.of("startLine", r.location().line(), "startColumn", r.location().column())))));
            }
            if (r.status() == RuleResult.Status.WAIVED) {
                result.put("suppressions", List.of(Map.of("kind", "external", "justification",
                        r.waiver().reason() + " (approved by " + r.waiver().approvedBy() + ", until " + r.waiver().expires() + ")")));
            }
            results.add(result);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "nodeimage");
        driver.put("version", toolVersion);
        driver.put("rules", new ArrayList<>(rules.values()));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> sarif = new LinkedHashMap<>();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        sarif.put("runs", List.of(run));
        return Json.write(sarif) + "\n";
    }

    private static String level(Policy.Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            default -> "note";
        };
    }

    public static String markdown(Verdict v) {
        StringBuilder m = new StringBuilder("# nodeimage verdict: ").append(v.passed() ? "PASSED" : "FAILED").append("\n\n");
        m.append("Image `").append(v.image()).append('`');
        if (v.profile() != null) {
            m.append(", profile `").append(v.profile()).append('`');
        }
        m.append(", judged ").append(v.date()).append("; the build fails on unwaived findings of severity ")
                .append(v.failOn().yamlName()).append(" or higher.\n\n");
        m.append("| severity | failed |\n|---|---|\n");
        for (Policy.Severity s : reversed()) {
            m.append("| ").append(s.yamlName()).append(" | ").append(v.failuresBySeverity().get(s)).append(" |\n");
        }
        m.append("\nPassed ").append(v.count(RuleResult.Status.PASS)).append(", failed ").append(v.count(RuleResult.Status.FAIL))
                .append(", waived ").append(v.count(RuleResult.Status.WAIVED)).append(", not applicable ")
                .append(v.count(RuleResult.Status.NOT_APPLICABLE)).append(".\n\n");
        List<RuleResult> notable = v.results().stream().filter(r -> r.status() == RuleResult.Status.FAIL
                || r.status() == RuleResult.Status.WAIVED).toList();
        if (!notable.isEmpty()) {
            m.append("| rule | severity | status | finding |\n|---|---|---|---|\n");
            for (RuleResult r : notable) {
                m.append("| ").append(r.ruleId()).append(" | ").append(r.severity().yamlName()).append(" | ")
                        .append(r.status().yamlName()).append(" | ").append(r.message().replace("|", "\\|")).append(" |\n");
            }
        }
        return m.toString();
    }

    private static List<Policy.Severity> reversed() {
        List<Policy.Severity> out = new ArrayList<>(List.of(Policy.Severity.values()));
        java.util.Collections.reverse(out);
        return out;
    }

    static String xml(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
