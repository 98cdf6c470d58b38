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
     * Check the certificate attached to this image in a registry instead of a file:
     * {@code <registry>/<repository>@sha256:<hex>}, the image's manifest digest (a tag can move). The
     * certificates attached to it (by nodeimage:attach) are found as its referrers; one signed by the
     * {@link #publicKey} must verify, name this digest as its subject, and hold when the image is read from
     * the registry and judged again. Needs the public key.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHECK_IMAGE)
    String registryImage;

    /**
     * Allow plain HTTP to the {@link #registryImage}'s registry although it is not on this machine.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH_ALLOW_HTTP, defaultValue = "false")
    boolean allowHttp;

    /**
     * The CA certificates (PEM or DER) the {@link #registryImage}'s registry must chain to, instead of the JDK's
     * trust store, for reading its attachments.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_CA_FILE)
    File registryCaFile;

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
        if (registryImage != null && !registryImage.isBlank()) {
            if (key == null) {
                throw new io.nodeimage.ConfigurationException("checking " + registryImage + " from its registry needs the "
                        + "signer's public key", "give -D" + PropertyNames.PUBLIC_KEY + "=<PEM file> (and pin its fingerprint "
                        + "with " + PropertyNames.PUBLIC_KEY_FINGERPRINT + ")");
            }
            String ref = registryImage.startsWith("docker://") ? registryImage.substring("docker://".length()) : registryImage;
            String shown = "the certificate attached to " + ref;
            var connection = registryConnection(ref, registryCaFile, allowHttp);
            CertificateCheck.Claims claims = io.nodeimage.provenance.RegistryCertificate.trusted(ref, connection, key,
                    getLog()::info);
            // The image is read from the same registry with the same login; plain HTTP to it as allowed for the attachments.
            readCredentials = connection.credentials();
            if (allowHttp && ref.contains("/")) {
                plainHttpToo = List.of(ref.substring(0, ref.indexOf('/')));
            }
            getLog().info(shown + ": the image is read from the registry's layers; its id must be the certificate's "
                    + "image id, and its rules are judged again (its facts document is not compared: verify read it "
                    + "through the engine, which also asks the image's own modprobe)");
            judge(List.of(new Checked(shown, claims, "docker://" + ref)), new ArrayList<>(),
                    "a certificate holds only for the image, profile and policies it was written for; certify again");
            return;
        }
        String defaultFile = key != null ? CertificateEnvelope.FILE : io.nodeimage.provenance.Certifier.STATEMENT;
        List<Path> files = new ArrayList<>();
        if (certificate != null) {
            files.add(certificate.toPath());
        } else {
            selectedTargets().forEach(p -> files.add(outputDirectory.toPath().resolve(p.name()).resolve(defaultFile)));
        }
        List<Checked> checked = new ArrayList<>();
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
            checked.add(new Checked(shown, claims, image != null ? imageSource(image) : claims.image()));
        }
        judge(checked, failures, hint);
    }

    /** The login images are read with from a registry; the Docker configuration's unless checking from a registry. */
    private io.nodeimage.layers.RegistryCredentials readCredentials;
    private List<String> plainHttpToo = List.of();

    /** A certificate whose statement may be read (its signature verified, or unsigned and no key given). */
    private record Checked(String shown, CertificateCheck.Claims claims, String image) {
    }

    /** Judges each image again against what its certificate claims. */
    private void judge(List<Checked> certificates, List<String> failures, String hint) {
        List<PolicySet> sets = policySets(catalogPolicies);
        io.nodeimage.policy.SiteSigners signers = moduleSigners(trustedModuleSigners);
        VerifyService.Settings settings = new VerifyService.Settings(io.nodeimage.policy.Policy.Severity.HIGH,
                LocalDate.now(), false, io.nodeimage.policy.Waivers.Limits.NONE,
                crossCheck ? io.nodeimage.policy.Policy.Severity.HIGH : null).withModuleSigners(signers);
        ProfileSources sources = profileSources();
        List<String> plainHttp = new ArrayList<>(plainHttpRegistries == null ? List.of() : plainHttpRegistries);
        plainHttp.addAll(plainHttpToo);
        for (Checked c : certificates) {
            String shown = c.shown();
            CertificateCheck.Claims claims = c.claims();
            String checked = c.image();
            ResolvedProfile profile = claims.profile() != null && sources.find(claims.profile()).isPresent()
                    ? new ProfileResolver(sources).resolve(claims.profile()) : null;
            ResolvedProfile judgedAs = profile;
            io.nodeimage.layers.Registry.Options options = sourceOptions(profile == null ? null
                    : profile.profile().os().arch().yamlName(), plainHttp);
            if (readCredentials != null) {
                options = new io.nodeimage.layers.Registry.Options(options.platform(), options.plainHttpHosts(), readCredentials,
                        registryCaFile == null ? null : registryCaFile.toPath());
            }
            List<PolicySet> judgedBy = forProfile(sets, profile, profilePolicy);
            VerifyService run = new VerifyService(judgedBy, settings).withSources(options);
            List<String> differences = CertificateCheck.check(claims, checked, InspectService.imageId(checked, options),
                    profile, judgedBy, signers, i -> run.judge(i, judgedAs == null ? null : judgedAs.profile()),
                    readCredentials == null);
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
