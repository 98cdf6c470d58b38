package io.nodeimage.inspect;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import io.nodeimage.image.DockerEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an image's own tools in containers of the engine: created, started, waited for, removed. */
final class EngineTools implements ImageTools {

    /** Output of a tool beyond this is not kept: package lists are far smaller. */
    private static final int RUN_OUTPUT_LIMIT = 32 * 1024 * 1024;

    private final String image;

    EngineTools(String image) {
        this.image = image;
    }

    @Override
    public Run run(List<String> command, Duration timeout) throws IOException {
        DockerClient docker = DockerEngine.client("image " + image + " cannot be read");
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
                code = docker.waitContainerCmd(id).start().awaitStatusCode(timeout.toSeconds(), TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                throw new IOException(String.join(" ", command) + " did not end within " + timeout.toSeconds() + " s");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                        .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                            @Override
                            public void onNext(com.github.dockerjava.api.model.Frame frame) {
                                ByteArrayOutputStream to =
                                        frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? err : out;
                                if (to.size() < RUN_OUTPUT_LIMIT) {
                                    to.writeBytes(frame.getPayload());
                                }
                            }
                        }).awaitCompletion(timeout.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the output of " + command.get(0), e);
            }
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
}
