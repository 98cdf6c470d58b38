package io.nodeimage.inspect;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Signer, key id and digest of a module signature in the shape the kernel's sign-file writes: a DER
 * SignedData with one signer named by issuer and serial number, no signed attributes, and an issuer
 * common name of plain characters. A full CMS parser costs about a second of a fresh JVM's time over a
 * distribution's 4,000 modules; this reads only what modinfo prints. Anything else, malformed or merely
 * unusual, is answered with null, and the caller reads it with the full parser, whose verdict stands:
 * where this answers, it answers what that parser would.
 */
final class Pkcs7Signer {

    private static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
    private static final String COMMON_NAME = "2.5.4.3";

    private Pkcs7Signer() {
    }

    /** A DER element: tag, and where its content lies. */
    private record Tlv(int tag, int start, int end) {
        boolean constructed() {
            return (tag & 0x20) != 0;
        }
    }

    /** @return the signature's facts, or null when the full parser must decide */
    static ModuleSignature read(byte[] der) {
        try {
            return parse(der);
        } catch (Malformed e) {
            return null;
        }
    }

    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static ModuleSignature parse(byte[] d) throws Malformed {
        Tlv contentInfo = tlv(d, 0, d.length);
        require(contentInfo.tag() == 0x30 && contentInfo.end() == d.length);
        checkTree(d, contentInfo);
        Tlv type = tlv(d, contentInfo.start(), contentInfo.end());
        require(type.tag() == 0x06 && SIGNED_DATA.equals(oid(d, type)));
        Tlv explicit = tlv(d, type.end(), contentInfo.end());
        require(explicit.tag() == 0xA0 && explicit.end() == contentInfo.end());
        Tlv signedData = tlv(d, explicit.start(), explicit.end());
        require(signedData.tag() == 0x30 && signedData.end() == explicit.end());
        Tlv version = tlv(d, signedData.start(), signedData.end());
        require(version.tag() == 0x02);
        Tlv digestAlgorithms = tlv(d, version.end(), signedData.end());
        require(digestAlgorithms.tag() == 0x31);
        for (int at = digestAlgorithms.start(); at < digestAlgorithms.end(); ) {
            at = algorithm(d, tlv(d, at, digestAlgorithms.end())).end();
        }
        Tlv encapsulated = tlv(d, digestAlgorithms.end(), signedData.end());
        require(encapsulated.tag() == 0x30);
        Tlv contentType = tlv(d, encapsulated.start(), encapsulated.end());
        require(contentType.tag() == 0x06);
        if (contentType.end() < encapsulated.end()) {
            Tlv content = tlv(d, contentType.end(), encapsulated.end());
            require(content.tag() == 0xA0 && content.end() == encapsulated.end());
        }
        Tlv next = tlv(d, encapsulated.end(), signedData.end());
        if (next.tag() == 0xA0) {
            next = tlv(d, next.end(), signedData.end());
        }
        if (next.tag() == 0xA1) {
            next = tlv(d, next.end(), signedData.end());
        }
        require(next.tag() == 0x31 && next.end() == signedData.end());
        Tlv signerInfo = tlv(d, next.start(), next.end());
        require(signerInfo.tag() == 0x30 && signerInfo.end() == next.end());
        Tlv signerVersion = tlv(d, signerInfo.start(), signerInfo.end());
        require(signerVersion.tag() == 0x02);
        Tlv sid = tlv(d, signerVersion.end(), signerInfo.end());
        require(sid.tag() == 0x30);
        Tlv issuer = tlv(d, sid.start(), sid.end());
        require(issuer.tag() == 0x30);
        Tlv serial = tlv(d, issuer.end(), sid.end());
        require(serial.tag() == 0x02 && serial.end() == sid.end());
        Tlv digestAlgorithm = algorithm(d, tlv(d, sid.end(), signerInfo.end()));
        Tlv digestOid = tlv(d, digestAlgorithm.start(), digestAlgorithm.end());
        Tlv signatureAlgorithm = algorithm(d, tlv(d, digestAlgorithm.end(), signerInfo.end()));
        Tlv signature = tlv(d, signatureAlgorithm.end(), signerInfo.end());
        require(signature.tag() == 0x04 && signature.end() == signerInfo.end());

        String digest = oid(d, digestOid);
        byte[] serialNumber = new BigInteger(java.util.Arrays.copyOfRange(d, serial.start(), serial.end())).toByteArray();
        return new ModuleSignature(commonName(d, issuer), ModuleSignature.colonHex(serialNumber),
                ModuleSignature.digestName(digest));
    }

