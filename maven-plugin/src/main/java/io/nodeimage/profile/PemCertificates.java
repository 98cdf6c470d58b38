package io.nodeimage.profile;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text that holds only X.509 certificates: one or more {@code CERTIFICATE} blocks, each of which
 * the JDK's certificate factory parses. A trust anchor that does not parse here would be skipped or
 * refused by update-ca-certificates or update-ca-trust inside the image, where nobody looks.
 */
public final class PemCertificates {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----");

    private PemCertificates() {
    }

    /** One certificate: its PEM block as written back out (64-column base64, a final newline), and the parsed form. */
    public record Block(String pem, X509Certificate certificate) {
    }

    /**
     * The certificate blocks of {@code text}, in order.
     *
     * @throws IllegalArgumentException naming what is wrong, when the text is anything else
     */
    public static List<Block> parse(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        int end = 0;
        while (m.find()) {
            String between = text.substring(end, m.start());
            if (!between.isBlank()) {
                throw new IllegalArgumentException(outside(between, blocks.size()));
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificate " + (blocks.size() + 1) + " is not valid base64");
            }
            X509Certificate certificate;
            try {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException | RuntimeException e) {
                throw new IllegalArgumentException("certificate " + (blocks.size() + 1)
                        + " does not parse as X.509 (" + e.getMessage() + ")");
            }
            blocks.add(new Block(pem(der), certificate));
            end = m.end();
        }
        String rest = text.substring(end);
        if (!rest.isBlank()) {
            throw new IllegalArgumentException(outside(rest, blocks.size()));
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no -----BEGIN CERTIFICATE----- block");
        }
        return List.copyOf(blocks);
    }

    private static String outside(String text, int after) {
        String first = text.strip().lines().findFirst().orElse("");
        if (first.length() > 40) {
            first = first.substring(0, 40) + "...";
        }
        return "'" + first + "' " + (after == 0 ? "comes before the first certificate" : "follows certificate " + after)
                + "; only CERTIFICATE blocks may be given";
    }

    /** One DER certificate as a PEM block, 64 characters a line, as openssl writes it. */
    public static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }
}
