package io.nodeimage.profile;

import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.YamlException;
import java.util.List;

/** Profiles could not be loaded; every problem found in the run is attached, with its location. */
public final class ProfileException extends YamlException {

    public ProfileException(List<Problem> problems) {
        super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in profiles:", problems,
                "fix each one at the file:line:column shown; the profile guide (docs/profiles.md) describes every key");
    }
}
