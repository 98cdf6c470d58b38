package io.nodeimage.signing;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The keys nodeimage signs and verifies with, and the signature each makes as sigstore (cosign) and
 * in-toto tooling expect it: ECDSA with the hash that matches the curve, the signature ASN.1 DER
 * (r, s); Ed25519 over the message itself. RSA is left out on purpose: cosign signs RSA keys with
 * PKCS#1 v1.5 and in-toto's Go library with PSS, so no one choice would be read by both.
 */
public enum KeyAlgorithm {
    ECDSA_P256("ECDSA P-256", "EC", "SHA256withECDSA", SECObjectIdentifiers.secp256r1),
    ECDSA_P384("ECDSA P-384", "EC", "SHA384withECDSA", SECObjectIdentifiers.secp384r1),
    ECDSA_P521("ECDSA P-521", "EC", "SHA512withECDSA", SECObjectIdentifiers.secp521r1),
    ED25519("Ed25519", "Ed25519", "Ed25519", null);

    private final String label;
    private final String keyFactory;
    private final String signature;
    private final ASN1ObjectIdentifier curve;

    KeyAlgorithm(String label, String keyFactory, String signature, ASN1ObjectIdentifier curve) {
        this.label = label;
        this.keyFactory = keyFactory;
        this.signature = signature;
        this.curve = curve;
    }

    /** How people name it: "ECDSA P-256". */
    public String label() {
        return label;
    }

    String keyFactory() {
        return keyFactory;
    }

    /** The JDK's name of the signature algorithm. */
    public String signature() {
        return signature;
    }

    ASN1ObjectIdentifier curve() {
        return curve;
    }

    /** The algorithm a key's AlgorithmIdentifier names, when nodeimage supports it. */
    static Optional<KeyAlgorithm> of(AlgorithmIdentifier id) {
        if (EdECObjectIdentifiers.id_Ed25519.equals(id.getAlgorithm())) {
            return Optional.of(ED25519);
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(id.getAlgorithm())) {
            ASN1Encodable params = id.getParameters();
            for (KeyAlgorithm a : values()) {
                if (a.curve != null && a.curve.equals(params)) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    /** A name for an algorithm nodeimage does not sign with, for the error. */
    static String describe(AlgorithmIdentifier id) {
        ASN1ObjectIdentifier oid = id.getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return id.getParameters() instanceof ASN1ObjectIdentifier c ? "ECDSA on curve " + c.getId()
                    : "ECDSA with explicit curve parameters";
        }
        if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return "RSA";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return "Ed448";
        }
        return "algorithm " + oid.getId();
    }

    static final String SUPPORTED = "ECDSA P-256 (or P-384, P-521) and Ed25519";

    static final String MAKE_ONE = "make one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing-key.pem";
}
