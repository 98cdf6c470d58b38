package io.nodeimage.signing;

import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where certify's signing key and its passphrase come from, first found first: the key file named in
 * the build ({@code nodeimage.certify.signingKey}), the environment variable {@value #KEY_VARIABLE}
 * (the PEM text itself, or the path of a file holding it, as GitLab's file variables give), the
 * {@code <privateKey>} of the settings.xml server; the passphrase from that server, else
 * {@value #PASSPHRASE_VARIABLE}. Never from the POM: a POM is shared and committed. No message here
 * ever holds a variable's value.
 */
public final class SigningKeys {

    public static final String KEY_VARIABLE = "NODEIMAGE_SIGNING_KEY";
    public static final String PASSPHRASE_VARIABLE = "NODEIMAGE_SIGNING_KEY_PASSPHRASE";

    /** A key read, and where from (for the log: a file as shown, the variable's name, the server). */
    public record Loaded(SigningKey key, String from) {
    }

    /** What the build was given; any may be absent. */
    public record Given(Path keyFile, Path serverKeyFile, String serverId, char[] serverPassphrase,
                        Map<String, String> environment, Path baseDirectory) {
    }

    private SigningKeys() {
    }

    public static Optional<Loaded> load(Given g) {
        char[] passphrase = g.serverPassphrase() != null && g.serverPassphrase().length > 0 ? g.serverPassphrase()
                : g.environment().getOrDefault(PASSPHRASE_VARIABLE, "").toCharArray();
        if (g.keyFile() != null) {
            return Optional.of(fromFile(g.keyFile(), shown(g.keyFile(), g.baseDirectory()), passphrase));
        }
        String variable = g.environment().get(KEY_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            if (variable.strip().startsWith("-----BEGIN")) {
                return Optional.of(new Loaded(SigningKey.read(variable, "the key in " + KEY_VARIABLE, () -> passphrase.clone()),
                        KEY_VARIABLE));
            }
            Path file = g.baseDirectory().resolve(variable.strip());
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException(KEY_VARIABLE + " holds neither a PEM private key (-----BEGIN ...) nor "
                        + "the path of a file (its value is not shown)",
                        "set it to the key's PEM text or to the path of the key file, or unset it");
            }
            return Optional.of(fromFile(file, KEY_VARIABLE + " (" + shown(file, g.baseDirectory()) + ")", passphrase));
        }
        if (g.serverKeyFile() != null) {
            return Optional.of(fromFile(g.serverKeyFile(), "settings.xml server " + g.serverId() + " <privateKey> ("
                    + g.serverKeyFile() + ")", passphrase));
        }
        return Optional.empty();
    }

    private static Loaded fromFile(Path file, String shown, char[] passphrase) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("the signing key " + shown + " does not exist",
                    "name the PEM private key file, or leave the key unset to write an unsigned statement");
        }
        String text;
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new ConfigurationException(shown + " is not a private key: it is larger than 64 KiB",
                        KeyAlgorithm.MAKE_ONE);
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigurationException("the signing key " + shown + " cannot be read: " + e.getMessage(),
                    "check the file's permissions");
        }
        return new Loaded(SigningKey.read(text, shown, () -> passphrase.clone()), shown);
    }

    private static String shown(Path file, Path base) {
        return io.nodeimage.yaml.SourceFiles.shown(file, base);
    }
}
