package io.nodeimage.signing;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DSSE, the Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, protocol v1.0.0): a
 * signature over the pre-authentication encoding of a payload and its type, in the JSON envelope
 * in-toto attestations travel in. Written as one line, as in-toto's JSON Lines bundles
 * ({@code .intoto.jsonl}) hold one envelope a line.
 */
public final class Dsse {

    /** The payload type of an in-toto Statement. */
    public static final String IN_TOTO = "application/vnd.in-toto+json";

    private Dsse() {
    }

    /** One signature: the key id (a hint, not authenticated; may be empty) and the signature's bytes. */
    public record Signature(String keyid, byte[] sig) {
        public Signature {
            keyid = keyid == null ? "" : keyid;
            sig = sig.clone();
        }

        @Override
        public byte[] sig() {
            return sig.clone();
        }
    }

    /** The JSON envelope: payloadType, payload (base64 of its bytes), signatures. */
    public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
        public Envelope {
            payload = payload.clone();
            signatures = List.copyOf(signatures);
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The bytes each signature covers. */
        public byte[] pae() {
            return Dsse.pae(payloadType, payload);
        }

        /** The envelope on one line with a newline, standard base64 with padding, fields in the order cosign writes them. */
        public String jsonLine() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("payloadType", payloadType);
            out.put("payload", Base64.getEncoder().encodeToString(payload));
            out.put("signatures", signatures.stream().map(s -> {
                Map<String, Object> sig = new LinkedHashMap<>();
                sig.put("keyid", s.keyid());
                sig.put("sig", Base64.getEncoder().encodeToString(s.sig));
                return (Object) sig;
            }).toList());
            return Json.writeLine(out) + "\n";
        }
    }

    /**
     * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the ASCII
     * decimal byte length, the type taken as UTF-8.
     */
    public static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Signs {@code body} of {@code payloadType} with one key; the key id is the key's fingerprint. */
    public static Envelope sign(String payloadType, byte[] body, SigningKey key) {
        return new Envelope(payloadType, body, List.of(new Signature(key.keyId(), key.sign(pae(payloadType, body)))));
    }

    /** An envelope that cannot be read; the message says why and where. */
    public static final class MalformedEnvelope extends RuntimeException {
        MalformedEnvelope(String message) {
            super(message);
        }
    }

    /**
     * Reads one JSON envelope. Either base64 alphabet (standard or URL-safe, padded or not) is accepted,
     * as the protocol asks of verifiers.
     */
    public static Envelope parse(byte[] json, String shown) {
        JsonNode root;
        try {
            root = Json.read(json, shown);
        } catch (Json.JsonException e) {
            throw new MalformedEnvelope(e.getMessage());
        }
        if (!root.isObject() || !root.path("payloadType").isTextual() || !root.path("payload").isTextual()
                || !root.path("signatures").isArray()) {
            throw new MalformedEnvelope(shown + ": not a DSSE envelope (an object with payloadType, payload and signatures)");
        }
        List<Signature> signatures = new ArrayList<>();
        int i = 0;
        for (JsonNode s : root.get("signatures")) {
            if (!s.path("sig").isTextual() || (s.has("keyid") && !s.get("keyid").isTextual())) {
                throw new MalformedEnvelope(shown + ": signatures[" + i + "] has no sig string");
            }
            signatures.add(new Signature(s.path("keyid").asText(""), base64(s.get("sig").asText(), shown, "signatures[" + i + "].sig")));
            i++;
        }
        return new Envelope(root.get("payloadType").asText(), base64(root.get("payload").asText(), shown, "payload"), signatures);
    }

    private static byte[] base64(String text, String shown, String field) {
        String s = text.strip();
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedEnvelope(shown + ": " + field + " is not base64");
        }
    }
}
