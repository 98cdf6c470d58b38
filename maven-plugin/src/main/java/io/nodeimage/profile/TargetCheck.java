package io.nodeimage.profile;

import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;

/**
 * A check of a resolved profile against what the profile itself cannot know, such as the vendor data's kernel
 * releases (io.nodeimage.plan.PlatformSupport). Problems are reported at the profile's lines like the
 * profile's own rules, so validate finds them, not only render.
 */
@FunctionalInterface
public interface TargetCheck {

    TargetCheck NONE = (profile, tree, problems) -> { };

    void check(Profile profile, YNode.Mapping tree, Problems problems);
}
