package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.util.List;

/**
 * One rule judged against one image.
 *
 * @param status pass, fail, waived (failed, but a waiver in force covers it) or not-applicable
 * @param evidence what was found, one line each, naming the kernel where it matters
 * @param waiver the waiver considered: in force for "waived", or expired (then the rule fails)
 * @param imagePath the file in the image the finding is about (a modprobe.d file, a module), or null
 * @param undecided for not-applicable: whether the rule could not be checked for want of an input the
 *     run lacked (the policy selects profiles and the image was judged without one; the rule trusts the
 *     site's module signers and the run was given none; GPU modes without nvidia-smi output), as opposed
 *     to deciding from the facts that it does not apply; such a skip is reported "not checked", and fails
 *     the run for critical rules, and for every rule in strict mode
 */
public record RuleResult(String policy, String policyVersion, Policy.Rule rule, Status status, String message,
                         List<String> evidence, Location location, Policy.Waiver waiver, boolean waiverExpired,
                         String imagePath, boolean undecided) {

    /** Written as pass, fail, waived, not-applicable in reports, policy tests and certificates. */
    public enum Status implements io.nodeimage.yaml.YamlEnum { PASS, FAIL, WAIVED, NOT_APPLICABLE }

    public RuleResult {
        evidence = List.copyOf(evidence);
    }

    public String ruleId() {
        return rule.id();
    }

    /** The rule's title, or its id when it has none. */
    public String title() {
        return rule.title() == null ? rule.id() : rule.title();
    }

    public Policy.Severity severity() {
        return rule.severity();
    }

    /**
     * The status verification records and certificates carry: not-checked for a rule the run could not
     * judge, so a certificate never claims a rule did not apply when it was not checked.
     */
    public String recordedStatus() {
        return undecided ? "not-checked" : status.yamlName();
    }

    /** policy/rule: how waiver files name a rule (a profile rule's id alone: see {@link Waivers#fullId}). */
    public String fullId() {
        return Waivers.fullId(policy, rule.id());
    }
}