    /** An AlgorithmIdentifier: a sequence of an OID and at most one parameter. */
    private static Tlv algorithm(byte[] d, Tlv t) throws Malformed {
        require(t.tag() == 0x30);
        Tlv id = tlv(d, t.start(), t.end());
        require(id.tag() == 0x06);
        if (id.end() < t.end()) {
            require(tlv(d, id.end(), t.end()).end() == t.end());
        }
        return t;
    }

    /** The issuer's common name, when it is one single-valued RDN of plain printable characters. */
    private static String commonName(byte[] d, Tlv name) throws Malformed {
        String found = null;
        for (int at = name.start(); at < name.end(); ) {
            Tlv rdn = tlv(d, at, name.end());
            require(rdn.tag() == 0x31);
            Tlv attribute = tlv(d, rdn.start(), rdn.end());
            // Several values in one RDN: which one the full parser picks is its business.
            require(attribute.tag() == 0x30 && attribute.end() == rdn.end());
            Tlv type = tlv(d, attribute.start(), attribute.end());
            require(type.tag() == 0x06);
            Tlv value = tlv(d, type.end(), attribute.end());
            require(value.end() == attribute.end());
            if (found == null && COMMON_NAME.equals(oid(d, type))) {
                // UTF8String or PrintableString of characters the full parser prints as they are.
                require(value.tag() == 0x0C || value.tag() == 0x13);
                require(value.end() > value.start() && d[value.start()] != ' ' && d[value.end() - 1] != ' '
                        && d[value.start()] != '#');
                for (int i = value.start(); i < value.end(); i++) {
                    require(d[i] >= 0x20 && d[i] < 0x7F && ",\"\\+=<>;".indexOf(d[i]) < 0);
                }
                found = new String(d, value.start(), value.end() - value.start(), StandardCharsets.US_ASCII);
            }
            at = rdn.end();
        }
        require(found != null);
        return found;
    }

    /** Every element below {@code t} well formed: definite lengths nesting exactly, minimal integers, sound OIDs. */
    private static void checkTree(byte[] d, Tlv t) throws Malformed {
        if (t.constructed()) {
            // Sequences, sets and context tags; a constructed string or NULL is BER's, not DER's.
            require(t.tag() == 0x30 || t.tag() == 0x31 || (t.tag() & 0xE0) == 0xA0);
            for (int at = t.start(); at < t.end(); ) {
                Tlv child = tlv(d, at, t.end());
                checkTree(d, child);
                at = child.end();
            }
            return;
        }
        int length = t.end() - t.start();
        switch (t.tag()) {
            case 0x02 -> require(length > 0 && (length == 1
                    || !(d[t.start()] == 0 && d[t.start() + 1] >= 0) && !(d[t.start()] == -1 && d[t.start() + 1] < 0)));
            case 0x06 -> oid(d, t);
            case 0x05 -> require(length == 0);
            case 0x01 -> require(length == 1);
            case 0x04, 0x0C, 0x13, 0x16, 0x80 -> {
                // Octets and strings: any content.
            }
            default -> throw new Malformed();
        }
    }

    private static Tlv tlv(byte[] d, int at, int limit) throws Malformed {
        require(at + 2 <= limit);
        int tag = d[at] & 0xff;
        require((tag & 0x1f) != 0x1f);
        int first = d[at + 1] & 0xff;
        int start = at + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7f;
            require(octets >= 1 && octets <= 3 && start + octets <= limit && d[start] != 0);
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = length << 8 | (d[start + i] & 0xff);
            }
            // DER: the long form only for lengths the short form cannot say.
            require(length >= 0x80);
            start += octets;
        }
        require(start + length <= limit);
        return new Tlv(tag, start, (int) (start + length));
    }

    private static String oid(byte[] d, Tlv t) throws Malformed {
        require(t.end() > t.start() && d[t.end() - 1] >= 0);
        StringBuilder out = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = t.start(); i < t.end(); i++) {
            int b = d[i] & 0xff;
            require(value != 0 || b != 0x80);
            require(value < (1L << 48));
            value = value << 7 | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    int arc = value < 40 ? 0 : value < 80 ? 1 : 2;
                    out.append(arc).append('.').append(value - 40L * arc);
                    first = false;
                } else {
                    out.append('.').append(value);
                }
                value = 0;
            }
        }
        return out.toString();
    }

    private static void require(boolean condition) throws Malformed {
        if (!condition) {
            throw new Malformed();
        }
    }
}
