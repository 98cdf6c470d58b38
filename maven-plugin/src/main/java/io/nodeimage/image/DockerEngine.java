package io.nodeimage.image;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.EnvironmentAndSystemPropertyClientProviderStrategy;

/** The Docker engine, found as Testcontainers finds it; an engine that does not answer gets one message and a hint. */
public final class DockerEngine {

    /** One client for the whole build: finding the engine costs a few requests. */
    private static DockerClient client;

    private DockerEngine() {
    }

    /** @param purpose what needs the engine, for the message: "image x cannot be read" */
    public static DockerClient client(String purpose) {
        // Testcontainers tries other places when DOCKER_HOST does not answer; a user who names an engine
        // means that engine, so a socket that is not there stops here.
        String host = System.getenv("DOCKER_HOST");
        if (host != null && EngineSocket.configured().filter(p -> !java.nio.file.Files.exists(p)).isPresent()) {
            throw new ConfigurationException("no Docker engine answers at DOCKER_HOST=" + host + ", so " + purpose,
                    "start the engine (or set DOCKER_HOST to where it listens), then run again");
        }
        try {
            return connect();
        } catch (RuntimeException e) {
            throw new ConfigurationException("no Docker engine answers, so " + purpose + ": " + e.getMessage(),
                    "start the engine (or set DOCKER_HOST), then run again", e);
        }
    }

    /**
     * Finds the engine the way Testcontainers does (DOCKER_HOST, ~/.testcontainers.properties, the usual
     * sockets), but takes the plain client: Testcontainers' shared client would also start its reaper
     * container (an image to pull) and probe the host's address with a helper container, neither of
     * which the plugin needs, since it removes what it creates and never connects to a container.
     */
    private static synchronized DockerClient connect() {
        if (client == null) {
            List<DockerClientProviderStrategy> strategies = new ArrayList<>();
            if (System.getenv("DOCKER_HOST") != null) {
                // DOCKER_HOST (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) names the engine. Testcontainers
                // would try the strategy it saved in ~/.testcontainers.properties first (a local socket, once
                // a local engine answered there), so the build could read one engine and stream from another.
                strategies.add(new EnvironmentAndSystemPropertyClientProviderStrategy());
            } else {
                ServiceLoader.load(DockerClientProviderStrategy.class, DockerClientProviderStrategy.class.getClassLoader())
                        .forEach(strategies::add);
            }
            DockerClient found = DockerClientProviderStrategy.getFirstValidStrategy(strategies).getDockerClient();
            found.pingCmd().exec();
            client = found;
        }
        return client;
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
