package io.nodeimage.mojo;

import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicyRepository;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.PolicySets;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that read policies: where the project keeps them, sets fetched from git, and the bundled catalog. */
abstract class AbstractPolicyMojo extends AbstractNodeimageMojo {

    /**
     * The project's policies and waivers.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICIES_DIRECTORY, defaultValue = "${project.basedir}/src/main/nodeimage/policies")
    File policiesDirectory;

    /**
     * Policy sets kept in git repositories (a security team's): name, url, ref (tag, branch or commit),
     * optionally the commit the ref must resolve to and the folder inside the repository.
     *
     * @since 0.1.0
     */
    @Parameter
    List<PolicySetParameter> policySets;

    /**
     * Where fetched policy repositories are cached; offline builds use this cache.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICY_CACHE, defaultValue = "${settings.localRepository}/../nodeimage/policy-repositories")
    File policyCache;

    @Parameter(defaultValue = "${settings.offline}", readonly = true)
    boolean offline;

    @Parameter(defaultValue = "${project.version}", readonly = true)
    String projectVersion;

    /** Every policy, in one list, as the policy tests see them. */
    List<LoadedPolicy> policies(boolean withCatalog) {
        return PolicySet.flatten(policySets(withCatalog));
    }

    /** The project's set, the git sets (fetched or from the cache), and the catalog when asked. */
    List<PolicySet> policySets(boolean withCatalog) {
        List<PolicyRepository.Fetched> fetched = new ArrayList<>();
        if (policySets != null) {
            Path checkout = outputDirectory.toPath().resolve("policy-sets");
            for (PolicySetParameter p : policySets) {
                PolicyRepository.Fetched f = p.toRepository().fetch(policyCache.toPath().normalize(), checkout, offline);
                getLog().info("Policy set " + p.name + " from " + io.nodeimage.Urls.withoutCredentials(p.url) + " at "
                        + p.ref + ": commit " + f.commit());
                fetched.add(f);
            }
        }
        return PolicySets.load(policiesDirectory.toPath(), basedir.toPath(), projectVersion, fetched, withCatalog);
    }
}
