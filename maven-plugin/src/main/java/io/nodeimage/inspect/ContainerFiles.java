package io.nodeimage.inspect;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.testcontainers.DockerClientFactory;

/**
 * An image's files, read through Docker's archive API from a container that is created and never
 * started: images without a shell, or that exit at once, read the same. Nothing in the image runs, and
 * the container has no network. Links come back as links; they are followed here, inside the image.
 */
public final class ContainerFiles implements AutoCloseable {

    private static final int MAX_LINK_HOPS = 8;

    private final DockerClient docker;
    private final String containerId;
    private final String architecture;
    private final Optional<UnixSocketArchive> fast = UnixSocketArchive.find();

    private ContainerFiles(DockerClient docker, String containerId, String architecture) {
        this.docker = docker;
        this.containerId = containerId;
        this.architecture = architecture;
    }

    /** The image's architecture as the engine records it (amd64, arm64). */
    public String architecture() {
        return architecture;
    }

    /** Creates (never starts) a container of the image. */
    public static ContainerFiles open(String image) {
        DockerClient docker;
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("no Docker engine answers");
            }
            docker = DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            throw new ConfigurationException("no Docker engine answers, so image " + image + " cannot be read",
                    "start the engine (or set DOCKER_HOST), then run again; on hosts without bridge networking "
                            + "set TESTCONTAINERS_HOST_OVERRIDE=localhost", e);
        }
        String architecture;
        try {
            architecture = docker.inspectImageCmd(image).exec().getArch();
        } catch (NotFoundException e) {
            throw new ConfigurationException("image " + image + " is not present in the Docker engine",
                    "build it first (nodeimage:build), or name a local image with -Dnodeimage.image=<name>");
        }
        String id = docker.createContainerCmd(image)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withEntrypoint("/nodeimage-inspects-this-container-without-running-it")
                .withLabels(java.util.Map.of("io.nodeimage.role", "inspect"))
                .exec().getId();
        return new ContainerFiles(docker, id, architecture);
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
                raw = docker.copyArchiveFromContainerCmd(containerId, path).exec();
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
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (RuntimeException e) {
            // Already gone: nothing to clean up.
        }
    }
}
