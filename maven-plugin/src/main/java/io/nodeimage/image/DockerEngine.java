package io.nodeimage.image;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.ConfigurationException;
import org.testcontainers.DockerClientFactory;

/** The Docker engine, reached through Testcontainers' client; an engine that does not answer gets one hint. */
public final class DockerEngine {

    private DockerEngine() {
    }

    /** @param purpose what needs the engine, for the message: "image x cannot be read" */
    public static DockerClient client(String purpose) {
        // Testcontainers tries other places when DOCKER_HOST does not answer; a user who names an engine
        // means that engine, so a socket that is not there stops here.
        String host = System.getenv("DOCKER_HOST");
        if (host != null && host.startsWith("unix://") && !java.nio.file.Files.exists(java.nio.file.Path.of(host.substring(7)))) {
            throw new ConfigurationException("no Docker engine answers at DOCKER_HOST=" + host + ", so " + purpose,
                    "start the engine (or set DOCKER_HOST to where it listens), then run again");
        }
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("no Docker engine answers");
            }
            return DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            throw new ConfigurationException("no Docker engine answers, so " + purpose,
                    "start the engine (or set DOCKER_HOST), then run again; on hosts without bridge networking "
                            + "set TESTCONTAINERS_HOST_OVERRIDE=localhost", e);
        }
    }

    /** The engine's id of a local image (sha256:...), or null when the engine does not have it. */
    public static String imageId(DockerClient docker, String image) {
        try {
            return docker.inspectImageCmd(image).exec().getId();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return null;
        }
    }
}
