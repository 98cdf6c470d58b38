package io.nodeimage.report;

import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** All rule results for one image, and what they add up to against a failure threshold. */
public record Verdict(String image, String profile, String date, List<RuleResult> results, Policy.Severity failOn) {

    public Verdict {
        results = List.copyOf(results);
    }

    /** Unwaived failures at or above the threshold: these fail the build. */
    public List<RuleResult> blocking() {
        return results.stream().filter(r -> r.status() == RuleResult.Status.FAIL
                && r.severity().ordinal() >= failOn.ordinal()).toList();
    }

    public boolean passed() {
        return blocking().isEmpty();
    }

    public Map<Policy.Severity, Integer> failuresBySeverity() {
        Map<Policy.Severity, Integer> out = new EnumMap<>(Policy.Severity.class);
        for (Policy.Severity s : Policy.Severity.values()) {
            out.put(s, (int) results.stream().filter(r -> r.status() == RuleResult.Status.FAIL && r.severity() == s).count());
        }
        return out;
    }

    public long count(RuleResult.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
