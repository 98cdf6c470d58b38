package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.util.List;

/**
 * One rule judged against one image.
 *
 * @param status pass, fail, waived (failed, but a waiver in force covers it) or not-applicable
 * @param evidence what was found, one line each, naming the kernel where it matters
 * @param waiver the waiver considered: in force for "waived", or expired (then the rule fails)
 */
public record RuleResult(String policy, String policyVersion, String ruleId, String title, Policy.Severity severity,
                         Status status, String message, List<String> evidence, Location location, Policy.Waiver waiver,
                         boolean waiverExpired) {

    /** Written as pass, fail, waived, not-applicable in reports, policy tests and certificates. */
    public enum Status implements io.nodeimage.yaml.YamlEnum { PASS, FAIL, WAIVED, NOT_APPLICABLE }

    public RuleResult {
        evidence = List.copyOf(evidence);
    }
}
