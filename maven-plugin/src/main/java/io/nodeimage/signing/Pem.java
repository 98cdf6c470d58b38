package io.nodeimage.signing;

import io.nodeimage.ConfigurationException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM text ({@code -----BEGIN TYPE----- ... -----END TYPE-----}): their type, their
 * RFC 1421 headers and their DER bytes. Read by hand rather than with a PEM library so that every
 * kind of file a user may name (a certificate, an OpenSSH or cosign key, a legacy encrypted key) gets
 * its own answer; nothing here ever puts the bytes read into a message.
 */
record Pem(String type, List<String> headers, byte[] der) {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    /** Every PEM block of the text, in order; empty when there is none. */
    static List<Pem> blocks(String text, String shown) {
        List<Pem> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            List<String> headers = new ArrayList<>();
            StringBuilder base64 = new StringBuilder();
            for (String line : m.group(2).split("\\r?\\n")) {
                if (line.contains(":")) {
                    headers.add(line.strip());
                } else {
                    base64.append(line.strip());
                }
            }
            try {
                out.add(new Pem(m.group(1), List.copyOf(headers), Base64.getMimeDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(shown + ": its " + m.group(1) + " block is not base64",
                        "the file was damaged in copying; write it again from the original");
            }
        }
        return out;
    }

    /** The one block of a key file; a file with none, or with several, is refused. */
    static Pem single(String text, String shown, String what, String hint) {
        List<Pem> blocks = blocks(text, shown);
        if (blocks.isEmpty()) {
            throw new ConfigurationException(shown + " is not a " + what + ": it holds no PEM block (-----BEGIN ...-----)", hint);
        }
        if (blocks.size() > 1) {
            throw new ConfigurationException(shown + " holds " + blocks.size() + " PEM blocks ("
                    + String.join(", ", blocks.stream().map(Pem::type).toList()) + "); a " + what + " file holds one", hint);
        }
        return blocks.get(0);
    }

    boolean encryptedLegacy() {
        return headers.stream().anyMatch(h -> h.replace(" ", "").equalsIgnoreCase("Proc-Type:4,ENCRYPTED"));
    }
}
