package io.nodeimage.profile;

import io.nodeimage.yaml.YNode;
import java.util.List;
import java.util.Objects;

/**
 * A profile with {@code extends} resolved.
 *
 * @param profile the checked model
 * @param tree the merged document; each node carries the location it was written at
 * @param chain the profile names from the farthest ancestor down to this profile
 * @param sources the files of that chain, as shown to the user, in the same order
 */
public record ResolvedProfile(Profile profile, YNode.Mapping tree, List<String> chain, List<String> sources) {

    public ResolvedProfile {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tree, "tree");
        chain = List.copyOf(chain);
        sources = List.copyOf(sources);
    }

    public String name() {
        return profile.name();
    }
}
