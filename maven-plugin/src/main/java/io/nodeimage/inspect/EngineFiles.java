package io.nodeimage.inspect;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.nodeimage.ConfigurationException;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.image.EngineSocket;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image's files, read through the engine's archive API (Docker, or Podman's compatible service) from a
 * container that is created and never started: images without a shell, or that exit at once, read the
 * same. Nothing in the image runs, and the container has no network. Two transports carry the archive:
 * the engine's Unix socket straight ({@link EngineSocket}, fast), or docker-java for every other engine.
 */
public final class EngineFiles implements ImageFiles {

    /** Where a path's archive comes from, and how the container goes away. */
    private interface Archive {
        /** The tar stream of a path in the container; empty when it does not exist. */
        Optional<InputStream> open(String path) throws IOException;

        void remove();
    }

    private final String image;
    private final String imageId;
    private final String architecture;
    private final Archive archive;

    private EngineFiles(String image, String imageId, String architecture, Archive archive) {
        this.image = image;
        this.imageId = imageId;
        this.architecture = architecture;
        this.archive = archive;
    }

    @Override
    public String imageId() {
        return imageId;
    }

    @Override
    public String architecture() {
        return architecture;
    }

    /**
     * The image's files in the engine DOCKER_HOST names: through a container that is created, never
     * started; or, from Podman, through the image's export read as its layers. Podman's archive API
     * writes the container's user as the owner of every entry (names survive in the tar header's user and
     * group names, but not for owners without a name), so owners would depend on the engine.
     */
    public static ImageFiles open(String image) {
        validate(image);
        Optional<EngineSocket> socket = EngineSocket.find();
        if (socket.isPresent()) {
            try {
                Optional<ImageFiles> podman = PodmanExport.open(socket.get(), image);
                if (podman.isPresent()) {
                    return podman.get();
                }
            } catch (io.nodeimage.layers.LayerException e) {
                // A layer that is not what its digest says, or past a limit: the image is at fault, not the engine.
                throw new ConfigurationException("image " + image + " cannot be read from Podman's export: " + e.getMessage(),
                        "the image's layers are damaged or beyond nodeimage's limits; rebuild or re-pull it", e);
            } catch (IOException e) {
                throw new ConfigurationException("no Docker engine answers at " + socket.get().path() + ", so image "
                        + image + " cannot be read: " + e.getMessage(), "start the engine (or set DOCKER_HOST), then run again", e);
            }
        }
        return container(image);
    }

    /** Creates (never starts) a container of the image in the engine DOCKER_HOST names, and reads through its archive API. */
    public static EngineFiles container(String image) {
        validate(image);
        Optional<EngineSocket> socket = EngineSocket.find();
        if (socket.isPresent()) {
            try {
                return throughSocket(socket.get(), image);
            } catch (IOException e) {
                throw new ConfigurationException("no Docker engine answers at " + socket.get().path() + ", so image "
                        + image + " cannot be read: " + e.getMessage(), "start the engine (or set DOCKER_HOST), then run again", e);
            }
        }
        return throughClient(DockerEngine.client("image " + image + " cannot be read"), image);
    }

    private static void validate(String image) {
        if (!image.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,511}")) {
            throw new ConfigurationException("'" + image + "' is not an image name",
                    "name an image as the engine does: repository[:tag], or an id; or a source such as "
                            + "oci:<dir>, docker-archive:<file> or docker://<reference>");
        }
    }

    static ConfigurationException notPresent(String image) {
        return new ConfigurationException("image " + image + " is not present in the Docker engine",
                "build it first (nodeimage:build), or name a local image with -Dnodeimage.image=<name>, "
                        + "or an image outside the engine as oci:<dir>, docker-archive:<file> or docker://<reference>");
    }

    static com.fasterxml.jackson.databind.JsonNode engineAnswer(EngineSocket.Answer answer, String shown)
            throws IOException {
        try {
            return Json.read(answer.body(), shown);
        } catch (Json.JsonException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static EngineFiles throughSocket(EngineSocket socket, String image) throws IOException {
        EngineSocket.Answer inspected = socket.call("GET", "/images/" + image + "/json", null);
        if (inspected.code() == 404) {
            throw notPresent(image);
        }
        if (inspected.code() != 200) {
            throw new IOException("the engine answered " + inspected.code() + ": " + inspected.text().strip());
        }
        var json = engineAnswer(inspected, "the engine's description of image " + image);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("Image", image);
        create.put("Entrypoint", List.of("/nodeimage-inspects-this-container-without-running-it"));
        create.put("Labels", Map.of("io.nodeimage.role", "inspect"));
        create.put("HostConfig", Map.of("NetworkMode", "none"));
        EngineSocket.Answer created = socket.call("POST", "/containers/create", Json.write(create));
        if (created.code() != 201) {
            throw new IOException("creating a container of " + image + " was answered " + created.code() + ": "
                    + created.text().strip());
        }
        String id = JsonRead.text(engineAnswer(created, "the engine's answer to creating a container"), "Id");
        Archive archive = new Archive() {
            @Override
            public Optional<InputStream> open(String path) throws IOException {
                return socket.open(id, path);
            }

            @Override
            public void remove() {
                try {
                    socket.call("DELETE", "/containers/" + id + "?force=1", null);
                } catch (IOException | RuntimeException e) {
                    // Already gone, or the engine stopped: nothing left to clean up here.
                }
            }
        };
        return new EngineFiles(image, JsonRead.text(json, "Id"), JsonRead.text(json, "Architecture"), archive);
    }

    private static EngineFiles throughClient(DockerClient docker, String image) {
        com.github.dockerjava.api.command.InspectImageResponse inspected;
        try {
            inspected = docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw notPresent(image);
        }
        String id = docker.createContainerCmd(image)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withEntrypoint("/nodeimage-inspects-this-container-without-running-it")
                .withLabels(Map.of("io.nodeimage.role", "inspect"))
                .exec().getId();
        Archive archive = new Archive() {
            @Override
            public Optional<InputStream> open(String path) {
                try {
                    return Optional.of(docker.copyArchiveFromContainerCmd(id, path).exec());
                } catch (NotFoundException e) {
                    return Optional.empty();
                }
            }

            @Override
            public void remove() {
                try {
                    docker.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException e) {
                    // Already gone.
                }
            }
        };
        return new EngineFiles(image, inspected.getId(), inspected.getArch(), archive);
    }

    @Override
    public boolean walk(String path, Visitor visitor) throws IOException {
        String parent = path.substring(0, path.lastIndexOf('/'));
        Optional<InputStream> raw = archive.open(path);
        if (raw.isEmpty()) {
            return false;
        }
        // Tar is read in 512-byte records; the buffer keeps them from becoming small socket reads.
        try (InputStream in = raw.get(); TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 20))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
                visitor.visit(parent + "/" + name, e, tar);
            }
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The image's tools run through docker-java, in containers of their own. */
    @Override
    public Optional<ImageTools> tools() {
        return Optional.of(new EngineTools(image));
    }

    @Override
    public void close() {
        archive.remove();
    }
}
