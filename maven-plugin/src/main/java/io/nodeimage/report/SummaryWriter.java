package io.nodeimage.report;

import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The human summary (summary.md) an auditor reads: which image (and its digest), judged by which policies
 * in which versions, what failed or was waived with its evidence, why each rule that did not apply did
 * not, and which waivers waived nothing.
 */
final class SummaryWriter {

    private SummaryWriter() {
    }

    static String write(Verdict v) {
        StringBuilder m = new StringBuilder("# nodeimage verdict: ").append(v.passed() ? "PASSED" : "FAILED").append("\n\n");
        // verify-host names a node by its boot id where an image has its id: the summary says which it judged.
        boolean node = v.imageId() != null && v.imageId().startsWith("boot:");
        m.append(node ? "Node `" : "Image `").append(v.image()).append('`');
        if (node) {
            m.append(" (boot `").append(v.imageId().substring("boot:".length())).append("`), as it runs");
        } else if (v.imageId() != null && !v.imageId().isEmpty()) {
            m.append(" (`").append(v.imageId()).append("`)");
        }
        if (!node || v.profile() != null) {
            m.append(v.profile() != null ? ", profile `" + v.profile() + "`" : ", judged without a profile");
        }
        m.append(", judged ").append(v.date()).append("; the ").append(node ? "run" : "build")
                .append(" fails on unwaived findings of severity ")
                .append(v.failOn().yamlName()).append(" or higher, and on ")
                .append(v.strict() ? "every rule" : "critical rules").append(" that could not be checked.\n\n");
        if (!v.warnings().isEmpty()) {
            m.append("## Warnings\n\n");
            v.warnings().forEach(w -> m.append("- ").append(cell(w)).append('\n'));
            m.append('\n');
        }
        m.append("| severity | failed |\n|---|---|\n");
        List<Policy.Severity> severities = new ArrayList<>(List.of(Policy.Severity.values()));
        Collections.reverse(severities);
        for (Policy.Severity s : severities) {
            m.append("| ").append(s.yamlName()).append(" | ").append(v.failuresBySeverity().get(s)).append(" |\n");
        }
        m.append("\nPassed ").append(v.count(RuleResult.Status.PASS)).append(", failed ").append(v.count(RuleResult.Status.FAIL))
                .append(", waived ").append(v.count(RuleResult.Status.WAIVED)).append(", not applicable ")
                .append(v.count(RuleResult.Status.NOT_APPLICABLE)).append(".\n\n");
        if (!v.policies().isEmpty()) {
            m.append("## Policies\n\n");
            v.policies().forEach(p -> m.append("- ").append(cell(p)).append('\n'));
            m.append('\n');
        }
        List<RuleResult> notable = v.results().stream().filter(r -> r.status() == RuleResult.Status.FAIL
                || r.status() == RuleResult.Status.WAIVED || r.undecided()).toList();
        if (!notable.isEmpty()) {
            m.append("## Findings\n\n");
            m.append("| rule | severity | status | finding |\n|---|---|---|---|\n");
            for (RuleResult r : notable) {
                m.append("| ").append(r.ruleId()).append(" | ").append(r.severity().yamlName()).append(" | ")
                        .append(status(v, r)).append(" | ").append(cell(r.message())).append(" |\n");
            }
            m.append('\n');
            for (RuleResult r : notable) {
                detail(m, v, r);
            }
        }
        List<RuleResult> skipped = v.results().stream().filter(r -> r.status() == RuleResult.Status.NOT_APPLICABLE
                && !r.undecided()).toList();
        if (!skipped.isEmpty()) {
            m.append("## Not applicable\n\n| rule | policy | why |\n|---|---|---|\n");
            for (RuleResult r : skipped) {
                m.append("| ").append(r.ruleId()).append(" | ").append(r.policy()).append(" | ").append(cell(r.message()))
                        .append(" |\n");
            }
            m.append('\n');
        }
        if (!v.unusedWaivers().isEmpty()) {
            m.append("## Waivers that waived nothing\n\n| rule | where | expires | why |\n|---|---|---|---|\n");
            for (Evaluator.UnusedWaiver u : v.unusedWaivers()) {
                m.append("| ").append(u.entry().rule()).append(" | ")
                        .append(u.entry().location() == null ? u.entry().source() : u.entry().location().toString())
                        .append(" | ").append(u.entry().waiver().expires()).append(" | ").append(cell(u.reason())).append(" |\n");
            }
            m.append('\n');
        }
        return visible(m.toString().stripTrailing()) + "\n";
    }

    private static String status(Verdict v, RuleResult r) {
        if (r.undecided()) {
            return v.blocks(r) ? "not checked (fails the run)" : "not checked";
        }
        return r.status().yamlName();
    }

    private static void detail(StringBuilder m, Verdict v, RuleResult r) {
        m.append("### ").append(r.ruleId()).append(": ").append(cell(r.title())).append("\n\n");
        m.append("Policy ").append(r.policy()).append(' ').append(r.policyVersion());
        if (r.location() != null) {
            m.append(", at ").append(r.location());
        }
        m.append("; ").append(r.severity().yamlName()).append(", ").append(status(v, r)).append(".\n\n");
        m.append(r.message()).append("\n\n");
        if (r.imagePath() != null) {
            m.append("In the image: `").append(r.imagePath()).append("`\n\n");
        }
        if (!r.evidence().isEmpty()) {
            m.append("Evidence:\n\n");
            r.evidence().forEach(e -> m.append("- ").append(e).append('\n'));
            m.append('\n');
        }
        if (r.waiver() != null) {
            m.append(r.waiverExpired() ? "Waiver (expired): " : "Waiver: ").append(r.waiver().reason())
                    .append("; approved by ").append(r.waiver().approvedBy()).append(", until ")
                    .append(r.waiver().expires()).append(".\n\n");
        }
        if (r.rule().rationale() != null) {
            m.append("Why it matters: ").append(r.rule().rationale().strip()).append("\n\n");
        }
        String help = SarifWriter.help(r.rule());
        if (!help.isEmpty()) {
            help.lines().forEach(l -> m.append(l).append("  \n"));
            m.append('\n');
        }
    }

    /**
     * Characters that break lines or hide in viewers and YAML/JSON consumers (C1 controls, DEL, U+2028,
     * U+2029, U+FEFF): written as character references, which Markdown renders as the character.
     */
    static boolean invisible(char c) {
        return (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff;
    }

    private static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (invisible(c)) {
                out.append("&#x").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append(';');
            } else if (c < 0x20 && c != '\n') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
