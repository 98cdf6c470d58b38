package io.nodeimage.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the signing key and its passphrase come from, in order, and nothing of either in a message. */
class SigningKeysTest {

    private static final String PASSPHRASE = "s3cret pass";

    @TempDir
    Path dir;

    KeyPair a;
    KeyPair b;

    @BeforeEach
    void keys() throws Exception {
        a = TestKeys.ec("secp256r1");
        b = TestKeys.ed25519();
        Files.writeString(dir.resolve("a.pem"), TestKeys.privatePem(a));
        Files.writeString(dir.resolve("b.pem"), TestKeys.privatePem(b));
    }

    private SigningKeys.Given given(Path file, Path serverFile, char[] serverPassphrase, Map<String, String> env) {
        return new SigningKeys.Given(file, serverFile, "nodeimage-signing-key", serverPassphrase, env, dir);
    }

    @Test
    void theFileGivenComesFirstThenTheVariableThenTheServer() {
        Map<String, String> env = Map.of(SigningKeys.KEY_VARIABLE, TestKeys.privatePem(b));
        SigningKeys.Loaded fromFile = SigningKeys.load(given(dir.resolve("a.pem"), dir.resolve("b.pem"), null, env)).orElseThrow();
        assertThat(fromFile.from()).isEqualTo("a.pem");
        assertThat(fromFile.key().keyId()).isEqualTo(KeyIds.of(a.getPublic()));

        SigningKeys.Loaded fromText = SigningKeys.load(given(null, dir.resolve("a.pem"), null, env)).orElseThrow();
        assertThat(fromText.from()).isEqualTo(SigningKeys.KEY_VARIABLE);
        assertThat(fromText.key().algorithm()).isEqualTo(KeyAlgorithm.ED25519);

        // GitLab's file variables hold the path of a file with the value.
        SigningKeys.Loaded fromPath = SigningKeys.load(given(null, null, null,
                Map.of(SigningKeys.KEY_VARIABLE, dir.resolve("b.pem").toString()))).orElseThrow();
        assertThat(fromPath.from()).isEqualTo(SigningKeys.KEY_VARIABLE + " (b.pem)");

        SigningKeys.Loaded fromServer = SigningKeys.load(given(null, dir.resolve("a.pem"), null, Map.of())).orElseThrow();
        assertThat(fromServer.from()).startsWith("settings.xml server nodeimage-signing-key <privateKey>");

        assertThat(SigningKeys.load(given(null, null, null, Map.of(SigningKeys.KEY_VARIABLE, " ")))).isEmpty();
    }

    @Test
    void thePassphraseComesFromTheServerElseTheEnvironment() throws Exception {
        TestKeys.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", "pass:" + PASSPHRASE, "-out", "enc.pem");
        Path enc = dir.resolve("enc.pem");
        assertThat(SigningKeys.load(given(enc, null, PASSPHRASE.toCharArray(),
                Map.of(SigningKeys.PASSPHRASE_VARIABLE, "wrong")))).isPresent();
        assertThat(SigningKeys.load(given(enc, null, null, Map.of(SigningKeys.PASSPHRASE_VARIABLE, PASSPHRASE)))).isPresent();
        assertThatThrownBy(() -> SigningKeys.load(given(enc, null, "wrong".toCharArray(),
                Map.of(SigningKeys.PASSPHRASE_VARIABLE, PASSPHRASE))))
                .isInstanceOf(ConfigurationException.class).hasMessage("the passphrase given does not open the signing key enc.pem");
    }

    @Test
    void aVariableOrFileThatIsNoKeyIsNamedWithoutItsValue() {
        String notAKey = "MHcCAQEEI-not-a-pem-but-secret";
        assertThatThrownBy(() -> SigningKeys.load(given(null, null, null, Map.of(SigningKeys.KEY_VARIABLE, notAKey))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(SigningKeys.KEY_VARIABLE + " holds neither a PEM private key (-----BEGIN ...) nor the path of a "
                        + "file (its value is not shown)")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).doesNotContain(notAKey));
        assertThatThrownBy(() -> SigningKeys.load(given(dir.resolve("missing.pem"), null, null, Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessage("the signing key missing.pem does not exist");
        assertThatThrownBy(() -> SigningKeys.load(given(null, null, null, Map.of(SigningKeys.KEY_VARIABLE,
                "-----BEGIN PUBLIC KEY-----\n" + notAKey + "\n-----END PUBLIC KEY-----\n"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("the key in " + SigningKeys.KEY_VARIABLE)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(notAKey));
    }
}
