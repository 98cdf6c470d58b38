package io.nodeimage.inspect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;

/**
 * The signature appended to a module: the PKCS#7 blob, a fixed {@code module_signature} struct, and
 * the {@code ~Module signature appended~\n} trailer. Signer, key id and hash are read from the PKCS#7
 * SignerInfo, as modinfo reports them (issuer CN, serial number, digest).
 *
 * @param signer the signing key's issuer common name, as modinfo's "signer"
 * @param keyId colon-separated hex of the serial number (or subject key identifier), as "sig_key"
 * @param hashAlgorithm such as sha256, as "sig_hashalgo"
 * @param verification the signature checked over the module's bytes against the certificates the
 *     policies trust; null when inspected without certificates
 */
public record ModuleSignature(String signer, String keyId, String hashAlgorithm, Verification verification) {

    public ModuleSignature(String signer, String keyId, String hashAlgorithm) {
        this(signer, keyId, hashAlgorithm, null);
    }

    /**
     * How the signature checked out against the certificates given.
     *
     * @param status valid (a certificate's key verifies it over the module's bytes), invalid (a certificate
     *     names the signer's key, and the signature does not verify: the module or the signature was
     *     changed) or unknown-key (no certificate given holds the signer's key)
     * @param certificate SHA-256 of the certificate's DER that verified it (valid) or failed it (invalid)
     * @param subject that certificate's subject common name
     */
    public record Verification(Status status, String certificate, String subject) {
    }

    public enum Status implements io.nodeimage.yaml.YamlEnum {
        VALID, INVALID, UNKNOWN_KEY
    }

    public ModuleSignature withVerification(Verification v) {
        return new ModuleSignature(signer, keyId, hashAlgorithm, v);
    }

    static final byte[] TRAILER = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
    /** struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], be32 sig_len. */
    static final int STRUCT_SIZE = 12;
    private static final int PKEY_ID_PKCS7 = 2;

    private static final Map<String, String> DIGESTS = Map.of(
            "1.3.14.3.2.26", "sha1",
            "2.16.840.1.101.3.4.2.4", "sha224",
            "2.16.840.1.101.3.4.2.1", "sha256",
            "2.16.840.1.101.3.4.2.2", "sha384",
            "2.16.840.1.101.3.4.2.3", "sha512",
            "2.16.840.1.101.3.4.2.8", "sha3-256",
            "2.16.840.1.101.3.4.2.9", "sha3-384",
            "2.16.840.1.101.3.4.2.10", "sha3-512");

    /**
     * A module's bytes split into what the kernel loads (the first {@code length} bytes of {@code data},
     * not copied: a module can be tens of megabytes) and the signature appended to it, if any.
     *
     * @param pkcs7 the signature's PKCS#7 SignedData; empty when unsigned
     */
    public record Split(byte[] data, int length, Optional<ModuleSignature> signature, byte[] pkcs7) {

        /** A copy of the module without its signature. */
        public byte[] module() {
            return Arrays.copyOf(data, length);
        }
    }

    public static boolean isSigned(byte[] data) {
        return data.length >= TRAILER.length
                && Arrays.equals(data, data.length - TRAILER.length, data.length, TRAILER, 0, TRAILER.length);
    }

    public static Split split(byte[] data) throws ModuleFormatException {
        if (!isSigned(data)) {
            return new Split(data, data.length, Optional.empty(), new byte[0]);
        }
        int structAt = data.length - TRAILER.length - STRUCT_SIZE;
        if (structAt < 0) {
            throw new ModuleFormatException("signature trailer without its module_signature struct");
        }
        ByteBuffer s = ByteBuffer.wrap(data, structAt, STRUCT_SIZE);
        int idType = data[structAt + 2];
        long sigLength = Integer.toUnsignedLong(s.getInt(structAt + 8));
        if (sigLength == 0 || sigLength > structAt) {
            throw new ModuleFormatException("signature length " + sigLength + " does not fit the file");
        }
        int sigAt = structAt - (int) sigLength;
        if (idType != PKEY_ID_PKCS7) {
            throw new ModuleFormatException("signature of id type " + idType + " (only PKCS#7, type 2, exists in kernels since 4.3)");
        }
        byte[] pkcs7 = Arrays.copyOfRange(data, sigAt, structAt);
        return new Split(data, sigAt, Optional.of(parse(pkcs7)), pkcs7);
    }

    static ModuleSignature parse(byte[] pkcs7) throws ModuleFormatException {
        ModuleSignature usual = Pkcs7Signer.read(pkcs7);
        if (usual != null) {
            return usual;
        }
        return parseFully(pkcs7);
    }

    /** With the full CMS parser: every shape, and the verdict on malformed ones. */
    static ModuleSignature parseFully(byte[] pkcs7) throws ModuleFormatException {
        try {
            CMSSignedData signed = new CMSSignedData(pkcs7);
            SignerInformation info = signed.getSignerInfos().getSigners().iterator().next();
            SignerId id = info.getSID();
            String signer = "";
            String keyId;
            if (id.getIssuer() != null) {
                signer = commonName(id.getIssuer());
                keyId = colonHex(id.getSerialNumber().toByteArray());
            } else {
                keyId = colonHex(id.getSubjectKeyIdentifier());
            }
            return new ModuleSignature(signer, keyId, digestName(info.getDigestAlgOID()));
        } catch (CMSException | RuntimeException e) {
            throw new ModuleFormatException("unreadable PKCS#7 signature: " + e.getMessage(), e);
        }
    }

    /** The digest's name as modinfo prints it (sha256), or its OID when it has none. */
    static String digestName(String oid) {
        return DIGESTS.getOrDefault(oid, oid);
    }

    static String commonName(X500Name name) {
        RDN[] cn = name.getRDNs(BCStyle.CN);
        return cn.length > 0 ? IETFUtils.valueToString(cn[0].getFirst().getValue()) : name.toString();
    }

    /** modinfo prints serial numbers without the sign byte ASN.1 may add. */
    static String colonHex(byte[] bytes) {
        int from = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes, from, bytes.length);
        return hex.toUpperCase(Locale.ROOT);
    }
}
