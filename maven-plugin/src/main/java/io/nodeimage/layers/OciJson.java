package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OCI documents a push writes, byte for byte the same for the same content: an image manifest, an
 * artifact manifest (an image manifest with {@code artifactType}, the empty configuration and a
 * {@code subject}, image-spec 1.1 "Guidelines for Artifact Usage"), and the image index of the referrers
 * tag fallback (distribution-spec 1.1, "Referrers Tag Schema": tag {@code <alg>-<hex>} of the subject's
 * digest, an index listing the referring manifests, kept by read-modify-write).
 */
public final class OciJson {

    public static final String MANIFEST = Manifests.OCI_MANIFEST;
    public static final String INDEX = Manifests.OCI_INDEX;
    public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** An uncompressed layer: its digest is the diff id the engine already knows, so nothing is recompressed. */
    public static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    /** The empty descriptor (image-spec 1.1, "Guidance for an Empty Descriptor"): the two bytes {@code {}}. */
    public static final String EMPTY = "application/vnd.oci.empty.v1+json";
    public static final byte[] EMPTY_BYTES = "{}".getBytes(StandardCharsets.UTF_8);

    private OciJson() {
    }

    /** A content descriptor; {@code artifactType} and {@code annotations} only when given. */
    public record Descriptor(String mediaType, String digest, long size, String artifactType, Map<String, String> annotations) {
        public Descriptor(String mediaType, String digest, long size) {
            this(mediaType, digest, size, null, Map.of());
        }

        /** The descriptor of these bytes. */
        public static Descriptor of(String mediaType, byte[] bytes) {
            return new Descriptor(mediaType, Digest.sha256(bytes), bytes.length);
        }

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mediaType", mediaType);
            out.put("digest", digest);
            out.put("size", size);
            if (artifactType != null) {
                out.put("artifactType", artifactType);
            }
            if (annotations != null && !annotations.isEmpty()) {
                out.put("annotations", new TreeMap<>(annotations));
            }
            return out;
        }
    }

    public static Descriptor emptyConfig() {
        return Descriptor.of(EMPTY, EMPTY_BYTES);
    }

    /** An image manifest of a configuration and layers, base first. */
    public static byte[] imageManifest(Descriptor config, List<Descriptor> layers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schemaVersion", 2);
        out.put("mediaType", MANIFEST);
        out.put("config", config.json());
        out.put("layers", layers.stream().map(Descriptor::json).toList());
        return bytes(out);
    }

    /** An artifact that refers to {@code subject}: the empty configuration, one layer (the artifact's content). */
    public static byte[] artifactManifest(String artifactType, Descriptor content, Descriptor subject,
                                          Map<String, String> annotations) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schemaVersion", 2);
        out.put("mediaType", MANIFEST);
        out.put("artifactType", artifactType);
        out.put("config", emptyConfig().json());
        out.put("layers", List.of(content.json()));
        out.put("subject", subject.json());
        if (!annotations.isEmpty()) {
            out.put("annotations", new TreeMap<>(annotations));
        }
        return bytes(out);
    }

    /** The referrers fallback tag of a subject: {@code sha256:<hex>} becomes {@code sha256-<hex>}. */
    public static String fallbackTag(String subjectDigest) {
        if (!Digest.valid(subjectDigest)) {
            throw new IllegalArgumentException("not a digest: " + subjectDigest);
        }
        return subjectDigest.replace(':', '-');
    }

    /**
     * The fallback index with {@code added} listed: every entry of {@code existing} kept in its order (another
     * tool's referrers too), {@code added} appended unless an entry has its digest already.
     *
     * @param existing the index the tag holds now; null when the tag does not exist
     */
    public static byte[] withReferrer(byte[] existing, Descriptor added, String shown) throws LayerException {
        List<Object> manifests = new ArrayList<>();
        boolean present = false;
        if (existing != null) {
            JsonNode index = Manifests.parse(existing, shown);
            if (!Manifests.isIndex(index, null)) {
                throw new LayerException(shown + " is not an image index, so it is no referrers list; it was not changed");
            }
            for (JsonNode m : JsonRead.items(index, "manifests")) {
                manifests.add(m);
                present |= added.digest().equals(JsonRead.text(m, "digest"));
            }
        }
        if (!present) {
            manifests.add(added.json());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schemaVersion", 2);
        out.put("mediaType", INDEX);
        out.put("manifests", manifests);
        return bytes(out);
    }

    /** The descriptors of an index (a referrers answer or the fallback tag) whose artifactType is {@code artifactType}. */
    public static List<Descriptor> referrers(byte[] index, String artifactType, String shown) throws LayerException {
        JsonNode json = Manifests.parse(index, shown);
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode m : JsonRead.items(json, "manifests")) {
            String digest = JsonRead.text(m, "digest");
            if (artifactType.equals(JsonRead.text(m, "artifactType")) && Digest.valid(digest)) {
                JsonNode size = m.get("size");
                out.add(new Descriptor(JsonRead.text(m, "mediaType"), digest, size == null ? -1 : size.asLong(),
                        artifactType, Map.of()));
            }
        }
        return out;
    }

    /** An artifact manifest's subject digest and its one layer, read back. */
    public record Artifact(String subject, Descriptor content) {
    }

    public static Artifact artifact(byte[] manifest, String shown) throws LayerException {
        JsonNode json = Manifests.parse(manifest, shown);
        String subject = JsonRead.text(json, "subject", "digest");
        List<JsonNode> layers = JsonRead.items(json, "layers");
        if (layers.size() != 1 || !Digest.valid(JsonRead.text(layers.get(0), "digest"))) {
            throw new LayerException(shown + " has not one layer: not an artifact nodeimage attached");
        }
        JsonNode l = layers.get(0);
        return new Artifact(subject, new Descriptor(JsonRead.text(l, "mediaType"), JsonRead.text(l, "digest"),
                l.has("size") ? l.get("size").asLong() : -1));
    }

    private static byte[] bytes(Map<String, Object> document) {
        return Json.write(document).getBytes(StandardCharsets.UTF_8);
    }
}
