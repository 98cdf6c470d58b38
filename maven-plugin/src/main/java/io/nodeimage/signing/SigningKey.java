package io.nodeimage.signing;

import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A private key to sign certificates with, read from PEM: PKCS#8 ({@code PRIVATE KEY}), encrypted
 * PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, opened with a passphrase) or SEC1 ({@code EC PRIVATE KEY}).
 * The JDK signs; Bouncy Castle, already on the plugin's class path for module signatures, does what
 * the JDK cannot: open PBES2 and scrypt encrypted keys, and derive the public key (for the key id)
 * from the private one. Its {@link #toString()} names the algorithm and key id, never the key.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final KeyAlgorithm algorithm;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey, KeyAlgorithm algorithm) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.algorithm = algorithm;
    }

    /**
     * @param pem the key file's text
     * @param shown how the key is named in errors: a file as shown, or the environment variable
     * @param passphrase asked only when the key is encrypted; null or empty when none was given
     */
    public static SigningKey read(String pem, String shown, Supplier<char[]> passphrase) {
        Pem block = Pem.single(pem, shown, "private key", KeyAlgorithm.MAKE_ONE);
        PrivateKeyInfo info = switch (block.type()) {
            case "PRIVATE KEY" -> pkcs8(block.der(), shown);
            case "ENCRYPTED PRIVATE KEY" -> decrypt(block.der(), shown, passphrase);
            case "EC PRIVATE KEY" -> sec1(block, shown);
            case "PUBLIC KEY", "CERTIFICATE" -> throw new ConfigurationException(shown + " holds a "
                    + block.type().toLowerCase(java.util.Locale.ROOT) + ", not a private key",
                    "certify signs with the private key; check-certificate takes the public one");
            case "RSA PRIVATE KEY" -> throw unsupported(shown, "RSA");
            case "OPENSSH PRIVATE KEY" -> throw new ConfigurationException(shown + " is an OpenSSH private key",
                    "nodeimage reads PKCS#8 PEM keys; convert a copy with: ssh-keygen -p -m PKCS8 -f <copy of the key>");
            case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY" -> throw new ConfigurationException(
                    shown + " is a cosign key, which only cosign opens",
                    "make the key with openssl (PKCS#8 PEM) and give cosign the same key with: cosign import-key-pair --key <key.pem>");
            default -> throw new ConfigurationException(shown + " holds a " + block.type() + " block, not a private key",
                    KeyAlgorithm.MAKE_ONE);
        };
        KeyAlgorithm algorithm = KeyAlgorithm.of(info.getPrivateKeyAlgorithm())
                .orElseThrow(() -> unsupported(shown, KeyAlgorithm.describe(info.getPrivateKeyAlgorithm())));
        try {
            SubjectPublicKeyInfo spki = publicHalf(info, algorithm);
            KeyFactory factory = KeyFactory.getInstance(algorithm.keyFactory());
            // Version 1 with the key alone: the JDK's readers refuse some of what OpenSSL adds (the public key, attributes).
            PrivateKeyInfo plain = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey());
            PrivateKey priv = factory.generatePrivate(new PKCS8EncodedKeySpec(plain.getEncoded("DER")));
            PublicKey pub = factory.generatePublic(new X509EncodedKeySpec(spki.getEncoded("DER")));
            return new SigningKey(priv, pub, algorithm);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new ConfigurationException(shown + " is not a usable " + algorithm.label() + " private key ("
                    + e.getClass().getSimpleName() + ")", KeyAlgorithm.MAKE_ONE);
        }
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The public key's SHA-256 fingerprint (see {@link KeyIds}). */
    public String keyId() {
        return KeyIds.of(publicKey);
    }

    /** The signature over {@code data}: ASN.1 DER for ECDSA, 64 bytes for Ed25519. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm.signature());
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with " + algorithm.label() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return algorithm.label() + " key sha256:" + keyId();
    }

    private static PrivateKeyInfo pkcs8(byte[] der, String shown) {
        try {
            return PrivateKeyInfo.getInstance(der);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(shown + " is not a private key: its PRIVATE KEY block is not PKCS#8",
                    KeyAlgorithm.MAKE_ONE);
        }
    }

    private static PrivateKeyInfo decrypt(byte[] der, String shown, Supplier<char[]> passphrase) {
        char[] secret = passphrase == null ? null : passphrase.get();
        if (secret == null || secret.length == 0) {
            throw new ConfigurationException("the signing key " + shown + " is encrypted, and no passphrase was given",
                    "give it in settings.xml (a <server> with the id nodeimage.certify.signingKeyServer names, its "
                            + "<passphrase> or <password>, encrypted with mvn --encrypt-password) or in the "
                            + "environment variable " + SigningKeys.PASSPHRASE_VARIABLE);
        }
        try {
            PKCS8EncryptedPrivateKeyInfo encrypted = new PKCS8EncryptedPrivateKeyInfo(der);
            return encrypted.decryptPrivateKeyInfo(new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Providers.bouncyCastle()).build(secret));
        } catch (PKCSException | IllegalArgumentException | IllegalStateException e) {
            // A wrong passphrase shows as bad padding, or as bytes that are no key: one answer for both.
            throw new ConfigurationException("the passphrase given does not open the signing key " + shown,
                    "check the passphrase in settings.xml or " + SigningKeys.PASSPHRASE_VARIABLE + " (it is not shown)");
        } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new ConfigurationException(shown + " is not a readable encrypted PKCS#8 key ("
                    + e.getClass().getSimpleName() + ")", KeyAlgorithm.MAKE_ONE);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static PrivateKeyInfo sec1(Pem block, String shown) {
        if (block.encryptedLegacy()) {
            throw new ConfigurationException(shown + " is encrypted the legacy OpenSSL way (Proc-Type: 4,ENCRYPTED)",
                    "convert it to encrypted PKCS#8: openssl pkcs8 -topk8 -v2 aes-256-cbc -in <key> -out signing-key.pem");
        }
        try {
            ECPrivateKey ec = ECPrivateKey.getInstance(block.der());
            if (!(ec.getParametersObject() instanceof ASN1ObjectIdentifier curve)) {
                throw unsupported(shown, "ECDSA with explicit curve parameters");
            }
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
        } catch (IllegalArgumentException | IOException e) {
            throw new ConfigurationException(shown + " is not a private key: its EC PRIVATE KEY block is not SEC1",
                    KeyAlgorithm.MAKE_ONE);
        }
    }

    /** The public key, computed from the private one: a public key stored beside it in the file is not trusted. */
    private static SubjectPublicKeyInfo publicHalf(PrivateKeyInfo info, KeyAlgorithm algorithm) throws IOException {
        if (algorithm == KeyAlgorithm.ED25519) {
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            byte[] pub = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
            Arrays.fill(seed, (byte) 0);
            return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), pub);
        }
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        X9ECParameters curve = ECNamedCurveTable.getByOID(algorithm.curve());
        byte[] point = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize().getEncoded(false);
        return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), point);
    }

    private static ConfigurationException unsupported(String shown, String what) {
        return new ConfigurationException(shown + " holds a key nodeimage cannot sign with (" + what + "); it signs with " + KeyAlgorithm.SUPPORTED,
                KeyAlgorithm.MAKE_ONE);
    }
}
