package io.nodeimage.layers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests as OCI writes them ({@code sha256:<hex>}, {@code sha512:<hex>}), and streams that compute them. */
final class Digest {

    private Digest() {
    }

    /** Whether {@code digest} is one this reader can check; anything else is refused before use. */
    static boolean valid(String digest) {
        return digest != null && (digest.matches("sha256:[0-9a-f]{64}") || digest.matches("sha512:[0-9a-f]{128}"));
    }

    static MessageDigest algorithm(String digest) {
        try {
            return MessageDigest.getInstance(digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String of(byte[] bytes, String like) {
        MessageDigest md = algorithm(like);
        return like.substring(0, like.indexOf(':') + 1) + HexFormat.of().formatHex(md.digest(bytes));
    }

    static String sha256(byte[] bytes) {
        return of(bytes, "sha256:");
    }

    /** Checks small content (a manifest, a configuration) against the digest it was asked for by. */
    static void check(byte[] bytes, String expected, String what) throws LayerException {
        String actual = of(bytes, expected);
        if (!actual.equals(expected)) {
            throw new LayerException(what + " is " + actual + ", not " + expected + " as it was named: "
                    + "the source holds other bytes under that digest");
        }
    }

    /** Counts and digests what passes through it; refuses to pass more than {@code limit} bytes. */
    static final class Counting extends FilterInputStream {
        private final MessageDigest md;
        private final String prefix;
        private final long limit;
        private final String overLimit;
        long count;

        /** @param like the digest expected, for its algorithm; null to count only (nothing to check against) */
        Counting(InputStream in, String like, long limit, String overLimit) {
            super(in);
            this.md = like == null ? null : algorithm(like);
            this.prefix = like == null ? "sha256:" : like.substring(0, like.indexOf(':') + 1);
            this.limit = limit;
            this.overLimit = overLimit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (md != null) {
                    md.update(b, off, n);
                }
                count += n;
                if (count > limit) {
                    throw new LayerException(overLimit);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be digested too.
            byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        /** Reads to the end, so that the digest covers everything. */
        void drain() throws IOException {
            byte[] buffer = new byte[1 << 16];
            while (read(buffer, 0, buffer.length) >= 0) {
                // Digested as it passes.
            }
        }

        /** The digest of what passed; null when counting only. */
        String digest() {
            return md == null ? null : prefix + HexFormat.of().formatHex(md.digest());
        }
    }
}
