package io.nodeimage.provenance;

import io.nodeimage.ViolationException;
import io.nodeimage.signing.Dsse;
import io.nodeimage.signing.SigningKey;
import io.nodeimage.signing.VerificationKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The signed certificate: the in-toto Statement certify writes, in a DSSE envelope signed with the
 * CI's key, one line in {@code certificate.intoto.jsonl}. Opening it checks the signature before
 * anything in the statement is read; only the payload that verified is handed on.
 */
public final class CertificateEnvelope {

    public static final String FILE = io.nodeimage.ProfileOutputs.CERTIFICATE_ENVELOPE;

    private CertificateEnvelope() {
    }

    /** The envelope line of a statement, signed with {@code key}. */
    public static String sign(String statement, SigningKey key) {
        Dsse.Envelope envelope = Dsse.sign(Dsse.IN_TOTO, statement.getBytes(StandardCharsets.UTF_8), key);
        // A key that signs what its own public half cannot verify would write a certificate no one can check.
        if (VerificationKey.of(key).verify(envelope.pae(), envelope.signatures().get(0).sig()) != VerificationKey.Outcome.VALID) {
            throw new IllegalStateException("the signature just made with " + key + " does not verify");
        }
        return envelope.jsonLine();
    }

    /** Whether a file holds an envelope rather than a bare statement (its first line has a payloadType). */
    public static boolean isEnvelope(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).findFirst().map(l -> l.contains("\"payloadType\"")).orElse(false);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * The statement's bytes, once a signature in the envelope verifies with {@code key} and the payload is
     * an in-toto Statement.
     *
     * @throws ViolationException naming why the certificate is not trusted: another key signed it, the
     *     signature does not verify (the statement or its type changed after signing, or the signature did),
     *     the signature is no signature of the key's kind, there is none, or the payload is of another type
     */
    public static byte[] open(Path file, String shown, VerificationKey key) {
        return open(read(file, shown), shown, key);
    }

    /** An envelope's JSON from elsewhere (a registry's blob), opened as {@link #open(Path, String, VerificationKey)} does. */
    public static byte[] open(byte[] envelopeJson, String shown, VerificationKey key) {
        try {
            return open(Dsse.parse(envelopeJson, shown), shown, key);
        } catch (Dsse.MalformedEnvelope e) {
            throw untrusted(e.getMessage());
        }
    }

    /**
     * The sha256 hex of the first subject of an envelope's statement, read WITHOUT checking the signature:
     * only for the signer's own consistency check (attach refuses a certificate of another image), never to trust it.
     */
    public static String subjectDigest(byte[] envelopeJson, String shown) {
        String text = new String(envelopeJson, StandardCharsets.UTF_8).strip();
        try {
            byte[] payload = Dsse.parse(text.getBytes(StandardCharsets.UTF_8), shown).payload();
            String digest = io.nodeimage.yaml.JsonRead.text(io.nodeimage.yaml.Json.read(payload, shown + " (payload)"),
                    "subject", 0, "digest", "sha256");
            if (digest == null) {
                throw Certifier.unreadable(shown, "its statement has no subject digest");
            }
            return digest;
        } catch (Dsse.MalformedEnvelope | io.nodeimage.yaml.Json.JsonException e) {
            throw Certifier.unreadable(shown, e.getMessage());
        }
    }

    private static byte[] open(Dsse.Envelope envelope, String shown, VerificationKey key) {
        if (envelope.signatures().isEmpty()) {
            throw untrusted(shown + ": the envelope has no signature");
        }
        List<String> reasons = new ArrayList<>();
        byte[] pae = envelope.pae();
        boolean verified = false;
        for (Dsse.Signature s : envelope.signatures()) {
            if (!s.keyid().isEmpty() && !s.keyid().equalsIgnoreCase(key.keyId())) {
                reasons.add("it was signed by key sha256:" + s.keyid() + ", not by the key given (" + key
                        + "): an unknown key");
                continue;
            }
            switch (key.verify(pae, s.sig())) {
                case VALID -> verified = true;
                case MALFORMED -> reasons.add("its signature is not an " + key.algorithm().label() + " signature"
                        + (key.algorithm() == io.nodeimage.signing.KeyAlgorithm.ED25519 ? " (64 bytes)" : " (ASN.1 DER)")
                        + ": a bad signature, damaged or made with another kind of key");
                case INVALID -> reasons.add(s.keyid().isEmpty()
                        ? "its signature does not verify with the key given (" + key + "): another key signed it, "
                                + "or the statement was edited after signing"
                        : "its signature by " + key + " does not verify: the statement (or its payloadType) was "
                                + "edited after signing, or the signature was");
            }
            if (verified) {
                break;
            }
        }
        if (!verified) {
            throw untrusted(shown + ": the signature does not hold: " + String.join("; ", reasons));
        }
        if (!Dsse.IN_TOTO.equals(envelope.payloadType())) {
            throw untrusted(shown + ": the signed payload is of type '" + envelope.payloadType() + "', not " + Dsse.IN_TOTO);
        }
        return envelope.payload();
    }

    private static Dsse.Envelope read(Path file, String shown) {
        if (!Files.isRegularFile(file)) {
            throw Certifier.unreadable(shown, "no such file");
        }
        List<String> lines;
        try {
            if (Files.size(file) > 64L * 1024 * 1024) {
                throw Certifier.unreadable(shown, "larger than 64 MiB");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw Certifier.unreadable(shown, e.getMessage());
        }
        if (lines.size() != 1) {
            throw Certifier.unreadable(shown, lines.isEmpty() ? "it is empty"
                    : "it holds " + lines.size() + " lines; nodeimage writes and checks one envelope a file");
        }
        try {
            return Dsse.parse(lines.get(0).getBytes(StandardCharsets.UTF_8), shown);
        } catch (Dsse.MalformedEnvelope e) {
            throw untrusted(e.getMessage());
        }
    }

    /**
     * The statement a certificate file stands for, as far as it may be trusted: with a key, only a signed
     * envelope's verified payload (an unsigned statement is refused); without one, an unsigned statement's
     * bytes (an envelope then needs the key to be read). check-certificate and verify-host decide alike.
     */
    public static byte[] trusted(Path file, String shown, VerificationKey key) {
        if (key != null) {
            if (!isEnvelope(file) && Files.isRegularFile(file)) {
                throw new ViolationException(shown + ": an unsigned statement; with a public key given, only a signed "
                        + "envelope (" + FILE + ") is trusted", "check the " + FILE + " certify wrote with the signing key");
            }
            return open(file, shown, key);
        }
        if (!Files.isRegularFile(file)) {
            throw Certifier.unreadable(shown, "no such file");
        }
        if (isEnvelope(file)) {
            throw new io.nodeimage.ConfigurationException(shown + " is a signed envelope, and no public key was given "
                    + "to check its signature", "give the signer's public key: -Dnodeimage.certificate.publicKey=<PEM file>");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw Certifier.unreadable(shown, e.getMessage());
        }
    }

    private static ViolationException untrusted(String message) {
        return new ViolationException(message, "nothing in the certificate is trusted; certify again with the "
                + "signing key whose public half was given, and check the envelope as certify wrote it");
    }
}
