package io.nodeimage.mojo;

import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.report.VerifyService;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that read policies: where the project keeps them, and loading them with the bundled ones. */
abstract class AbstractPolicyMojo extends AbstractNodeimageMojo {

    /**
     * The project's policies and waivers.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICIES_DIRECTORY, defaultValue = "${project.basedir}/src/main/nodeimage/policies")
    File policiesDirectory;

    List<LoadedPolicy> policies(boolean withCatalog) {
        return VerifyService.policies(policiesDirectory.toPath(), basedir.toPath(), withCatalog);
    }
}
