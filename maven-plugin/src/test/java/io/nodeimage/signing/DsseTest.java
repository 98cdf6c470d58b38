package io.nodeimage.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/**
 * DSSE's pre-authentication encoding and envelope against the specification's own answers: the example
 * of protocol.md (ECDSA P-256) and vectors of testvectors/vectors.json (Ed25519 with the RFC 8032
 * section 7.1 keys, so the signatures are deterministic), both in github.com/secure-systems-lab/dsse.
 */
class DsseTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 8032 7.1 TEST 1, the key "A" of the DSSE vectors.
    private static final String SEED_A = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private static final String PUBLIC_A = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String STATEMENT_B64 = "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==";

    static String ed25519Private(String seedHex) {
        return TestKeys.pem("PRIVATE KEY", HEX.parseHex("302e020100300506032b657004220420" + seedHex));
    }

    static String ed25519Public(String publicHex) {
        return TestKeys.pem("PUBLIC KEY", HEX.parseHex("302a300506032b6570032100" + publicHex));
    }

    @Test
    void paeIsTheProtocolsExample() {
        assertThat(new String(Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void paeCountsBytesOfTheTypeAndKeepsTheSpaceAfterAnEmptyBody() {
        byte[] statement = Base64.getDecoder().decode(STATEMENT_B64);
        assertThat(HEX.formatHex(Dsse.pae(Dsse.IN_TOTO, statement))).isEqualTo("445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d");
        // "non-ascii-payload-type": 29 bytes for 28 characters.
        assertThat(HEX.formatHex(Dsse.pae("application/vnd.exämple+json", statement))).isEqualTo("445353457631203239206170706c69636174696f6e2f766e642e6578c3a46d706c652b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d");
        // "empty-payload".
        assertThat(HEX.formatHex(Dsse.pae(Dsse.IN_TOTO, new byte[0]))).isEqualTo("445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203020");
    }

    @Test
    void ed25519SignsTheVectorsSignatureExactly() {
        SigningKey a = SigningKey.read(ed25519Private(SEED_A), "key A", () -> null);
        assertThat(HEX.formatHex(a.publicKey().getEncoded())).endsWith(PUBLIC_A);
        Dsse.Envelope e = Dsse.sign(Dsse.IN_TOTO, Base64.getDecoder().decode(STATEMENT_B64), a);
        // "single-signature": Ed25519 is deterministic, so the signature is the vector's byte for byte.
        assertThat(Base64.getEncoder().encodeToString(e.signatures().get(0).sig()))
                .isEqualTo("2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==");
        assertThat(e.jsonLine()).isEqualTo("{\"payloadType\": \"application/vnd.in-toto+json\", \"payload\": \"" + STATEMENT_B64
                + "\", \"signatures\": [{\"keyid\": \"" + a.keyId() + "\", \"sig\": \"2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\"}]}\n");
    }

    @Test
    void theVectorsEnvelopesReadAndVerifyOrAreRejected() {
        VerificationKey a = VerificationKey.read(ed25519Public(PUBLIC_A), "key A");
        // "url-safe-base64": either alphabet is read.
        Dsse.Envelope urlSafe = Dsse.parse(("{\"payload\": \"-_-_Pj8=\", \"payloadType\": \"application/vnd.in-toto+json\", "
                + "\"signatures\": [{\"sig\": \"P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886DbWNWcCmX5twLrAw==\", "
                + "\"keyid\": \"A\"}]}").getBytes(StandardCharsets.UTF_8), "url-safe");
        assertThat(HEX.formatHex(urlSafe.pae())).isEqualTo("445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203520fbffbf3e3f");
        assertThat(a.verify(urlSafe.pae(), urlSafe.signatures().get(0).sig())).isEqualTo(VerificationKey.Outcome.VALID);
        // "payload-type-swapped": the signature covers the type, so another type does not verify.
        Dsse.Envelope swapped = Dsse.parse(("{\"payload\": \"" + STATEMENT_B64 + "\", \"payloadType\": \"application/vnd.example.other+json\", "
                + "\"signatures\": [{\"sig\": \"2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\"}]}")
                .getBytes(StandardCharsets.UTF_8), "swapped");
        assertThat(swapped.signatures().get(0).keyid()).isEmpty();
        assertThat(a.verify(swapped.pae(), swapped.signatures().get(0).sig())).isEqualTo(VerificationKey.Outcome.INVALID);
        // "empty-payload".
        Dsse.Envelope empty = Dsse.parse(("{\"payload\": \"\", \"payloadType\": \"application/vnd.in-toto+json\", \"signatures\": "
                + "[{\"sig\": \"gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg==\"}]}")
                .getBytes(StandardCharsets.UTF_8), "empty");
        assertThat(a.verify(empty.pae(), empty.signatures().get(0).sig())).isEqualTo(VerificationKey.Outcome.VALID);
    }

    @Test
    void theProtocolsEcdsaExampleVerifiesAndItsPublicKeyIsDerivedFromThePrivate() throws Exception {
        BigInteger x = new BigInteger("46950820868899156662930047687818585632848591499744589407958293238635476079160");
        BigInteger y = new BigInteger("5640078356564379163099075877009565129882514886557779369047442380624545832820");
        BigInteger d = new BigInteger("97358161215184420915383655311931858321456579547487070936769975997791359926199");
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = params.getParameterSpec(ECParameterSpec.class);
        KeyFactory ec = KeyFactory.getInstance("EC");
        ECPublicKey pub = (ECPublicKey) ec.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), p256));
        VerificationKey key = VerificationKey.read(TestKeys.pem("PUBLIC KEY", pub.getEncoded()), "the protocol's key");
        assertThat(key.algorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
        // The example's signature is r || s (Cryptodome's form); cosign and in-toto exchange ASN.1 DER.
        byte[] raw = Base64.getDecoder().decode("A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==");
        byte[] der = new DERSequence(new ASN1Integer[] {new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, 32))),
                new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64)))}).getEncoded();
        byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(key.verify(pae, der)).isEqualTo(VerificationKey.Outcome.VALID);
        assertThat(key.verify(pae, raw)).isEqualTo(VerificationKey.Outcome.MALFORMED);
        assertThat(key.verify(Dsse.pae("http://example.com/HelloWorld", "hello world!".getBytes(StandardCharsets.UTF_8)), der))
                .isEqualTo(VerificationKey.Outcome.INVALID);

        // The JDK writes this private key without its public half: the key id comes from d alone.
        String pkcs8 = TestKeys.pem("PRIVATE KEY", ec.generatePrivate(new ECPrivateKeySpec(d, p256)).getEncoded());
        SigningKey signer = SigningKey.read(pkcs8, "the protocol's private key", () -> null);
        assertThat(signer.keyId()).isEqualTo(key.keyId()).isEqualTo(io.nodeimage.Digests.sha256(pub.getEncoded()));
        assertThat(key.verify(pae, signer.sign(pae))).isEqualTo(VerificationKey.Outcome.VALID);
    }

    @Test
    void anEnvelopeThatIsNotOneIsNamed() {
        for (String bad : List.of("[]", "{\"payload\": \"e30=\", \"signatures\": []}",
                "{\"payloadType\": \"t\", \"payload\": \"%%%\", \"signatures\": []}",
                "{\"payloadType\": \"t\", \"payload\": \"e30=\", \"signatures\": [{\"keyid\": \"k\"}]}")) {
            assertThatThrownBy(() -> Dsse.parse(bad.getBytes(StandardCharsets.UTF_8), "env.jsonl"))
                    .isInstanceOf(Dsse.MalformedEnvelope.class).hasMessageStartingWith("env.jsonl: ");
        }
    }
}
