package io.nodeimage.report;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.policy.Evaluator;
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
        out.put("imageId", v.imageId());
        out.put("profile", v.profile());
        out.put("date", v.date());
        out.put("failOn", v.failOn().yamlName());
        out.put("strict", v.strict());
        out.put("passed", v.passed());
        out.put("policies", v.policies());
        out.put("warnings", v.warnings());
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
            m.put("undecided", r.undecided());
            m.put("blocking", v.blocks(r));
            m.put("message", r.message());
            m.put("evidence", r.evidence());
            m.put("location", r.location() == null ? null : r.location().toString());
            m.put("imagePath", r.imagePath());
            m.put("rationale", r.rule().rationale());
            m.put("remediation", r.rule().remediation());
            List<Object> references = new ArrayList<>();
            for (Policy.Reference ref : r.rule().references()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", ref.id());
                x.put("url", ref.url());
                references.add(x);
            }
            m.put("references", references);
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
        List<Object> unused = new ArrayList<>();
        for (Evaluator.UnusedWaiver u : v.unusedWaivers()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rule", u.entry().rule());
            x.put("location", u.entry().location() == null ? u.entry().source() : u.entry().location().toString());
            x.put("expires", u.entry().waiver().expires());
            x.put("reason", u.reason());
            unused.add(x);
        }
        out.put("unusedWaivers", unused);
        out.put("facts", FactsJson.tree(facts));
        return Json.write(out) + "\n";
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
                        .append(xml(r.message())).append("\">").append(xml(details(r))).append("</failure>\n");
                case WAIVED, NOT_APPLICABLE -> x.append("    <skipped message=\"").append(xml(r.message())).append("\"/>\n");
                default -> { }
            }
            x.append("  </testcase>\n");
        }
        return x.append("</testsuite>\n").toString();
    }

    /** Evidence, then the rule's remediation and references: what a person needs to act on a failure. */
    private static String details(RuleResult r) {
        List<String> lines = new ArrayList<>(r.evidence());
        String help = SarifWriter.help(r.rule());
        if (!help.isEmpty()) {
            lines.add(help);
        }
        return String.join("\n", lines);
    }

    public static String sarif(Verdict v, String toolVersion) {
        return SarifWriter.write(v, toolVersion);
    }

    public static String markdown(Verdict v) {
        return SummaryWriter.write(v);
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
                        // XML 1.0 has no way to carry these, not even as references.
                        out.append(' ');
                    } else if (SummaryWriter.invisible(c)) {
                        out.append("&#x").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
