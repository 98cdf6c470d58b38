package io.nodeimage.report;

import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * All rule results for one image, and what they add up to against a failure threshold.
 *
 * @param imageId the engine's id of the image judged (sha256:...), or null
 * @param policies every policy judged, as "name version (file)"
 * @param unusedWaivers waivers that waived nothing, with the reason
 * @param warnings what the people who read the verdict should know: waivers about to expire, a profile
 *     whose OS is not the image's
 * @param strict whether a policy that could not tell if it applies fails the run whatever its severity
 */
public record Verdict(String image, String imageId, String profile, String date, List<RuleResult> results,
                      Policy.Severity failOn, boolean strict, List<String> policies,
                      List<Evaluator.UnusedWaiver> unusedWaivers, List<String> warnings) {

    public Verdict {
        results = List.copyOf(results);
        policies = List.copyOf(policies);
        unusedWaivers = List.copyOf(unusedWaivers);
        warnings = List.copyOf(warnings);
    }

    public Verdict(String image, String profile, String date, List<RuleResult> results, Policy.Severity failOn) {
        this(image, null, profile, date, results, failOn, false, List.of(), List.of(), List.of());
    }

    /**
     * Results that fail the build: unwaived failures at or above the threshold, and skips of policies that
     * could not tell whether they apply, for critical rules (every rule in strict mode): a rule that was
     * never checked must not read as passed.
     */
    public List<RuleResult> blocking() {
        return results.stream().filter(this::blocks).toList();
    }

    public boolean blocks(RuleResult r) {
        return (r.status() == RuleResult.Status.FAIL && r.severity().ordinal() >= failOn.ordinal())
                || (r.undecided() && (strict || r.severity() == Policy.Severity.CRITICAL));
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
