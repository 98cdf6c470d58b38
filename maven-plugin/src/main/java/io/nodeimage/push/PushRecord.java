package io.nodeimage.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What nodeimage:push wrote to a registry, in {@code <outputDirectory>/<profile>/pushed.json}: the image
 * the engine had (name and id) and where it now is ({@code repository:tag}, and the manifest's digest the
 * registry answered), so certify can name the pushed manifest as the statement's subject.
 *
 * @param repository {@code <registry>/<path>/<profile>}, the in-toto subject name
 * @param digest the manifest's digest, {@code sha256:<hex>}
 * @param size the manifest's size in bytes (an artifact's {@code subject} descriptor needs it)
 */
public record PushRecord(String image, String imageId, String repository, String tag, String digest, String mediaType,
                         long size) {

    public static final String FILE = io.nodeimage.ProfileOutputs.PUSHED;

    /** {@code repository@digest}: the image as pushed, by content. */
    public String byDigest() {
        return repository + "@" + digest;
    }

    public void write(Path directory) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", image);
        out.put("imageId", imageId);
        out.put("repository", repository);
        out.put("tag", tag);
        out.put("reference", repository + ":" + tag);
        out.put("digest", digest);
        out.put("mediaType", mediaType);
        out.put("size", size);
        AtomicFiles.write(directory.resolve(FILE), Json.write(out) + "\n");
    }

    /** The record in a profile's folder; empty when the image was not pushed. */
    public static Optional<PushRecord> read(Path directory, String shownDirectory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String shown = shownDirectory + "/" + FILE;
        JsonNode json;
        try {
            json = Json.read(file, shown);
        } catch (Json.JsonException e) {
            throw new ConfigurationException(shown + " cannot be read: " + e.getMessage(), "run nodeimage:push again");
        }
        String digest = JsonRead.text(json, "digest");
        String repository = JsonRead.text(json, "repository");
        String imageId = JsonRead.text(json, "imageId");
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}") || repository == null || imageId == null) {
            throw new ConfigurationException(shown + " has no repository, imageId or sha256 digest",
                    "run nodeimage:push again; the file is written by it");
        }
        JsonNode size = json.get("size");
        return Optional.of(new PushRecord(JsonRead.text(json, "image"), imageId, repository, JsonRead.text(json, "tag"),
                digest, JsonRead.text(json, "mediaType"), size == null ? -1 : size.asLong()));
    }
}
