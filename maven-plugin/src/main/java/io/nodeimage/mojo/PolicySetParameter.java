package io.nodeimage.mojo;

/**
 * A policy set in a git repository, as written in the POM:
 * {@code <policySet><name>secops</name><url>...</url><ref>v1.2.0</ref><commit>...</commit><path>policies</path></policySet>}.
 */
public class PolicySetParameter {

    /** The set's name in reports and certificates. */
    String name;
    /** The repository's URL (https, ssh, file). */
    String url;
    /** A tag, a branch or a full commit id. */
    String ref;
    /** The commit the ref must resolve to; optional. */
    String commit;
    /** The folder holding the policy files; the top when absent. */
    String path;

    io.nodeimage.policy.PolicyRepository toRepository() {
        return new io.nodeimage.policy.PolicyRepository(name, url, ref, commit, path);
    }
}
