package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.CertificateEnvelope;
import io.nodeimage.push.Attachment;
import io.nodeimage.push.PushRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Attaches each selected profile's signed certificate ({@code certificate.intoto.jsonl}, written by certify
 * after push) to the pushed image in the registry: an OCI artifact of type
 * {@code application/vnd.dsse.envelope.v1+json} whose subject is the image's manifest, listed by the
 * registry's referrers API, or by the referrers tag {@code sha256-<hex>} where the registry has none.
 * Writes {@code attached.json}. Run it after push and certify (both in the deploy phase, in that order).
 *
 * @since 0.1.0
 */
@Mojo(name = "attach", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class AttachMojo extends AbstractNodeimageMojo {

    /**
     * Allow plain HTTP to the registry although it is not on this machine.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH_ALLOW_HTTP, defaultValue = "false")
    boolean allowHttp;

    /**
     * The CA certificates (PEM or DER) the registry's TLS certificate must chain to, instead of the JDK's trust store.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_CA_FILE)
    File registryCaFile;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.ATTACH_SKIP, defaultValue = "false")
    boolean skipAttach;

    @Override
    String goal() {
        return "attach";
    }

    @Override
    boolean skipGoal() {
        return skipAttach;
    }

    @Override
    void run() {
        for (ResolvedProfile p : selectedTargets()) {
            Path dir = outputDirectory.toPath().resolve(p.name());
            String shownDir = io.nodeimage.yaml.SourceFiles.shown(dir, basedir.toPath());
            PushRecord pushed = PushRecord.read(dir, shownDir).orElseThrow(() -> new ConfigurationException(
                    p.name() + ": " + shownDir + "/" + PushRecord.FILE + " is missing: the image was not pushed",
                    "run nodeimage:push, then nodeimage:certify with the signing key, then nodeimage:attach"));
            Path envelopeFile = dir.resolve(CertificateEnvelope.FILE);
            if (!Files.isRegularFile(envelopeFile)) {
                throw new ConfigurationException(p.name() + ": " + shownDir + "/" + CertificateEnvelope.FILE
                        + " is missing: there is no signed certificate to attach",
                        "run nodeimage:certify with a signing key (" + PropertyNames.SIGNING_KEY + ") after nodeimage:push");
            }
            byte[] envelope;
            try {
                envelope = Files.readAllBytes(envelopeFile);
            } catch (IOException e) {
                throw new ConfigurationException(shownDir + "/" + CertificateEnvelope.FILE + " cannot be read: "
                        + e.getMessage(), "certify again");
            }
            String subject = CertificateEnvelope.subjectDigest(envelope, shownDir + "/" + CertificateEnvelope.FILE);
            if (!pushed.digest().equals("sha256:" + subject)) {
                throw new ConfigurationException(p.name() + ": the signed certificate names sha256:" + subject
                        + ", not the pushed manifest " + pushed.digest(), "certify after push, so the certificate "
                        + "names what is in the registry: nodeimage:push nodeimage:certify nodeimage:attach");
            }
            try {
                var registry = io.nodeimage.layers.RegistryWriter.open(pushed.repository(),
                        registryConnection(pushed.repository(), registryCaFile, allowHttp));
                Attachment.Attached a = Attachment.attach(registry, pushed, stripped(envelope));
                Attachment.write(dir, a);
                getLog().info(p.name() + ": attached " + CertificateEnvelope.FILE + " to " + a.subject() + " as "
                        + pushed.repository() + "@" + a.artifact() + (a.fallbackTag() == null ? " (the registry lists referrers)"
                        : "; the registry has no referrers API, so tag " + a.fallbackTag() + " lists it"));
            } catch (IOException e) {
                throw new ConfigurationException(p.name() + ": attaching the certificate to " + pushed.byDigest()
                        + " failed: " + e.getMessage(), "fix the cause and run nodeimage:attach again; "
                        + "what was sent already is reused");
            }
        }
    }

    /** The envelope without its line end: the blob is the JSON document, as cosign and oras store one. */
    private static byte[] stripped(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        return java.util.Arrays.copyOf(line, end);
    }
}
