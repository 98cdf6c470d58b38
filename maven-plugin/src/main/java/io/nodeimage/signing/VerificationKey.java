package io.nodeimage.signing;

import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A public key to check certificate signatures with, read from PEM: a {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo, as {@code openssl pkey -pubout} and {@code cosign generate-key-pair} write
 * it) or a {@code CERTIFICATE}, whose key is used. The JDK verifies.
 */
public final class VerificationKey {

    private final PublicKey key;
    private final KeyAlgorithm algorithm;

    private VerificationKey(PublicKey key, KeyAlgorithm algorithm) {
        this.key = key;
        this.algorithm = algorithm;
    }

    private static final String MAKE_ONE = "give the public half of the signing key: openssl pkey -in signing-key.pem -pubout -out signing-key.pub.pem";

    public static VerificationKey read(Path file, String shown) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("the public key " + shown + " does not exist", MAKE_ONE);
        }
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new ConfigurationException(shown + " is not a public key: it is larger than 64 KiB", MAKE_ONE);
            }
            return read(Files.readString(file, StandardCharsets.ISO_8859_1), shown);
        } catch (IOException e) {
            throw new ConfigurationException("the public key " + shown + " cannot be read: " + e.getMessage(),
                    "check the file's permissions");
        }
    }

    /**
     * The key in {@code file}, which must have the fingerprint pinned (sha256:hex, as {@code pinName} takes it)
     * when one is: a swapped key file is not trusted. No pin (null or blank): any key.
     */
    public static VerificationKey pinned(Path file, String shown, String fingerprint, String pinName) {
        VerificationKey key = read(file, shown);
        if (fingerprint != null && !fingerprint.isBlank()) {
            String pinned = KeyIds.parse(fingerprint, pinName);
            if (!pinned.equals(key.keyId())) {
                throw new ConfigurationException("the public key " + shown + " is sha256:" + key.keyId()
                        + ", not the key pinned in " + pinName + " (sha256:" + pinned + ")",
                        "give the signer's public key; if the signing key was replaced on purpose, pin the new fingerprint");
            }
        }
        return key;
    }

    public static VerificationKey read(String pem, String shown) {
        Pem block = Pem.single(pem, shown, "public key", MAKE_ONE);
        SubjectPublicKeyInfo spki;
        try {
            spki = switch (block.type()) {
                case "PUBLIC KEY" -> SubjectPublicKeyInfo.getInstance(block.der());
                case "CERTIFICATE" -> new X509CertificateHolder(block.der()).getSubjectPublicKeyInfo();
                case "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
                     "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY" -> throw new ConfigurationException(
                        shown + " holds a private key, where the public key was asked for",
                        "keep the private key with the signer; " + MAKE_ONE);
                default -> throw new ConfigurationException(shown + " holds a " + block.type() + " block, not a public key",
                        MAKE_ONE);
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException(shown + " is not a public key: its " + block.type() + " block cannot be read",
                    MAKE_ONE);
        }
        KeyAlgorithm algorithm = KeyAlgorithm.of(spki.getAlgorithm()).orElseThrow(() -> new ConfigurationException(
                shown + " holds a key nodeimage cannot check signatures with (" + KeyAlgorithm.describe(spki.getAlgorithm()) + "); it checks signatures by "
                        + KeyAlgorithm.SUPPORTED, MAKE_ONE));
        try {
            PublicKey key = KeyFactory.getInstance(algorithm.keyFactory()).generatePublic(new X509EncodedKeySpec(spki.getEncoded("DER")));
            return new VerificationKey(key, algorithm);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException(shown + " is not a usable " + algorithm.label() + " public key ("
                    + e.getClass().getSimpleName() + ")", MAKE_ONE);
        }
    }

    /** The key of a signing key, for tests and for checking what was just signed. */
    public static VerificationKey of(SigningKey signer) {
        return new VerificationKey(signer.publicKey(), signer.algorithm());
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /** The SHA-256 fingerprint (see {@link KeyIds}). */
    public String keyId() {
        return KeyIds.of(key);
    }

    /** What checking a signature found. */
    public enum Outcome { VALID, INVALID, MALFORMED }

    /** Whether {@code signature} is this key's over {@code data}; MALFORMED when it is no signature of this kind at all. */
    public Outcome verify(byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm.signature());
            s.initVerify(key);
            s.update(data);
            return s.verify(signature) ? Outcome.VALID : Outcome.INVALID;
        } catch (SignatureException e) {
            // The JDK throws for an ECDSA signature that is not DER, or an Ed25519 one that is not 64 bytes.
            return Outcome.MALFORMED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot verify " + algorithm.label() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return algorithm.label() + " key sha256:" + keyId();
    }
}
