package io.nodeimage.inspect;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.nodeimage.image.EngineSocket;
import io.nodeimage.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image's files, read through Docker's archive API from a container that is created and never
 * started: images without a shell, or that exit at once, read the same. Nothing in the image runs, and
 * the container has no network. Links come back as links; they are followed here, inside the image.
 */
public final class ContainerFiles implements AutoCloseable {

    private static final int MAX_LINK_HOPS = 8;

    /** docker-java, made only when needed (no Unix socket, or a tool to run): it costs 0.7 s to make. */
    private DockerClient docker;
    private final String containerId;
    private final String architecture;
    private final Optional<EngineSocket> fast;
    /** Trees read once and kept (root to entries); walks below a kept root are answered from memory. */
    private final Map<String, List<Kept>> kept = new LinkedHashMap<>();

    /** An entry of a kept tree; {@code content} is null when the file was too large to keep. */
    public record Kept(String path, TarArchiveEntry entry, byte[] content) {
    }

    private final String image;

    private final String imageId;

    private ContainerFiles(Optional<EngineSocket> fast, DockerClient docker, String image, String imageId,
                           String containerId, String architecture) {
        this.fast = fast;
        this.docker = docker;
        this.image = image;
        this.imageId = imageId;
        this.containerId = containerId;
        this.architecture = architecture;
    }

    /** The engine's id of the image (sha256:...): the digest of its configuration, which names its layers. */
    public String imageId() {
        return imageId;
    }

    /** The image's architecture as the engine records it (amd64, arm64). */
    public String architecture() {
        return architecture;
    }

