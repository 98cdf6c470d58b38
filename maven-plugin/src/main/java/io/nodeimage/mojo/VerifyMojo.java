package io.nodeimage.mojo;

import io.nodeimage.inspect.InspectService;
import io.nodeimage.image.BuildService;
import io.nodeimage.provenance.Inputs;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.report.Verdict;
import io.nodeimage.report.VerifyService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Judges images against the policies: the project's ({@code policiesDirectory}) and the bundled
 * catalog's. Writes facts.json, report.json, junit.xml, report.sarif and summary.md per image, and
 * fails the build when an unwaived finding reaches {@code failOn}.
 *
 * @since 0.1.0
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends AbstractPolicyMojo {

    /**
     * Judge against the bundled policy catalog too.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CATALOG, defaultValue = "true")
    boolean catalogPolicies;

    /**
     * The lowest severity of an unwaived finding that fails the build: info, low, medium, high, critical.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.FAIL_ON, defaultValue = "high")
    String failOn;

    /**
     * Verify this image instead of the ones built for the selected profiles. With one selected profile,
     * that profile's appliesTo and waivers apply.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.IMAGE)
    String image;

    /**
     * Where module facts are kept between runs, by the SHA-256 of each module file's bytes, so that
     * a second run (another profile on the same kernel, a re-check) expands and verifies no module twice
     * (uncompressed modules read without certificates are not kept: reading them costs less than hashing).
     * At most 256 MB, least recently used kernels removed first; safe to delete at any time.
     *
     * @since 0.2.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE, defaultValue = "${settings.localRepository}/../nodeimage/module-facts")
    File moduleCache;

    /**
     * Read every module from its bytes, neither using nor filling {@code moduleCache}.
     *
     * @since 0.2.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE_DISABLED, defaultValue = "false")
    boolean moduleCacheDisabled;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_SKIP, defaultValue = "false")
    boolean skipVerify;

    @Override
    String goal() {
        return "verify";
    }

    /** Each line at the level of what it does to the build: ERROR only for what fails it. */
    private void log(Verdict v, Path directory) {
        getLog().info(v.image() + ": " + v.count(RuleResult.Status.PASS) + " passed, " + v.count(RuleResult.Status.FAIL)
                + " failed, " + v.count(RuleResult.Status.WAIVED) + " waived, "
                + v.count(RuleResult.Status.NOT_APPLICABLE) + " not applicable; reports in " + directory);
        v.warnings().forEach(w -> getLog().warn(w));
        for (RuleResult r : v.results()) {
            boolean blocks = v.blocks(r);
            if (r.undecided()) {
                String line = r.ruleId() + " (" + r.severity().yamlName() + ") not checked: " + r.message();
                if (blocks) {
                    getLog().error(line);
                } else {
                    getLog().warn(line);
                }
            } else if (r.status() == RuleResult.Status.FAIL && !blocks) {
                getLog().warn(r.ruleId() + " (" + r.severity().yamlName() + ", below failOn): " + r.message());
            }
            if (r.waiverExpired()) {
                String line = r.ruleId() + ": waiver expired on " + r.waiver().expires();
                if (blocks) {
                    getLog().error(line);
                } else {
                    getLog().warn(line + " (" + r.severity().yamlName() + ", below failOn)");
                }
            }
        }
        v.unusedWaivers().forEach(u -> getLog().warn("waiver of " + u.entry().rule() + " at " + u.entry().location()
                + " waived nothing: " + u.reason()));
    }

    @Override
    boolean skipGoal() {
        return skipVerify;
    }

    @Override
    void run() {
        VerifyService service = new VerifyService(policySets(catalogPolicies), new VerifyService.Settings(
                VerifyService.severity(failOn), today(), strict, waiverLimits(),
                moduleFactsCache(moduleCache, moduleCacheDisabled)));
        // An image named on its own is judged without a profile unless profiles are selected too.
        List<ResolvedProfile> profiles = !selection().isEmpty() || image == null ? selectedTargets() : List.of();
        List<VerifyService.Outcome> outcomes = new ArrayList<>();
        if (image != null) {
            ResolvedProfile profile = profiles.size() == 1 ? profiles.get(0) : null;
            Path dir = profile != null ? outputDirectory.toPath().resolve(profile.name())
                    : outputDirectory.toPath().resolve("inspect").resolve(InspectService.safe(image));
            outcomes.add(service.verify(image, profile == null ? null : profile.profile(),
                    profile == null ? null : Inputs.profileDigest(profile), dir));
        } else {
            for (ResolvedProfile p : profiles) {
                String built = BuildService.imageName(repository, p.name(), tag);
                outcomes.add(service.verify(built, p.profile(), Inputs.profileDigest(p),
                        outputDirectory.toPath().resolve(p.name())));
            }
        }
        for (VerifyService.Outcome o : outcomes) {
            log(o.verdict(), o.directory());
        }
        VerifyService.requirePassed(outcomes);
    }
}
