package io.nodeimage.mojo;

import io.nodeimage.inspect.InspectService;
import io.nodeimage.image.BuildService;
import io.nodeimage.provenance.Inputs;
import io.nodeimage.profile.ResolvedProfile;
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
     * Judge each image against its own profile too: every setting the profile asks for that the image's
     * files show (packages, removed packages, disabled modules, sysctl values, kernel arguments, units,
     * files with their mode and owners, the driver) is a rule of the policy {@code profile}, its id naming
     * the profile key ({@code profile:sysctl/kernel.kptr_restrict}). Turn it off to judge an image built
     * elsewhere by the policies alone.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_PROFILE_POLICY, defaultValue = "true")
    boolean profilePolicy;

    /**
     * The lowest severity of an unwaived finding that fails the build: info, low, medium, high, critical.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.FAIL_ON, defaultValue = "high")
    String failOn;

    /**
     * Verify this image instead of the ones built for the selected profiles: by name as the engine
     * knows it, or from outside any engine as {@code oci:<dir>[:<name>]}, {@code docker-archive:<file>}
     * or {@code docker://<registry>/<repository>[:<tag>|@<digest>]}. With one selected profile, that
     * profile's appliesTo and waivers apply (and its architecture picks the image of an index).
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
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE, defaultValue = "${settings.localRepository}/../nodeimage/module-facts")
    File moduleCache;

    /**
     * Read every module from its bytes, neither using nor filling {@code moduleCache}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE_DISABLED, defaultValue = "false")
    boolean moduleCacheDisabled;

    /**
     * The certificates the site's nodes trust for module signatures (the distribution's kernel module
     * signing certificate, the Machine Owner Keys enrolled for DKMS modules): PEM or DER files, one or more
     * certificates each, comma-separated, relative to the project. Rules naming {@code site:module-signers}
     * in {@code kernelModules.trustedCertificates} verify signatures against them; without them such rules
     * are not checked. verification.json records each file and certificate.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.TRUSTED_MODULE_SIGNERS)
    List<String> trustedModuleSigners;

    /**
     * Registries (host or host:port) that images may be read from over plain HTTP, comma-separated.
     * Registries on this machine (localhost, 127.0.0.1) need no entry: HTTPS is tried first, then HTTP.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PLAIN_HTTP_REGISTRIES)
    List<String> plainHttpRegistries;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_SKIP, defaultValue = "false")
    boolean skipVerify;

    /**
     * Ask the image's own modprobe ({@code modprobe -D}, in a container of the image with no network, a
     * read-only root and no capabilities) about every module a kernel-module rule names, and compare with
     * nodeimage's model. A disagreement is a finding of {@code crossCheckSeverity}, and the rule judges by
     * the more conservative state. Images without kmod are judged by the model alone, and the report says so.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CROSS_CHECK, defaultValue = "true")
    boolean crossCheck;

    /**
     * The severity of a disagreement between nodeimage's model and the image's modprobe.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CROSS_CHECK_SEVERITY, defaultValue = "high")
    String crossCheckSeverity;

    @Override
    String goal() {
        return "verify";
    }

    @Override
    boolean skipGoal() {
        return skipVerify;
    }

    @Override
    void run() {
        VerifyService service = new VerifyService(policySets(catalogPolicies), new VerifyService.Settings(
                VerifyService.severity(failOn), today(), strict, waiverLimits(),
                crossCheck ? VerifyService.severity("crossCheckSeverity", crossCheckSeverity) : null,
                moduleFactsCache(moduleCache, moduleCacheDisabled)).withModuleSigners(moduleSigners(trustedModuleSigners)));
        // An image named on its own is judged without a profile unless profiles are selected too.
        List<ResolvedProfile> profiles = !selection().isEmpty() || image == null ? selectedTargets() : List.of();
        List<VerifyService.Outcome> outcomes = new ArrayList<>();
        if (image != null) {
            ResolvedProfile profile = profiles.size() == 1 ? profiles.get(0) : null;
            String image = imageSource(this.image);
            service = service.withSources(sourceOptions(profile == null ? null
                    : profile.profile().os().arch().yamlName(), plainHttpRegistries));
            Path dir = profile != null ? outputDirectory.toPath().resolve(profile.name())
                    : outputDirectory.toPath().resolve("inspect").resolve(InspectService.safe(image));
            outcomes.add(judgedAs(service, profile).verify(image, profile == null ? null : profile.profile(),
                    profile == null ? null : Inputs.profileDigest(profile), dir, getLog()::info));
        } else {
            for (ResolvedProfile p : profiles) {
                String built = BuildService.imageName(repository, p.name(), tag());
                outcomes.add(judgedAs(service, p).verify(built, p.profile(), Inputs.profileDigest(p),
                        outputDirectory.toPath().resolve(p.name()), getLog()::info));
            }
        }
        for (VerifyService.Outcome o : outcomes) {
            if (o.crossCheck() != null) {
                getLog().info(o.verdict().image() + ": " + o.crossCheck());
            }
            logVerdict(o.verdict(), o.directory());
        }
        VerifyService.requirePassed(outcomes);
    }

    /** The run for an image made from the profile: its own rules judged too, unless turned off. */
    private VerifyService judgedAs(VerifyService service, ResolvedProfile profile) {
        if (!profilePolicy || profile == null) {
            return service;
        }
        io.nodeimage.policy.PolicySet own = io.nodeimage.policy.ProfilePolicy.set(profile);
        getLog().info(profile.name() + ": judged against its own profile too: " + own.policies().get(0).policy().rules().size()
                + " rules (" + PropertyNames.VERIFY_PROFILE_POLICY + "=false turns this off)");
        return service.with(own);
    }
}
