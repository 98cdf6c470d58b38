package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.JsonRead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image in an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/}), as
 * skopeo, crane, buildah and BuildKit write it. The image is the one whose
 * {@code org.opencontainers.image.ref.name} is the tag asked for, or the only one; an index resolves to
 * the platform asked for.
 */
public final class OciLayout {

    static final String REF_NAME = "org.opencontainers.image.ref.name";

    private OciLayout() {
    }

    /** @param tag the ref.name annotation to pick; null for the only image of the layout */
    public static ImageLayers open(Path dir, String tag, Platform platform, String source) throws IOException {
        if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(dir.resolve("index.json"))) {
            throw new LayerException(dir + " is not an OCI image layout: it has no oci-layout and index.json");
        }
        JsonNode index = Manifests.parse(small(dir.resolve("index.json"), "index.json of " + source), "index.json of " + source);
        List<JsonNode> candidates = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode m : JsonRead.items(index, "manifests")) {
            String name = JsonRead.text(m, "annotations", REF_NAME);
            if (name != null) {
                names.add(name);
            }
            if (tag == null || tag.equals(name)) {
                candidates.add(m);
            }
        }
        if (candidates.size() != 1) {
            throw new LayerException(source + ": " + (candidates.isEmpty() ? "no image" : candidates.size() + " images")
                    + (tag == null ? "" : " named " + tag) + " in its index.json"
                    + (names.isEmpty() ? "" : " (it names " + String.join(", ", names) + ")")
                    + (tag == null && candidates.size() > 1 ? "; name one as oci:<dir>:<name>" : ""));
        }
        String digest = JsonRead.text(candidates.get(0), "digest");
        return fromDigest(dir, digest, platform, source);
    }

    private static ImageLayers fromDigest(Path dir, String digest, Platform platform, String source) throws IOException {
        for (int depth = 0; depth < 4; depth++) {
            byte[] bytes = blob(dir, digest, source);
            JsonNode json = Manifests.parse(bytes, "manifest " + digest + " of " + source);
            if (!Manifests.isIndex(json, null)) {
                Manifests.Manifest manifest = Manifests.manifest(json, "manifest " + digest + " of " + source);
                byte[] config = blob(dir, manifest.config().digest(), source);
                List<ImageLayers.Listed> listed = new ArrayList<>();
                for (Manifests.Descriptor l : manifest.layers()) {
                    Path file = blobPath(dir, l.digest(), source);
                    listed.add(new ImageLayers.Listed(l.digest(), l.size(), () -> Files.newInputStream(file)));
                }
                return ImageLayers.of(source, manifest.config().digest(), config, listed);
            }
            digest = Manifests.choose(json, platform, "index " + digest + " of " + source).digest();
        }
        throw new LayerException(source + ": indexes nested more than 4 deep");
    }

    private static Path blobPath(Path dir, String digest, String source) throws LayerException {
        if (!Digest.valid(digest)) {
            throw new LayerException(source + " names a blob by '" + digest + "', not a sha256 or sha512 digest");
        }
        Path file = dir.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':'))).resolve(digest.substring(digest.indexOf(':') + 1));
        if (!Files.isRegularFile(file)) {
            throw new LayerException(source + " has no blob " + digest + " (" + file + ")");
        }
        return file;
    }

    /** A small blob (manifest, index, configuration), checked against its digest. */
    private static byte[] blob(Path dir, String digest, String source) throws IOException {
        byte[] bytes = small(blobPath(dir, digest, source), "blob " + digest + " of " + source);
        Digest.check(bytes, digest, "blob " + digest + " of " + source);
        return bytes;
    }

    private static byte[] small(Path file, String shown) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(Manifests.SMALL + 1);
            if (bytes.length > Manifests.SMALL) {
                throw new LayerException(shown + " is larger than " + Manifests.SMALL + " bytes: not a manifest or configuration");
            }
            return bytes;
        }
    }
}
