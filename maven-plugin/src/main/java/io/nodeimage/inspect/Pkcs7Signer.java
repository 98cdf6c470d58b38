package io.nodeimage.inspect;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;

/**
 * Signer, key id and digest of a module signature, read with BouncyCastle's ASN.1 structures of CMS
 * (RFC 5652) rather than its CMSSignedData: that one also prepares certificate stores and digest
 * calculators a signature reading never uses, about a second of a fresh JVM's time over a
 * distribution's 4,000 modules. Only DER in the shape sign-file writes (one signer) is answered here;
 * anything else, malformed or merely unusual, gets null, and the caller reads it with the full parser,
 * whose verdict stands.
 */
final class Pkcs7Signer {

    private Pkcs7Signer() {
    }

    /** @return the signature's facts, or null when the full parser must decide */
    static ModuleSignature read(byte[] der) {
        try {
            ASN1Primitive root = ASN1Primitive.fromByteArray(der);
            // Re-encoding must give the same bytes: strict DER, nothing after the structure.
            if (root == null || !java.util.Arrays.equals(root.getEncoded(ASN1Encoding.DER), der)) {
                return null;
            }
            ContentInfo info = ContentInfo.getInstance(root);
            if (!CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                return null;
            }
            SignedData signed = SignedData.getInstance(info.getContent());
            if (signed.getSignerInfos().size() != 1) {
                return null;
            }
            SignerInfo signer = SignerInfo.getInstance(signed.getSignerInfos().getObjectAt(0));
            SignerIdentifier sid = signer.getSID();
            String digest = ModuleSignature.digestName(signer.getDigestAlgorithm().getAlgorithm().getId());
            if (sid.isTagged()) {
                return new ModuleSignature("", ModuleSignature.colonHex(
                        ASN1OctetString.getInstance(sid.getId()).getOctets()), digest);
            }
            IssuerAndSerialNumber issuer = IssuerAndSerialNumber.getInstance(sid.getId());
            return new ModuleSignature(ModuleSignature.commonName(issuer.getName()),
                    ModuleSignature.colonHex(issuer.getSerialNumber().getValue().toByteArray()), digest);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
