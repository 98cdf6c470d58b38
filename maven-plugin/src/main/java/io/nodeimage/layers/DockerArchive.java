package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.JsonRead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * An image in a {@code docker save} archive: {@code manifest.json} names each image's configuration
 * and layer files, in the legacy layout ({@code <id>/layer.tar}) of older engines and the OCI layout
 * ({@code blobs/sha256/...}) of newer ones. The archive is indexed once and each file read at its place.
 */
public final class DockerArchive {

    private DockerArchive() {
    }

    /** @param reference the RepoTags entry to pick; null for the only image of the archive */
    public static ImageLayers open(Path file, String reference, String source) throws IOException {
        return saved(file, reference, source).layers();
    }

    /** An image of the archive with its configuration's bytes, as a push sends them. */
    public record Saved(byte[] config, ImageLayers layers) {
    }

    /** @param reference the RepoTags entry to pick; null for the only image of the archive */
    public static Saved saved(Path file, String reference, String source) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new LayerException(source + ": no such file " + file);
        }
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (TarFile tar = new TarFile(file)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                entries.put(clean(e.getName()), e);
            }
        } catch (IOException e) {
            throw new LayerException(source + " is not a tar archive: " + e.getMessage(), e);
        }
        JsonNode manifests = Manifests.parse(read(file, entries, "manifest.json", source), "manifest.json of " + source);
        List<JsonNode> candidates = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (JsonNode m : JsonRead.items(manifests)) {
            List<String> repoTags = JsonRead.texts(m, "RepoTags");
            tags.addAll(repoTags);
            if (reference == null || repoTags.contains(reference)) {
                candidates.add(m);
            }
        }
        if (candidates.size() != 1) {
            throw new LayerException(source + ": " + (candidates.isEmpty() ? "no image" : candidates.size() + " images")
                    + (reference == null ? "" : " tagged " + reference) + " in its manifest.json"
                    + (tags.isEmpty() ? "" : " (it has " + String.join(", ", tags) + ")"));
        }
        JsonNode chosen = candidates.get(0);
        String configName = JsonRead.text(chosen, "Config");
        byte[] config = read(file, entries, configName, source);
        String configDigest = Digest.sha256(config);
        // Newer archives name the configuration by its digest: the bytes must be those.
        String named = digestOf(configName);
        if (named != null) {
            Digest.check(config, named, "the configuration of " + source);
        }
        List<ImageLayers.Listed> listed = new ArrayList<>();
        for (String layerName : JsonRead.texts(chosen, "Layers")) {
            String name = resolve(entries, clean(layerName), source);
            TarArchiveEntry entry = entries.get(name);
            listed.add(new ImageLayers.Listed(digestOf(name), entry.getSize(), () -> open(file, name)));
        }
        return new Saved(config, ImageLayers.of(source, configDigest, config, listed));
    }

    /** "blobs/sha256/<hex>" names its digest; a legacy "<id>/layer.tar" names none (its diff id checks it). */
    private static String digestOf(String name) {
        String clean = clean(name);
        if (clean.matches("blobs/sha(256|512)/[0-9a-f]+")) {
            String[] parts = clean.split("/");
            String digest = parts[1] + ":" + parts[2];
            return Digest.valid(digest) ? digest : null;
        }
        return null;
    }

    private static String clean(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    /** A member's name with symbolic links inside the archive followed (older engines link repeated layers). */
    private static String resolve(Map<String, TarArchiveEntry> entries, String name, String source) throws LayerException {
        String at = name;
        for (int hop = 0; hop < 8; hop++) {
            TarArchiveEntry e = entries.get(at);
            if (e == null) {
                throw new LayerException(source + " has no member " + at + ", which its manifest.json names");
            }
            if (!e.isSymbolicLink()) {
                return at;
            }
            at = clean(ImagePaths.resolve("/" + at, e.getLinkName()).substring(1));
        }
        throw new LayerException(source + ": member " + name + " is a loop of links");
    }

    private static byte[] read(Path file, Map<String, TarArchiveEntry> entries, String name, String source) throws IOException {
        if (name == null) {
            throw new LayerException(source + ": its manifest.json names no configuration");
        }
        String resolved = resolve(entries, clean(name), source);
        if (entries.get(resolved).getSize() > Manifests.SMALL) {
            throw new LayerException(source + ": " + name + " is larger than " + Manifests.SMALL + " bytes");
        }
        try (InputStream in = open(file, resolved)) {
            return in.readAllBytes();
        }
    }

    /** One member's bytes; the archive is opened for each, so layers can be read apart. */
    private static InputStream open(Path file, String name) throws IOException {
        TarFile tar = new TarFile(file);
        for (TarArchiveEntry e : tar.getEntries()) {
            if (clean(e.getName()).equals(name)) {
                InputStream in = tar.getInputStream(e);
                return new java.io.FilterInputStream(in) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            tar.close();
                        }
                    }
                };
            }
        }
        tar.close();
        throw new LayerException(file + " has no member " + name);
    }
}
