package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.Certifier;
import io.nodeimage.provenance.GitProvenance;
import io.nodeimage.provenance.Inputs;
import io.nodeimage.signing.SigningKeys;
import java.io.File;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/**
 * Certifies each selected profile's image after nodeimage:verify passed: writes
 * {@code certificate.intoto.json} (an in-toto Statement v1) and {@code certificate.md} beside the
 * reports, and, given a signing key, {@code certificate.intoto.jsonl}: the statement in a DSSE envelope
 * signed with it. Refuses when verify failed, a waiver has expired, the image, profile or policies changed
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
     * The PEM private key that signs the certificates (ECDSA P-256, P-384, P-521 or Ed25519; PKCS#8,
     * encrypted PKCS#8 or SEC1). When not given: the environment variable {@code NODEIMAGE_SIGNING_KEY}
     * (the PEM text, or the path of the key file), else the {@code <privateKey>} of the settings.xml server
     * {@link #signingKeyServer}. An encrypted key's passphrase comes from that server's
     * {@code <passphrase>} (or {@code <password>}), else {@code NODEIMAGE_SIGNING_KEY_PASSPHRASE}; never
     * from the POM. No key: the statement is written unsigned, and the log says so.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SIGNING_KEY)
    File signingKey;

    /**
     * The id of the settings.xml {@code <server>} that holds the signing key's passphrase (and, optionally,
     * the key file as {@code <privateKey>}); values encrypted with {@code mvn --encrypt-password} are
     * decrypted as Maven does.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SIGNING_KEY_SERVER, defaultValue = "nodeimage-signing-key")
    String signingKeyServer;

    /**
     * Fail when no signing key is given, instead of writing an unsigned statement: what CI should set.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REQUIRE_SIGNATURE, defaultValue = "false")
    boolean requireSignature;

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
        // The key first: a missing or unreadable one stops the goal before anything is judged or written.
        Optional<SigningKeys.Loaded> key = signingKey();
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
                            git, LocalDate.now(), signers), allowDirty, key.map(SigningKeys.Loaded::key));
            git.filter(GitProvenance::dirty).ifPresent(g -> getLog().warn(p.name() + ": certified a dirty tree ("
                    + g.dirtyPaths().size() + " paths), as allowDirty asks"));
            getLog().info(p.name() + ": certified " + c.subject() + " (" + c.digest() + "); statement "
                    + c.statement() + ", summary " + c.summary());
            if (c.envelope() != null) {
                getLog().info(p.name() + ": signed " + c.envelope() + " (DSSE, " + c.signedBy() + ")");
            } else {
                getLog().warn(p.name() + ": the certificate is unsigned: no signing key was given ("
                        + PropertyNames.SIGNING_KEY + ", " + SigningKeys.KEY_VARIABLE + " or settings.xml server "
                        + signingKeyServer + "); anyone who can write the file can write such a statement");
            }
        }
    }

    private Optional<SigningKeys.Loaded> signingKey() {
        Optional<Server> server = server(signingKeyServer);
        char[] passphrase = server.map(s -> s.getPassphrase() != null && !s.getPassphrase().isEmpty() ? s.getPassphrase()
                : s.getPassword()).map(String::toCharArray).orElse(null);
        Path serverKey = server.map(Server::getPrivateKey).filter(k -> !k.isBlank()).map(k -> basedir.toPath().resolve(k)).orElse(null);
        Optional<SigningKeys.Loaded> key = SigningKeys.load(new SigningKeys.Given(signingKey == null ? null : signingKey.toPath(),
                serverKey, signingKeyServer, passphrase, System.getenv(), basedir.toPath()));
        if (key.isEmpty() && requireSignature) {
            throw new ConfigurationException("no signing key was given, and " + PropertyNames.REQUIRE_SIGNATURE
                    + " is true", "give the key: -D" + PropertyNames.SIGNING_KEY + "=<PEM file>, the environment variable "
                    + SigningKeys.KEY_VARIABLE + " (its PEM text or path), or <privateKey> of the settings.xml server "
                    + signingKeyServer);
        }
        key.ifPresent(k -> getLog().info("Signing certificates with the " + k.key() + " from " + k.from()));
        return key;
    }
}
