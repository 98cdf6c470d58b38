package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nodeimage.ConfigurationException;
import io.nodeimage.ViolationException;
import io.nodeimage.signing.SigningKey;
import io.nodeimage.signing.VerificationKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The envelope certify writes, checked by a second implementation written here (the JSON read with a
 * plain ObjectMapper, the PAE built by hand, the JDK's Signature), and opened only when its signature
 * holds: every way it can fail is named.
 */
class CertificateEnvelopeTest {

    static final String STATEMENT = "{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"subject\": [],\n"
            + "  \"predicateType\": \"urn:nodeimage:certificate:v1\",\n  \"predicate\": {\"note\": \"ünïcode\"}\n}\n";

    @TempDir
    Path dir;

    KeyPair pair;
    SigningKey key;

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @BeforeEach
    void key() throws Exception {
        pair = p256();
        key = SigningKey.read(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "key.pem", () -> null);
    }

    private Path write(String line) throws Exception {
        Path file = dir.resolve("certificate.intoto.jsonl");
        Files.writeString(file, line);
        return file;
    }

    private VerificationKey publicOf(KeyPair k) {
        return VerificationKey.read(pem("PUBLIC KEY", k.getPublic().getEncoded()), "key.pub.pem");
    }

    @Test
    void aSecondImplementationVerifiesTheEnvelope() throws Exception {
        String line = CertificateEnvelope.sign(STATEMENT, key);
        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);

        JsonNode e = new ObjectMapper().readTree(line);
        assertThat(e.get("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        byte[] body = Base64.getDecoder().decode(e.get("payload").asText());
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(STATEMENT);
        assertThat(e.get("signatures")).hasSize(1);
        String keyid = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
        assertThat(e.get("signatures").get(0).get("keyid").asText()).isEqualTo(keyid);

        ByteArrayOutputStream pae = new ByteArrayOutputStream();
        byte[] type = "application/vnd.in-toto+json".getBytes(StandardCharsets.UTF_8);
        pae.writeBytes(String.format("DSSEv1 %d ", type.length).getBytes(StandardCharsets.US_ASCII));
        pae.writeBytes(type);
        pae.writeBytes(String.format(" %d ", body.length).getBytes(StandardCharsets.US_ASCII));
        pae.writeBytes(body);
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(pair.getPublic());
        jdk.update(pae.toByteArray());
        assertThat(jdk.verify(Base64.getDecoder().decode(e.get("signatures").get(0).get("sig").asText()))).isTrue();
        // DER: a SEQUENCE of two INTEGERs, as cosign and in-toto read ECDSA signatures.
        assertThat(Base64.getDecoder().decode(e.get("signatures").get(0).get("sig").asText())[0]).isEqualTo((byte) 0x30);

        assertThat(new String(CertificateEnvelope.open(write(line), "certificate.intoto.jsonl", publicOf(pair)),
                StandardCharsets.UTF_8)).isEqualTo(STATEMENT);
    }

    @Test
    void aStatementEditedAfterSigningIsNamed() throws Exception {
        ObjectNode e = (ObjectNode) new ObjectMapper().readTree(CertificateEnvelope.sign(STATEMENT, key));
        e.put("payload", Base64.getEncoder().encodeToString(STATEMENT.replace("ünïcode", "edited").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> CertificateEnvelope.open(write(e + "\n"), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class)
                .hasMessage("c.jsonl: the signature does not hold: its signature by " + publicOf(pair)
                        + " does not verify: the statement (or its payloadType) was edited after signing, or the signature was");
        ObjectNode typed = (ObjectNode) new ObjectMapper().readTree(CertificateEnvelope.sign(STATEMENT, key));
        typed.put("payloadType", "application/json");
        assertThatThrownBy(() -> CertificateEnvelope.open(write(typed + "\n"), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class).hasMessageContaining("edited after signing");
    }

    @Test
    void anotherKeysEnvelopeIsAnUnknownKey() throws Exception {
        KeyPair other = p256();
        String line = CertificateEnvelope.sign(STATEMENT, key);
        assertThatThrownBy(() -> CertificateEnvelope.open(write(line), "c.jsonl", publicOf(other)))
                .isInstanceOf(ViolationException.class)
                .hasMessage("c.jsonl: the signature does not hold: it was signed by key sha256:" + key.keyId()
                        + ", not by the key given (" + publicOf(other) + "): an unknown key");
        // Without a key id (cosign writes none), the signature itself tells.
        ObjectNode e = (ObjectNode) new ObjectMapper().readTree(line);
        ((ObjectNode) e.get("signatures").get(0)).put("keyid", "");
        assertThatThrownBy(() -> CertificateEnvelope.open(write(e + "\n"), "c.jsonl", publicOf(other)))
                .isInstanceOf(ViolationException.class)
                .hasMessageEndingWith("its signature does not verify with the key given (" + publicOf(other)
                        + "): another key signed it, or the statement was edited after signing");
        assertThat(CertificateEnvelope.open(write(e + "\n"), "c.jsonl", publicOf(pair))).isEqualTo(STATEMENT.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBadSignatureNoSignatureOrAnotherPayloadTypeIsNamed() throws Exception {
        ObjectNode e = (ObjectNode) new ObjectMapper().readTree(CertificateEnvelope.sign(STATEMENT, key));
        ((ObjectNode) e.get("signatures").get(0)).put("sig", Base64.getEncoder().encodeToString(new byte[64]));
        assertThatThrownBy(() -> CertificateEnvelope.open(write(e + "\n"), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class)
                .hasMessage("c.jsonl: the signature does not hold: its signature is not an ECDSA P-256 signature (ASN.1 DER): "
                        + "a bad signature, damaged or made with another kind of key");
        e.putArray("signatures");
        assertThatThrownBy(() -> CertificateEnvelope.open(write(e + "\n"), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class).hasMessage("c.jsonl: the envelope has no signature");

        // Signed, but not an in-toto statement: refused after the signature holds.
        io.nodeimage.signing.Dsse.Envelope other = io.nodeimage.signing.Dsse.sign("application/vnd.example+json",
                STATEMENT.getBytes(StandardCharsets.UTF_8), key);
        assertThatThrownBy(() -> CertificateEnvelope.open(write(other.jsonLine()), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class)
                .hasMessage("c.jsonl: the signed payload is of type 'application/vnd.example+json', not application/vnd.in-toto+json");
    }

    @Test
    void aFileThatIsNotOneEnvelopeIsUnreadable() throws Exception {
        String line = CertificateEnvelope.sign(STATEMENT, key);
        assertThatThrownBy(() -> CertificateEnvelope.open(write(line + line), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("it holds 2 lines; nodeimage writes and checks one envelope a file");
        assertThatThrownBy(() -> CertificateEnvelope.open(write("{\"payload\": 1}\n"), "c.jsonl", publicOf(pair)))
                .isInstanceOf(ViolationException.class).hasMessageContaining("not a DSSE envelope");
        assertThatThrownBy(() -> CertificateEnvelope.open(dir.resolve("none.jsonl"), "none.jsonl", publicOf(pair)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no such file");
        // An envelope read as a bare statement asks for the key rather than judging unchecked content.
        assertThatThrownBy(() -> CertificateCheck.read(write(line), "c.jsonl"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("c.jsonl is a signed envelope, and no public key was given to check its signature");
    }
}
