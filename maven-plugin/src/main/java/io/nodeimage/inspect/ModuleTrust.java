package io.nodeimage.inspect;

import io.nodeimage.Digests;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks module signatures the way the kernel does: the PKCS#7 SignerInfo names a key (issuer and serial
 * number, or subject key identifier); a certificate holding that key verifies the signature over the
 * module's bytes. Names alone prove nothing: anyone can make a certificate with any common name.
 */
public final class ModuleTrust {

    /** No certificates: signatures are read, not verified. */
    public static final ModuleTrust NONE = new ModuleTrust(List.of());

    private record Known(X509Certificate certificate, X509CertificateHolder holder, String fingerprint, String subject) {
    }

    private final List<Known> known;
    /** SHA-256 over the certificates' fingerprints in order: what cached verifications were made against. */
    private final String digest;

    public ModuleTrust(List<X509Certificate> certificates) {
        Map<String, Known> byFingerprint = new LinkedHashMap<>();
        for (X509Certificate c : certificates) {
            try {
                X509CertificateHolder holder = new X509CertificateHolder(c.getEncoded());
                String fingerprint = Digests.sha256(c.getEncoded());
                byFingerprint.putIfAbsent(fingerprint, new Known(c, holder, fingerprint,
                        ModuleSignature.commonName(X500Name.getInstance(holder.getSubject()))));
            } catch (CertificateEncodingException | java.io.IOException e) {
                throw new IllegalArgumentException("a parsed certificate cannot be encoded again", e);
            }
        }
        this.known = List.copyOf(byFingerprint.values());
        this.digest = Digests.sha256(String.join("\n", new java.util.TreeSet<>(byFingerprint.keySet())));
    }

    /** These certificates and {@code more}. */
    public ModuleTrust plus(List<X509Certificate> more) {
        List<X509Certificate> all = new ArrayList<>();
        known.forEach(k -> all.add(k.certificate()));
        all.addAll(more);
        return new ModuleTrust(all);
    }

    /** Identifies the set of certificates, whatever their order: equal sets verify alike. */
    public String digest() {
        return digest;
    }

    public boolean isEmpty() {
        return known.isEmpty();
    }

    /**
     * @param module the bytes the signature covers: the module without its appended signature
     * @param pkcs7 the signature's SignedData
     * @return null when there are no certificates to check against
     */
    public ModuleSignature.Verification verify(byte[] module, byte[] pkcs7) throws ModuleFormatException {
        return verify(module, module.length, pkcs7);
    }

    /** As {@link #verify(byte[], byte[])}, over the first {@code length} bytes, without copying them. */
    public ModuleSignature.Verification verify(byte[] data, int length, byte[] pkcs7) throws ModuleFormatException {
        if (known.isEmpty()) {
            return null;
        }
        SignerInformation signer;
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(new Prefix(data, length), pkcs7);
            signer = signed.getSignerInfos().getSigners().iterator().next();
        } catch (CMSException | RuntimeException e) {
            throw new ModuleFormatException("unreadable PKCS#7 signature: " + e.getMessage(), e);
        }
        List<Known> candidates = new ArrayList<>();
        for (Known k : known) {
            if (signer.getSID().match(k.holder())) {
                candidates.add(k);
            }
        }
        if (candidates.isEmpty()) {
            return new ModuleSignature.Verification(ModuleSignature.Status.UNKNOWN_KEY, null, null);
        }
        // An impostor certificate may copy the issuer and serial of the real one: try every candidate.
        for (Known k : candidates) {
            if (verifies(signer, k)) {
                return new ModuleSignature.Verification(ModuleSignature.Status.VALID, k.fingerprint(), k.subject());
            }
        }
        Known first = candidates.get(0);
        return new ModuleSignature.Verification(ModuleSignature.Status.INVALID, first.fingerprint(), first.subject());
    }

    /** The signed content: a prefix of the module's bytes. */
    private record Prefix(byte[] data, int length) implements org.bouncycastle.cms.CMSTypedData {
        @Override
        public org.bouncycastle.asn1.ASN1ObjectIdentifier getContentType() {
            return org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data;
        }

        @Override
        public void write(java.io.OutputStream out) throws java.io.IOException {
            out.write(data, 0, length);
        }

        @Override
        public Object getContent() {
            return java.util.Arrays.copyOf(data, length);
        }
    }

    private static boolean verifies(SignerInformation signer, Known k) {
        try {
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(k.certificate()));
        } catch (CMSException e) {
            // A digest that does not match the content (with signed attributes) is a failed verification.
            return false;
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no verifier for " + k.certificate().getPublicKey().getAlgorithm(), e);
        }
    }
}
