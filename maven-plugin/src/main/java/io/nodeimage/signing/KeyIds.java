package io.nodeimage.signing;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import java.security.PublicKey;
import java.util.Locale;

/**
 * A public key's id: the SHA-256, in lower-case hex, of its DER SubjectPublicKeyInfo as the JDK
 * encodes it (a named curve, the point uncompressed), which is what
 * {@code openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum} prints. The envelope's
 * {@code keyid} and a fingerprint pinned in the POM are this.
 */
public final class KeyIds {

    private KeyIds() {
    }

    public static String of(PublicKey key) {
        return Digests.sha256(key.getEncoded());
    }

    /**
     * A pinned fingerprint as written: {@code sha256:<hex>}, {@code SHA256:<hex>} or the bare hex, any
     * case, with or without colons between the bytes (openssl's {@code -c} form).
     *
     * @param where the parameter it was given in, for the error
     */
    public static String parse(String pinned, String where) {
        String s = pinned.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256:") || s.startsWith("sha256=")) {
            s = s.substring("sha256:".length());
        }
        s = s.replace(":", "");
        if (!s.matches("[0-9a-f]{64}")) {
            throw new ConfigurationException(where + " '" + pinned + "' is not a SHA-256 fingerprint",
                    "write sha256: and the 64 hex digits of the public key's fingerprint, as "
                            + "openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum prints them");
        }
        return s;
    }
}
