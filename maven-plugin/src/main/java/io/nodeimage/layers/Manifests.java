package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.util.ArrayList;
import java.util.List;

/**
 * OCI and Docker manifests and indexes (manifest lists), read the same way wherever they come from: an
 * index resolves to the manifest of one platform, a manifest names the configuration and the layers.
 */
final class Manifests {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** What a registry is asked for, in the order preferred. */
    static final String ACCEPT = String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);
    /** Manifests and configurations are small; a larger one is not what it claims to be. */
    static final int SMALL = 4 * 1024 * 1024;

    private Manifests() {
    }

    /** A content descriptor: what a manifest says of a blob. */
    record Descriptor(String mediaType, String digest, long size) {
    }

    /** A manifest: its configuration and its layers, base first. */
    record Manifest(Descriptor config, List<Descriptor> layers) {
    }

    static JsonNode parse(byte[] bytes, String shown) throws LayerException {
        try {
            return Json.read(bytes, shown);
        } catch (Json.JsonException e) {
            throw new LayerException(e.getMessage(), e);
        }
    }

    /** Whether the JSON is an index (or a Docker manifest list), by its media type or its shape. */
    static boolean isIndex(JsonNode json, String contentType) {
        String type = JsonRead.text(json, "mediaType");
        if (type == null) {
            type = contentType;
        }
        return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type) || type == null && json.has("manifests");
    }

    /** The manifest of {@code platform} in an index; an error listing what the index has when none fits. */
    static Descriptor choose(JsonNode index, Platform platform, String shown) throws LayerException {
        List<String> offered = new ArrayList<>();
        for (JsonNode m : JsonRead.items(index, "manifests")) {
            String os = JsonRead.text(m, "platform", "os");
            String arch = JsonRead.text(m, "platform", "architecture");
            String variant = JsonRead.text(m, "platform", "variant");
            if (os == null || arch == null || "unknown".equals(os)) {
                // Attestations and signatures ride in indexes as "unknown/unknown".
                continue;
            }
            offered.add(os + "/" + arch + (variant == null ? "" : "/" + variant));
            if (os.equals(platform.os()) && arch.equals(platform.architecture())
                    && (platform.variant() == null || platform.variant().equals(variant))) {
                return descriptor(m, shown);
            }
        }
        throw new LayerException(shown + " has no image for " + platform + "; it has " + (offered.isEmpty() ? "none"
                : String.join(", ", offered)));
    }

    static Manifest manifest(JsonNode json, String shown) throws LayerException {
        if (json.has("fsLayers")) {
            throw new LayerException(shown + " is a Docker schema 1 manifest, which is not read; push the image again "
                    + "with a current engine");
        }
        JsonNode config = json.get("config");
        if (config == null) {
            throw new LayerException(shown + " names no configuration: not an image manifest");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : JsonRead.items(json, "layers")) {
            layers.add(descriptor(l, shown));
        }
        return new Manifest(descriptor(config, shown), layers);
    }

    private static Descriptor descriptor(JsonNode node, String shown) throws LayerException {
        String digest = JsonRead.text(node, "digest");
        if (!Digest.valid(digest)) {
            throw new LayerException(shown + " names a blob by '" + digest + "', not a sha256 or sha512 digest");
        }
        JsonNode size = node.get("size");
        return new Descriptor(JsonRead.text(node, "mediaType"), digest, size != null && size.canConvertToLong() ? size.asLong() : -1);
    }
}
