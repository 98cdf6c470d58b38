package io.nodeimage.report;

import io.nodeimage.policy.RuleResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run says about a verdict, line by line, each at the level of what it does to the run: ERROR only
 * for what fails it. The Maven goals log these; the command line prints them.
 */
public final class VerdictLines {

    public enum Level { INFO, WARN, ERROR }

    public record Line(Level level, String text) {
    }

    private VerdictLines() {
    }

    public static List<Line> of(Verdict v, Path directory) {
        List<Line> out = new ArrayList<>();
        out.add(new Line(Level.INFO, v.image() + ": " + v.count(RuleResult.Status.PASS) + " passed, "
                + v.count(RuleResult.Status.FAIL) + " failed, " + v.count(RuleResult.Status.WAIVED) + " waived, "
                + v.count(RuleResult.Status.NOT_APPLICABLE) + " not applicable; reports in " + directory));
        v.warnings().forEach(w -> out.add(new Line(Level.WARN, w)));
        for (RuleResult r : v.results()) {
            boolean blocks = v.blocks(r);
            if (r.undecided()) {
                out.add(new Line(blocks ? Level.ERROR : Level.WARN,
                        r.ruleId() + " (" + r.severity().yamlName() + ") not checked: " + r.message()));
            } else if (r.status() == RuleResult.Status.FAIL && !blocks) {
                out.add(new Line(Level.WARN, r.ruleId() + " (" + r.severity().yamlName() + ", below failOn): " + r.message()));
            }
            if (r.waiverExpired()) {
                String line = r.ruleId() + ": waiver expired on " + r.waiver().expires();
                out.add(blocks ? new Line(Level.ERROR, line)
                        : new Line(Level.WARN, line + " (" + r.severity().yamlName() + ", below failOn)"));
            }
        }
        v.unusedWaivers().forEach(u -> out.add(new Line(Level.WARN, "waiver of " + u.entry().rule() + " at "
                + u.entry().location() + " waived nothing: " + u.reason())));
        return out;
    }
}
