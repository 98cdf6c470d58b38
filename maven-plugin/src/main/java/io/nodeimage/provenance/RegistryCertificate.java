package io.nodeimage.provenance;

import io.nodeimage.ViolationException;
import io.nodeimage.layers.RegistryWriter;
import io.nodeimage.push.AttachedCertificates;
import io.nodeimage.signing.VerificationKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The certificate of an image in a registry, for someone who has only the image's digest and the signer's
 * public key: of the envelopes attached to the image, the one whose signature verifies with the key (checked
 * before anything in it is read) and whose statement names this digest as its subject.
 */
public final class RegistryCertificate {

    private RegistryCertificate() {
    }

    /**
     * @param reference {@code <registry>/<repository>@sha256:<hex>}
     * @param log receives what was found and verified
     * @throws ViolationException naming why no attached certificate holds: none attached, none signed by the key
     *     (an unknown key), a bad signature or a statement edited after signing, or a statement for another digest
     */
    public static CertificateCheck.Claims trusted(String reference, RegistryWriter.Connection connection, VerificationKey key,
                                                  Consumer<String> log) {
        List<AttachedCertificates.Found> found = AttachedCertificates.find(reference, connection);
        String digest = reference.substring(reference.indexOf('@') + 1);
        if (found.isEmpty()) {
            throw new ViolationException(reference + ": no signed certificate is attached to it (no referrer of type "
                    + io.nodeimage.push.Attachment.DSSE + ")", "certify the image after pushing it, then run "
                    + "nodeimage:attach; or check the digest");
        }
        List<String> reasons = new ArrayList<>();
        boolean unknownKeyOnly = true;
        for (AttachedCertificates.Found f : found) {
            String shown = "the certificate " + f.artifact() + " attached to " + reference;
            byte[] statement;
            try {
                statement = CertificateEnvelope.open(f.envelope(), shown, key);
            } catch (ViolationException e) {
                unknownKeyOnly &= e.getMessage().contains("an unknown key");
                reasons.add(e.getMessage());
                continue;
            }
            unknownKeyOnly = false;
            CertificateCheck.Claims claims = CertificateCheck.read(statement, shown + " (signed payload)");
            if (!digest.equals("sha256:" + claims.subjectDigest())) {
                reasons.add(shown + ": its signature verifies, but it certifies sha256:" + claims.subjectDigest() + " ("
                        + claims.subjectName() + "), not " + digest + ": an envelope for another digest");
                continue;
            }
            log.accept(shown + ": signature verified with the " + key + "; it certifies " + claims.subjectName() + "@" + digest);
            return claims;
        }
        throw new ViolationException("no certificate attached to " + reference + " holds" + (unknownKeyOnly
                ? ": none is signed by the key given (" + key + "), an unknown key" : "") + ":" + System.lineSeparator()
                + "  " + String.join(System.lineSeparator() + "  ", reasons),
                "nothing attached was trusted; check that the public key is the CI's, and that the image was certified "
                        + "after it was pushed");
    }
}
