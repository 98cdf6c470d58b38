package io.nodeimage.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys as openssl makes them (the command docs/certify.md gives, encrypted or not, SEC1 and PKCS#8,
 * Ed25519) are read; the key id is what openssl's DER of the public key hashes to; openssl checks what
 * the key signs, and the key checks what openssl signs. Every file that is no usable key is one error
 * naming the file and what to do, and no error holds a passphrase or a key's bytes.
 */
class SigningKeyTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    private String read(String file) throws Exception {
        return Files.readString(dir.resolve(file));
    }

    /** What openssl says the key id is: SHA-256 of the DER SubjectPublicKeyInfo it writes. */
    private String opensslKeyId(String privateFile, String... passin) throws Exception {
        String[] args = passin.length == 0 ? new String[] {"pkey", "-in", privateFile, "-pubout", "-outform", "DER"}
                : new String[] {"pkey", "-in", privateFile, "-passin", passin[0], "-pubout", "-outform", "DER"};
        return Digests.sha256(TestKeys.openssl(dir, args));
    }

    @Test
    void opensslP256KeyPlainAndEncryptedHaveOpensslsFingerprint() throws Exception {
        TestKeys.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        TestKeys.openssl(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-out", "key.enc.pem",
                "-passout", "pass:" + PASSPHRASE);
        assertThat(read("key.enc.pem")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        SigningKey plain = SigningKey.read(read("key.pem"), "key.pem", () -> null);
        SigningKey opened = SigningKey.read(read("key.enc.pem"), "key.enc.pem", PASSPHRASE::toCharArray);
        assertThat(plain.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
        assertThat(plain.keyId()).isEqualTo(opened.keyId()).isEqualTo(opensslKeyId("key.pem")).matches("[0-9a-f]{64}");
        assertThat(plain.toString()).isEqualTo("ECDSA P-256 key sha256:" + plain.keyId());
    }

    @Test
    void whatTheKeySignsOpensslVerifiesAndTheOtherWayRound() throws Exception {
        TestKeys.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        TestKeys.openssl(dir, "pkey", "-in", "key.pem", "-pubout", "-out", "key.pub.pem");
        SigningKey key = SigningKey.read(read("key.pem"), "key.pem", () -> null);
        byte[] pae = Dsse.pae(Dsse.IN_TOTO, "{\"_type\": \"https://in-toto.io/Statement/v1\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("pae.bin"), pae);
        Files.write(dir.resolve("sig.der"), key.sign(pae));
        // openssl's ECDSA verification reads the signature as ASN.1 DER, as cosign and in-toto do.
        assertThat(new String(TestKeys.openssl(dir, "dgst", "-sha256", "-verify", "key.pub.pem", "-signature", "sig.der",
                "pae.bin"), StandardCharsets.US_ASCII)).contains("Verified OK");
        Files.write(dir.resolve("other.bin"), Dsse.pae("application/json", pae));
        assertThat(TestKeys.opensslStatus(dir, "dgst", "-sha256", "-verify", "key.pub.pem", "-signature", "sig.der",
                "other.bin")).isNotZero();

        TestKeys.openssl(dir, "dgst", "-sha256", "-sign", "key.pem", "-out", "openssl.sig", "pae.bin");
        VerificationKey pub = VerificationKey.read(dir.resolve("key.pub.pem"), "key.pub.pem");
        assertThat(pub.keyId()).isEqualTo(key.keyId());
        assertThat(pub.verify(pae, Files.readAllBytes(dir.resolve("openssl.sig")))).isEqualTo(VerificationKey.Outcome.VALID);
    }

    @Test
    void opensslEd25519AndSec1KeysAreRead() throws Exception {
        TestKeys.openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
        SigningKey ed = SigningKey.read(read("ed.pem"), "ed.pem", () -> null);
        assertThat(ed.algorithm()).isEqualTo(KeyAlgorithm.ED25519);
        assertThat(ed.keyId()).isEqualTo(opensslKeyId("ed.pem"));
        TestKeys.openssl(dir, "pkey", "-in", "ed.pem", "-pubout", "-out", "ed.pub.pem");
        byte[] data = "DSSEv1 4 type 0 ".getBytes(StandardCharsets.US_ASCII);
        Files.write(dir.resolve("data.bin"), data);
        Files.write(dir.resolve("ed.sig"), ed.sign(data));
        assertThat(new String(TestKeys.openssl(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "ed.pub.pem", "-rawin",
                "-in", "data.bin", "-sigfile", "ed.sig"), StandardCharsets.US_ASCII)).contains("Signature Verified Successfully");

        TestKeys.openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "sec1.pem");
        assertThat(read("sec1.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----");
        SigningKey sec1 = SigningKey.read(read("sec1.pem"), "sec1.pem", () -> null);
        assertThat(sec1.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
        assertThat(sec1.keyId()).isEqualTo(opensslKeyId("sec1.pem"));
    }

    @Test
    void aWrongOrMissingPassphraseIsNamedWithoutShowingIt() throws Exception {
        TestKeys.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", "pass:" + PASSPHRASE, "-out", "key.enc.pem");
        String pem = read("key.enc.pem");
        assertThatThrownBy(() -> SigningKey.read(pem, "ci/key.enc.pem", () -> "Tr0ub4dor&3".toCharArray()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the passphrase given does not open the signing key ci/key.enc.pem")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).doesNotContain("Tr0ub4dor"));
        assertThatThrownBy(() -> SigningKey.read(pem, "ci/key.enc.pem", () -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the signing key ci/key.enc.pem is encrypted, and no passphrase was given")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains(SigningKeys.PASSPHRASE_VARIABLE));
        assertThat(SigningKey.read(pem, "ci/key.enc.pem", PASSPHRASE::toCharArray).keyId())
                .isEqualTo(opensslKeyId("key.enc.pem", "pass:" + PASSPHRASE));
    }

    @Test
    void filesThatAreNoUsableKeyAreEachNamed() throws Exception {
        KeyPair k = TestKeys.ec("secp256r1");
        TestKeys.openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        TestKeys.openssl(dir, "req", "-x509", "-new", "-key", "rsa.pem", "-subj", "/CN=test", "-days", "1", "-out", "cert.pem");
        String secretLooking = "c2VjcmV0LWtleS1ieXRlcw==";
        record Case(String text, String message, String hint) {
        }
        for (Case c : java.util.List.of(
                new Case(secretLooking, "k.pem is not a private key: it holds no PEM block (-----BEGIN ...-----)", "openssl genpkey"),
                new Case(TestKeys.publicPem(k), "k.pem holds a public key, not a private key", "check-certificate takes the public"),
                new Case(read("cert.pem"), "k.pem holds a certificate, not a private key", "check-certificate takes the public"),
                new Case(read("rsa.pem"), "k.pem holds a key nodeimage cannot sign with (RSA); it signs with ECDSA P-256 (or P-384, P-521) and Ed25519", "ec_paramgen_curve:P-256"),
                new Case(TestKeys.privatePem(k) + TestKeys.privatePem(k), "k.pem holds 2 PEM blocks (PRIVATE KEY, PRIVATE KEY); a private key file holds one", "openssl genpkey"),
                new Case("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "k.pem is not a private key: its PRIVATE KEY block is not PKCS#8", "openssl genpkey"),
                new Case("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "k.pem is an OpenSSH private key", "ssh-keygen -p -m PKCS8"),
                new Case("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
                        "k.pem is a cosign key, which only cosign opens", "cosign import-key-pair"),
                new Case("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n",
                        "k.pem is encrypted the legacy OpenSSL way (Proc-Type: 4,ENCRYPTED)", "openssl pkcs8 -topk8")))  {
            assertThatThrownBy(() -> SigningKey.read(c.text(), "k.pem", () -> PASSPHRASE.toCharArray()))
                    .as(c.message()).isInstanceOf(ConfigurationException.class).hasMessage(c.message())
                    .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains(c.hint()))
                    .satisfies(e -> assertThat(e.getMessage() + ((ConfigurationException) e).hint())
                            .doesNotContain(secretLooking).doesNotContain(PASSPHRASE));
        }
    }

    @Test
    void theJdkAloneVerifiesWhatTheKeySigns() throws Exception {
        KeyPair k = TestKeys.ed25519();
        SigningKey key = SigningKey.read(TestKeys.privatePem(k), "k.pem", () -> null);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(k.getPublic());
        jdk.update("x".getBytes(StandardCharsets.US_ASCII));
        assertThat(jdk.verify(key.sign("x".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        assertThat(key.keyId()).isEqualTo(Digests.sha256(k.getPublic().getEncoded()));
    }
}
