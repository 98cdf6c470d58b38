package io.nodeimage.policy;

import static io.nodeimage.yaml.Syntax.NAME;

import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import java.util.List;

/**
 * Waivers kept apart from the policies they waive, so a project can waive a rule of the bundled catalog
 * or of a security team's set without copying the policy: each names its rule as policy/rule.
 */
@Doc("Waivers of rules in any policy a run judges, each named policy/rule.")
public record WaiverFile(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always Waivers.") String kind,
        @Required @Doc("The file's name without .yaml.") @Shape(NAME) String name,
        @Doc("Whose waivers these are.") String description,
        @Required @Doc("The waivers.") List<Policy.Waiver> waivers) {

    public WaiverFile {
        waivers = waivers == null ? List.of() : List.copyOf(waivers);
    }

    /** As a policy without rules, so waivers flow through sets, digests and certificates like policies. */
    Policy asPolicy() {
        return new Policy(apiVersion, kind, name, "-", description, null, List.of(), waivers);
    }
}
