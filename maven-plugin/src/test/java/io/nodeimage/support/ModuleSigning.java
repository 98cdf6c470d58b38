package io.nodeimage.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

/**
 * Module signing as the kernel's scripts/sign-file does it, with openssl: a detached PKCS#7 (CMS) over
 * the module's bytes, no signed attributes, no certificates, the signer named by issuer and serial;
 * then the module_signature struct and the "~Module signature appended~" trailer. And the certificates
 * a kernel trusts, read from its vmlinuz. openssl missing: skipped on a laptop, a failure in CI.
 */
public final class ModuleSigning {

    private static final byte[] TRAILER = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);

    private ModuleSigning() {
    }

    /** A key and a self-signed certificate made by openssl; returns the certificate's path (key beside it). */
    public static Path certificate(Path dir, String name, String commonName, String serial) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        run(dir, "openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
                "-subj", "/CN=" + commonName, "-set_serial", serial, "-addext", "subjectKeyIdentifier=hash",
                "-keyout", key.toString(), "-out", cert.toString());
        return cert;
    }

    /** The module (without any signature) signed with the certificate's key. */
    public static byte[] sign(Path dir, byte[] module, Path certificate) throws Exception {
        Path in = Files.createTempFile(dir, "module", ".bin");
        Path sig = Files.createTempFile(dir, "module", ".p7s");
        Files.write(in, module);
        Path key = certificate.resolveSibling(certificate.getFileName().toString().replace(".pem", ".key"));
        run(dir, "openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts", "-nosmimecap", "-md", "sha256",
                "-signer", certificate.toString(), "-inkey", key.toString(), "-in", in.toString(),
                "-outform", "DER", "-out", sig.toString());
        byte[] pkcs7 = Files.readAllBytes(sig);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(module);
        out.write(pkcs7);
        // struct module_signature: algo, hash, id_type (2: PKCS#7), signer_len, key_id_len, pad[3], be32 sig_len
        ByteBuffer struct = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        struct.put((byte) 0).put((byte) 0).put((byte) 2).put((byte) 0).put((byte) 0).put(new byte[3]).putInt(pkcs7.length);
        out.write(struct.array());
        out.write(TRAILER);
        return out.toByteArray();
    }

    /** openssl's own verdict on a signed module: does the signature verify with this certificate's key? */
    public static boolean opensslVerifies(Path dir, byte[] signedModule, Path certificate) throws Exception {
        int structAt = signedModule.length - TRAILER.length - 12;
        int sigLength = ByteBuffer.wrap(signedModule, structAt + 8, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        Path content = Files.createTempFile(dir, "content", ".bin");
        Path sig = Files.createTempFile(dir, "sig", ".p7s");
        Files.write(content, java.util.Arrays.copyOfRange(signedModule, 0, structAt - sigLength));
        Files.write(sig, java.util.Arrays.copyOfRange(signedModule, structAt - sigLength, structAt));
        Process p = new ProcessBuilder("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
                "-content", content.toString(), "-certfile", certificate.toString(), "-nointern", "-noverify",
                "-out", "/dev/null").directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * The X.509 certificates built into a kernel image (its system keyring), found in the decompressed
     * vmlinux. Debian's cloud kernel is compressed with LZ4 in its legacy frame format.
     */
    public static List<X509Certificate> builtInCertificates(Path vmlinuz) throws Exception {
        byte[] image = Files.readAllBytes(vmlinuz);
        byte[] vmlinux = lz4Legacy(image, indexOf(image, new byte[] {0x02, 0x21, 0x4c, 0x18}));
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (int i = 0; i + 8 < vmlinux.length; i++) {
            // SEQUENCE (long form, 2 length bytes) holding a SEQUENCE: the shape of a DER certificate.
            if (vmlinux[i] != 0x30 || vmlinux[i + 1] != (byte) 0x82 || vmlinux[i + 4] != 0x30 || vmlinux[i + 5] != (byte) 0x82) {
                continue;
            }
            int length = ((vmlinux[i + 2] & 0xff) << 8 | (vmlinux[i + 3] & 0xff)) + 4;
            if (i + length > vmlinux.length) {
                continue;
            }
            try (InputStream in = new java.io.ByteArrayInputStream(vmlinux, i, length)) {
                out.add((X509Certificate) factory.generateCertificate(in));
                i += length - 1;
            } catch (java.security.cert.CertificateException e) {
                // Bytes of that shape that are not a certificate.
            }
        }
        return out;
    }

    private static byte[] lz4Legacy(byte[] data, int at) throws IOException {
        if (at < 0) {
            throw new IOException("no LZ4 legacy frame in the kernel image");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = at + 4;
        while (pos + 4 <= data.length) {
            int size = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            // Blocks are at most the compressed bound of 8 MiB; anything else ends the frame.
            if (size <= 0 || size > 9 * 1024 * 1024 || pos + 4 + size > data.length) {
                break;
            }
            try (InputStream in = new BlockLZ4CompressorInputStream(new java.io.ByteArrayInputStream(data, pos + 4, size))) {
                in.transferTo(out);
            }
            pos += 4 + size;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void run(Path dir, String... command) throws Exception {
        ExternalTool.Result r = ExternalTool.run(dir, command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output());
        }
    }
}