    /** Creates (never starts) a container of the image. */
    public static ContainerFiles open(String image) {
        if (!image.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,511}")) {
            throw new ConfigurationException("'" + image + "' is not an image name",
                    "name an image as the engine does: repository[:tag], or an id");
        }
        Optional<EngineSocket> socket = EngineSocket.find();
        if (socket.isPresent()) {
            try {
                return openThrough(socket.get(), image);
            } catch (java.io.IOException e) {
                throw new ConfigurationException("no Docker engine answers at " + socket.get().path() + ", so image "
                        + image + " cannot be read: " + e.getMessage(), "start the engine (or set DOCKER_HOST), then run again", e);
            }
        }
        DockerClient docker = io.nodeimage.image.DockerEngine.client("image " + image + " cannot be read");
        String architecture;
        String imageId;
        try {
            com.github.dockerjava.api.command.InspectImageResponse inspected = docker.inspectImageCmd(image).exec();
            architecture = inspected.getArch();
            imageId = inspected.getId();
        } catch (NotFoundException e) {
            throw notPresent(image);
        }
        String id = docker.createContainerCmd(image)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withEntrypoint("/nodeimage-inspects-this-container-without-running-it")
                .withLabels(java.util.Map.of("io.nodeimage.role", "inspect"))
                .exec().getId();
        return new ContainerFiles(Optional.empty(), docker, image, imageId, id, architecture);
    }

    private static ConfigurationException notPresent(String image) {
        return new ConfigurationException("image " + image + " is not present in the Docker engine",
                "build it first (nodeimage:build), or name a local image with -Dnodeimage.image=<name>");
    }

    private static com.fasterxml.jackson.databind.JsonNode engineAnswer(EngineSocket.Answer answer, String shown)
            throws java.io.IOException {
        try {
            return io.nodeimage.yaml.Json.read(answer.body(), shown);
        } catch (io.nodeimage.yaml.Json.JsonException e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    private static ContainerFiles openThrough(EngineSocket socket, String image) throws java.io.IOException {
        EngineSocket.Answer inspected = socket.call("GET", "/images/" + image + "/json", null);
        if (inspected.code() == 404) {
            throw notPresent(image);
        }
        if (inspected.code() != 200) {
            throw new java.io.IOException("the engine answered " + inspected.code() + ": " + inspected.text().strip());
        }
        var json = engineAnswer(inspected, "the engine's description of image " + image);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("Image", image);
        create.put("Entrypoint", List.of("/nodeimage-inspects-this-container-without-running-it"));
        create.put("Labels", Map.of("io.nodeimage.role", "inspect"));
        create.put("HostConfig", Map.of("NetworkMode", "none"));
        EngineSocket.Answer created = socket.call("POST", "/containers/create", io.nodeimage.yaml.Json.write(create));
        if (created.code() != 201) {
            throw new java.io.IOException("creating a container of " + image + " was answered " + created.code() + ": "
                    + created.text().strip());
        }
        String id = io.nodeimage.yaml.JsonRead.text(engineAnswer(created, "the engine's answer to creating a container"), "Id");
        return new ContainerFiles(Optional.of(socket), null, image, io.nodeimage.yaml.JsonRead.text(json, "Id"), id,
                io.nodeimage.yaml.JsonRead.text(json, "Architecture"));
    }

    private DockerClient docker() {
        if (docker == null) {
            docker = io.nodeimage.image.DockerEngine.client("image " + image + " cannot be read");
        }
        return docker;
    }

    /** What a visitor sees: the entry's absolute path in the image, its metadata, and its content stream. */
    public interface Visitor {
        void visit(String path, TarArchiveEntry entry, InputStream content) throws IOException;
    }

    /**
     * Streams the tree at {@code path} (a file, a directory, or a link, which is not followed).
     *
     * @return false when the path does not exist in the image
     */
    public boolean walk(String path, Visitor visitor) throws IOException {
        Optional<List<Kept>> fromMemory = keptBelow(path);
        if (fromMemory.isPresent()) {
            for (Kept k : fromMemory.get()) {
                visitor.visit(k.path(), k.entry(), new ByteArrayInputStream(k.content() == null ? new byte[0] : k.content()));
            }
            return !fromMemory.get().isEmpty();
        }
        String parent = path.substring(0, path.lastIndexOf('/'));
        InputStream raw;
        if (fast.isPresent()) {
            Optional<InputStream> opened = fast.get().open(containerId, path);
            if (opened.isEmpty()) {
                return false;
            }
            raw = opened.get();
        } else {
            try {
                raw = docker().copyArchiveFromContainerCmd(containerId, path).exec();
            } catch (NotFoundException e) {
                return false;
            }
        }
        // Tar is read in 512-byte records; the buffer keeps them from becoming small socket reads.
        try (raw; TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(raw, 1 << 20))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
                visitor.visit(parent + "/" + name, e, tar);
            }
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Reads the tree at {@code root} once and keeps it, so that the many small reads below it (config
     * directories, single files) cost no further archive requests. Files larger than {@code fileLimit},
     * or beyond {@code totalLimit} bytes in all, keep only their metadata; walks needing their content go
     * to the engine.
     *
     * @return the kept entries, in archive order; empty when the root does not exist
     */
    public List<Kept> keep(String root, int fileLimit, long totalLimit) throws IOException {
        List<Kept> entries = new ArrayList<>();
        long[] total = {0};
        walk(root, (p, e, in) -> {
            byte[] content = null;
            if (e.isFile() && e.getSize() <= fileLimit && total[0] + e.getSize() <= totalLimit) {
                content = in.readNBytes((int) e.getSize());
                total[0] += content.length;
            }
            entries.add(new Kept(p, e, content));
        });
        kept.put(root, List.copyOf(entries));
        return kept.get(root);
    }

    /** The kept entries at and below {@code path}, if a kept tree covers it and holds every file's content. */
    private Optional<List<Kept>> keptBelow(String path) {
        for (Map.Entry<String, List<Kept>> tree : kept.entrySet()) {
            String root = tree.getKey();
            if (!path.equals(root) && !path.startsWith(root + "/")) {
                continue;
            }
            List<Kept> out = new ArrayList<>();
            for (Kept k : tree.getValue()) {
                if (k.path().equals(path) || k.path().startsWith(path + "/")) {
                    if (k.entry().isFile() && k.content() == null) {
                        return Optional.empty();
                    }
                    out.add(k);
                }
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }

    /**
     * The entry at {@code path} itself (a link is not followed): the stream is closed after its header,
     * so neither a directory's content nor a file's bytes are sent.
     */
    public Optional<TarArchiveEntry> stat(String path) throws IOException {
        TarArchiveEntry[] first = new TarArchiveEntry[1];
        try {
            walk(path, (p, e, in) -> {
                first[0] = e;
                throw new FirstEntry();
            });
        } catch (FirstEntry e) {
            // Seen what was asked for.
        }
        return Optional.ofNullable(first[0]);
    }

    private static final class FirstEntry extends RuntimeException {
        FirstEntry() {
            super(null, null, false, false);
        }
    }

    /** A regular file's bytes, following links inside the image; empty if absent or larger than the limit. */
    public Optional<byte[]> read(String path, int limit) throws IOException {
        String current = path;
        for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
            byte[][] content = new byte[1][];
            String[] link = new String[1];
            String at = current;
            boolean found = walk(current, (p, e, in) -> {
                if (!p.equals(at)) {
                    return;
                }
                if (e.isSymbolicLink()) {
                    link[0] = e.getLinkName();
                } else if (e.isFile() && e.getSize() <= limit) {
                    content[0] = in.readNBytes((int) e.getSize());
                }
            });
            if (!found) {
                return Optional.empty();
            }
            if (link[0] == null) {
                return Optional.ofNullable(content[0]);
            }
            current = resolveLink(current, link[0]);
        }
        return Optional.empty();
    }

    /** What a command run in the image printed, and how it ended. */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs one of the image's own tools, where it is the authority on its data (rpm on its database): as
     * root, with no network, the entrypoint replaced, and the container removed afterwards.
     *
     * @throws IOException when the command cannot start (not in the image) or does not end in time
     */
    public Run run(List<String> command, java.time.Duration timeout) throws IOException {
        DockerClient docker = docker();
        String id = docker.createContainerCmd(image)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withEntrypoint(command.get(0))
                .withCmd(command.subList(1, command.size()))
                .withUser("0")
                .withLabels(Map.of("io.nodeimage.role", "inspect"))
                .exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            Integer code;
            try {
                code = docker.waitContainerCmd(id).start().awaitStatusCode(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                throw new IOException(String.join(" ", command) + " did not end within " + timeout.toSeconds() + " s");
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            try {
                docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                        .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                            @Override
                            public void onNext(com.github.dockerjava.api.model.Frame frame) {
                                java.io.ByteArrayOutputStream to =
                                        frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? err : out;
                                if (to.size() < RUN_OUTPUT_LIMIT) {
                                    to.writeBytes(frame.getPayload());
                                }
                            }
                        }).awaitCompletion(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the output of " + command.get(0), e);
            }
            return new Run(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                    err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IOException(command.get(0) + " cannot run in image " + image + ": " + e.getMessage(), e);
        } finally {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException e) {
                // Already gone.
            }
        }
    }

    /** Output of a tool beyond this is not kept: package lists are far smaller. */
    private static final int RUN_OUTPUT_LIMIT = 32 * 1024 * 1024;

    /** A link's target as an absolute path inside the image (absolute targets are the image's own root). */
    public static String resolveLink(String linkPath, String target) {
        String base = target.startsWith("/") ? "" : linkPath.substring(0, linkPath.lastIndexOf('/'));
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : (base + "/" + target).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    @Override
    public void close() {
        try {
            if (fast.isPresent()) {
                fast.get().call("DELETE", "/containers/" + containerId + "?force=1", null);
            } else {
                docker.removeContainerCmd(containerId).withForce(true).exec();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Already gone, or the engine stopped: nothing left to clean up here.
        }
    }
}
