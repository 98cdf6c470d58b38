package io.nodeimage.mojo;

import io.nodeimage.ViolationException;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.CertificateCheck;
import io.nodeimage.provenance.CertificateEnvelope;
import io.nodeimage.report.VerifyService;
import io.nodeimage.signing.VerificationKey;
import java.io.File;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Re-checks certificates: given the signer's public key, the signature of the DSSE envelope first (only
 * a statement that verified is read on); then the image's digest, the profile and policy sources against
 * the digests the certificate holds, and the image judged again against the facts and results it claims.
 * Fails naming each difference.
 *
 * @since 0.1.0
 */
@Mojo(name = "check-certificate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckCertificateMojo extends AbstractPolicyMojo {

    /**
     * The certificate to check; by default each selected profile's
     * {@code <outputDirectory>/<profile>/certificate.intoto.jsonl} (the signed envelope) when a
     * {@link #publicKey} is given, else its {@code certificate.intoto.json} (the unsigned statement).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CERTIFICATE)
    File certificate;

    /**
     * The signer's public key (PEM: {@code PUBLIC KEY}, or a {@code CERTIFICATE} holding it). Given, only a
     * DSSE envelope whose signature verifies with it is trusted, and the statement checked is the envelope's
     * payload; an unsigned statement, another key's envelope or an edited one fails.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUBLIC_KEY)
    File publicKey;

    /**
     * The SHA-256 fingerprint the {@link #publicKey} must have ({@code sha256:<64 hex>}, the SHA-256 of its
     * DER SubjectPublicKeyInfo): pinned in the POM, it keeps a swapped key file from being trusted.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUBLIC_KEY_FINGERPRINT)
    String publicKeyFingerprint;

    /**
     * Check the certificate against this image instead of its subject's name: by name as the engine
     * knows it, or from outside any engine as {@code oci:<dir>[:<name>]}, {@code docker-archive:<file>}
     * or {@code docker://<registry>/<repository>[:<tag>|@<digest>]}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.IMAGE)
    String image;

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
     * Judge again with the image's own modprobe asked too, as verify does; set as verify had it, or the
     * facts (which record modprobe's answers) differ.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CROSS_CHECK, defaultValue = "true")
    boolean crossCheck;

    /**
     * The certificates the site's nodes trust for module signatures (the distribution's kernel module
     * signing certificate, the Machine Owner Keys enrolled for DKMS modules): PEM or DER files, one or more
     * certificates each, comma-separated, relative to the project. Rules naming {@code site:module-signers}
     * in {@code kernelModules.trustedCertificates} verify signatures against them; without them such rules
     * are not checked. Give the ones the certificate names: the image is judged again with them, and a difference is named.
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
    @Parameter(property = PropertyNames.CHECK_CERTIFICATE_SKIP, defaultValue = "false")
    boolean skipCheck;

    @Override
    String goal() {
        return "check-certificate";
    }

    @Override
    boolean skipGoal() {
        return skipCheck;
    }

    private VerificationKey verificationKey() {
        return verificationKey(publicKey, publicKeyFingerprint);
    }

    @Override
    void run() {
        VerificationKey key = verificationKey();
        String defaultFile = key != null ? CertificateEnvelope.FILE : io.nodeimage.provenance.Certifier.STATEMENT;
        List<Path> files = new ArrayList<>();
        if (certificate != null) {
            files.add(certificate.toPath());
        } else {
            selectedTargets().forEach(p -> files.add(outputDirectory.toPath().resolve(p.name()).resolve(defaultFile)));
        }
        List<PolicySet> sets = policySets(catalogPolicies);
        io.nodeimage.policy.SiteSigners signers = moduleSigners(trustedModuleSigners);
        VerifyService.Settings settings = new VerifyService.Settings(io.nodeimage.policy.Policy.Severity.HIGH,
                LocalDate.now(), false, io.nodeimage.policy.Waivers.Limits.NONE,
                crossCheck ? io.nodeimage.policy.Policy.Severity.HIGH : null).withModuleSigners(signers);
        ProfileSources sources = profileSources();
        List<String> failures = new ArrayList<>();
        String hint = "a certificate holds only for the image, profile and policies it was written for; certify again";
        for (Path f : files) {
            String shown = io.nodeimage.yaml.SourceFiles.shown(f, basedir.toPath());
            CertificateCheck.Claims claims;
            if (key == null) {
                claims = CertificateCheck.read(f, shown);
                getLog().warn(shown + ": unsigned (no " + PropertyNames.PUBLIC_KEY + " given): checked against the "
                        + "image and the sources, but nothing says who wrote it");
            } else {
                try {
                    claims = CertificateCheck.read(CertificateEnvelope.trusted(f, shown, key), shown + " (signed payload)");
                } catch (ViolationException e) {
                    failures.add(e.getMessage());
                    hint = e.hint();
                    continue;
                }
                getLog().info(shown + ": signature verified with the " + key);
            }
            String checked = image != null ? imageSource(image) : claims.image();
            ResolvedProfile profile = claims.profile() != null && sources.find(claims.profile()).isPresent()
                    ? new ProfileResolver(sources).resolve(claims.profile()) : null;
            ResolvedProfile judgedAs = profile;
            io.nodeimage.layers.Registry.Options options = sourceOptions(profile == null ? null
                    : profile.profile().os().arch().yamlName(), plainHttpRegistries);
            List<PolicySet> judgedBy = forProfile(sets, profile, profilePolicy);
            VerifyService run = new VerifyService(judgedBy, settings).withSources(options);
            List<String> differences = CertificateCheck.check(claims, checked, InspectService.imageId(checked, options),
                    profile, judgedBy, signers, i -> run.judge(i, judgedAs == null ? null : judgedAs.profile()));
            if (differences.isEmpty()) {
                getLog().info(shown + ": holds for " + checked + " (sha256:" + claims.digest() + ")");
            } else {
                differences.forEach(d -> failures.add(shown + ": " + d));
            }
        }
        if (!failures.isEmpty()) {
            throw new ViolationException("certificates do not hold:" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", failures), hint);
        }
    }
}
