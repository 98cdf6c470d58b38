package io.nodeimage.mojo;

import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.Certifier;
import io.nodeimage.provenance.GitProvenance;
import io.nodeimage.provenance.Inputs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Certifies each selected profile's image after nodeimage:verify passed: writes
 * {@code certificate.intoto.json} (an in-toto Statement v1) and {@code certificate.md} beside the
 * reports. Refuses when verify failed, a waiver has expired, the image, profile or policies changed
 * since verify, or the git tree is dirty (unless {@code allowDirty}).
 *
 * @since 0.1.0
 */
@Mojo(name = "certify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CertifyMojo extends AbstractPolicyMojo {

    /**
     * Judge against the bundled policy catalog too (as verify did).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CATALOG, defaultValue = "true")
    boolean catalogPolicies;

    /**
     * Judge against the image's own profile too (as verify did).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_PROFILE_POLICY, defaultValue = "true")
    boolean profilePolicy;

    /**
     * Certify although the git work tree has uncommitted changes, or there is no git repository; the
     * certificate then records the dirty paths.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.ALLOW_DIRTY, defaultValue = "false")
    boolean allowDirty;

    /**
     * The certificates the site's nodes trust for module signatures (the distribution's kernel module
     * signing certificate, the Machine Owner Keys enrolled for DKMS modules): PEM or DER files, one or more
     * certificates each, comma-separated, relative to the project. Rules naming {@code site:module-signers}
     * in {@code kernelModules.trustedCertificates} verify signatures against them; without them such rules
     * are not checked. Give the ones verify was given: the certificate records them, and a difference refuses it.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.TRUSTED_MODULE_SIGNERS)
    List<String> trustedModuleSigners;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CERTIFY_SKIP, defaultValue = "false")
    boolean skipCertify;

    @Override
    String goal() {
        return "certify";
    }

    @Override
    boolean skipGoal() {
        return skipCertify;
    }

    @Override
    void run() {
        List<ResolvedProfile> targets = selectedTargets();
        List<PolicySet> sets = policySets(catalogPolicies);
        io.nodeimage.policy.SiteSigners signers = moduleSigners(trustedModuleSigners);
        var docker = DockerEngine.client("the images cannot be certified");
        var workTree = gitSnapshot();
        for (ResolvedProfile p : targets) {
            List<Path> used = new ArrayList<>();
            p.sources().stream().map(this::sourceFile).forEach(used::add);
            sets.stream().filter(s -> s.commit() == null).flatMap(s -> s.policies().stream()).map(LoadedPolicy::file)
                    .map(this::sourceFile).forEach(used::add);
            var git = workTree.map(r -> r.with(used));
            String image = BuildService.imageName(repository, p.name(), tag());
            Path dir = outputDirectory.toPath().resolve(p.name());
            Certifier.Certificate c = Certifier.certify(dir, io.nodeimage.yaml.SourceFiles.shown(dir, basedir.toPath()),
                    new Certifier.Current(DockerEngine.imageId(docker, image), Inputs.profileDigest(p), p.sources(),
                            forProfile(sets, p, profilePolicy),
                            git, LocalDate.now(), signers), allowDirty);
            git.filter(GitProvenance::dirty).ifPresent(g -> getLog().warn(p.name() + ": certified a dirty tree ("
                    + g.dirtyPaths().size() + " paths), as allowDirty asks"));
            getLog().info(p.name() + ": certified " + c.subject() + " (" + c.digest() + "); statement "
                    + c.statement() + ", summary " + c.summary());
        }
    }
}
