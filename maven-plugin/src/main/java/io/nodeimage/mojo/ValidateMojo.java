package io.nodeimage.mojo;

import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ProfileValidation;
import java.util.Map;
import java.util.Set;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks profiles: YAML syntax, keys, value shapes, {@code extends} chains and the rules hardware
 * imposes; then lints the policies, waiver files and policy tests. Fails listing every problem with
 * its file:line:column.
 *
 * @since 0.1.0
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends AbstractPolicyMojo {

    /**
     * Also validate every profile of the bundled catalog.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VALIDATE_CATALOG, defaultValue = "false")
    boolean catalog;

    /**
     * Lint the policies, waiver files and policy tests too (as {@code nodeimage:lint-policies} does).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VALIDATE_POLICIES, defaultValue = "true")
    boolean lintPolicies;

    /**
     * The site's mirrors by id, as render takes them: a {@code mirror://<id>/...} URL naming a mirror not
     * listed here is a problem at its line, and so is an archive URL through an {@code http://} mirror the
     * profile does not allow ({@code archive.allowHttp}). Configure them on the plugin, not on one execution, so
     * validate and render see the same.
     *
     * @since 0.1.0
     */
    @Parameter
    Map<String, String> mirrors;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VALIDATE_SKIP, defaultValue = "false")
    boolean skipValidate;

    @Override
    String goal() {
        return "validate";
    }

    @Override
    boolean skipGoal() {
        return skipValidate;
    }

    @Override
    void run() {
        ProfileSources sources = profileSources();
        ProfileValidation.Report report = ProfileValidation.run(sources, selection(), catalog,
                mirrors == null ? Map.<String, String>of() : mirrors, new io.nodeimage.plan.PlatformSupport(vendorCatalog()));
        if (report.checked().isEmpty()) {
            getLog().warn("No profiles to validate in " + profilesDirectory
                    + " (set " + PropertyNames.PROFILES + " or " + PropertyNames.VALIDATE_CATALOG + "=true)");
        }
        report.warnings().forEach(w -> getLog().warn(w.format()));
        ProfileValidation.requirePassed(report);
        getLog().info(report.valid().size() + " profiles valid: " + String.join(", ", report.checked()));
        if (lintPolicies) {
            lintPolicies();
        }
    }
}
