package io.nodeimage.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Writes images as the tools around engines do, for tests that read them without one: an OCI image
 * layout (as skopeo copy oci: writes it), a legacy {@code docker save} archive, and an OCI layout made
 * from a {@code docker save} archive (the configuration's bytes kept, so the image id stays).
 */
public final class OciImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciImages() {
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An image configuration naming these layers' diff ids. */
    public static byte[] config(String architecture, List<byte[]> layerTars) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", architecture);
        config.put("os", "linux");
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layerTars.stream().map(OciImages::sha256).toList()));
        return json(config);
    }

    /** Writes an OCI layout's manifest, oci-layout and index.json for gzip layers; returns the manifest's digest. */
    private static String layout(Path dir, List<byte[]> layerTars, byte[] config, String refName) throws IOException {
        List<byte[]> stored = new ArrayList<>();
        for (byte[] tar : layerTars) {
            stored.add(gzip(tar));
        }
        String manifest = blob(dir, manifest(config, stored, "application/vnd.oci.image.layer.v1.tar+gzip"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        descriptor.put("digest", manifest);
        descriptor.put("size", Files.size(blobPath(dir, manifest)));
        descriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", refName));
        Files.write(dir.resolve("index.json"), json(Map.of("schemaVersion", 2,
                "mediaType", "application/vnd.oci.image.index.v1+json", "manifests", List.of(descriptor))));
        return manifest;
    }

    /** A manifest's bytes, its blobs (configuration and stored layers) written under {@code dir}. */
    private static byte[] manifest(byte[] config, List<byte[]> stored, String layerType) {
        return json(Map.of("schemaVersion", 2, "mediaType", "application/vnd.oci.image.manifest.v1+json",
                "config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "digest", sha256(config),
                        "size", config.length),
                "layers", stored.stream().map(l -> Map.of("mediaType", layerType, "digest", sha256(l), "size", l.length)).toList()));
    }

    private static String blob(Path dir, byte[] manifest) throws IOException {
        return writeBlob(dir, manifest);
    }

    public static String writeBlob(Path dir, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Path file = blobPath(dir, digest);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return digest;
    }

    private static Path blobPath(Path dir, String digest) {
        return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /** Writes the layout's configuration and layers as blobs too (the manifest names them). */
    private static void blobs(Path dir, byte[] config, List<byte[]> stored) throws IOException {
        writeBlob(dir, config);
        for (byte[] l : stored) {
            writeBlob(dir, l);
        }
    }

    /** As {@link #layout}, the configuration and layers written too. */
    public static String writeLayout(Path dir, List<byte[]> layerTars, byte[] config, String refName) throws IOException {
        List<byte[]> stored = new ArrayList<>();
        for (byte[] tar : layerTars) {
            stored.add(gzip(tar));
        }
        blobs(dir, config, stored);
        return layout(dir, layerTars, config, refName);
    }

    /** A {@code docker save} archive in the legacy layout older engines write ({@code <id>/layer.tar}). */
    public static void dockerArchive(Path file, List<byte[]> layerTars, byte[] config, String repoTag) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            String configName = sha256(config).substring(7) + ".json";
            put(tar, configName, config);
            List<String> layers = new ArrayList<>();
            for (byte[] l : layerTars) {
                String name = sha256(l).substring(7, 71) + "/layer.tar";
                put(tar, name, l);
                layers.add(name);
            }
            put(tar, "manifest.json", json(List.of(Map.of("Config", configName, "RepoTags", List.of(repoTag), "Layers", layers))));
        }
    }

    /**
     * An OCI layout made from a {@code docker save} archive: the configuration's bytes as they are (the
     * image id stays), each layer gzip-compressed, named {@code refName}.
     */
    public static void layoutFromDockerArchive(Path archive, Path dir, String refName) throws IOException {
        try (TarFile tar = new TarFile(archive)) {
            Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
            tar.getEntries().forEach(e -> entries.put(e.getName(), e));
            JsonNode manifest = JSON.readTree(read(tar, entries.get("manifest.json"))).get(0);
            byte[] config = read(tar, entries.get(manifest.get("Config").asText()));
            Files.createDirectories(dir);
            writeBlob(dir, config);
            List<Map<String, Object>> layers = new ArrayList<>();
            for (JsonNode l : manifest.get("Layers")) {
                TarArchiveEntry e = entries.get(l.asText());
                // Layers are streamed through gzip to a blob file: an image is far larger than a test's heap needs to be.
                Path tmp = Files.createTempFile(dir, "layer", ".gz");
                MessageDigest md;
                try {
                    md = MessageDigest.getInstance("SHA-256");
                } catch (java.security.NoSuchAlgorithmException x) {
                    throw new IllegalStateException(x);
                }
                try (InputStream in = tar.getInputStream(e);
                     OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(tmp), md);
                     GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
                    in.transferTo(gz);
                }
                String digest = "sha256:" + HexFormat.of().formatHex(md.digest());
                Path to = blobPath(dir, digest);
                Files.createDirectories(to.getParent());
                Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                layers.add(Map.of("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip", "digest", digest,
                        "size", Files.size(to)));
            }
            byte[] m = json(Map.of("schemaVersion", 2, "mediaType", "application/vnd.oci.image.manifest.v1+json",
                    "config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "digest", sha256(config),
                            "size", config.length), "layers", layers));
            String digest = writeBlob(dir, m);
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            descriptor.put("digest", digest);
            descriptor.put("size", m.length);
            descriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", refName));
            Files.write(dir.resolve("index.json"), json(Map.of("schemaVersion", 2, "manifests", List.of(descriptor))));
        }
    }

    private static byte[] read(TarFile tar, TarArchiveEntry e) throws IOException {
        try (InputStream in = tar.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] json(Object value) {
        try {
            return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
