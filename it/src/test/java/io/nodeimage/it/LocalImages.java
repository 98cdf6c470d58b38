package io.nodeimage.it;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Images the tests build on this machine, and containers of them with no network. */
final class LocalImages {

    private LocalImages() {
    }

    /**
     * Builds {@code <context>/Containerfile} through Testcontainers' Docker client and returns the tag.
     * A failed step throws with the engine's message (ImageFromDockerfile can hang writing the context
     * when the engine stops reading it). Package downloads use the host's network: the engine has no bridge.
     */
    static String build(Path context, String tag) {
        // The steps' output, so a failed build's exception says what the step printed.
        StringBuilder output = new StringBuilder();
        BuildImageResultCallback callback = new BuildImageResultCallback() {
            @Override
            public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
                if (item.getStream() != null) {
                    synchronized (output) {
                        output.append(item.getStream());
                    }
                }
                super.onNext(item);
            }
        };
        try {
            DockerClientFactory.instance().client().buildImageCmd()
                    .withBaseDirectory(context.toFile())
                    .withDockerfile(context.resolve("Containerfile").toFile())
                    .withTags(Set.of(tag))
                    .withNetworkMode("host")
                    .withPull(false)
                    .exec(callback)
                    .awaitImageId(10, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            synchronized (output) {
                throw new IllegalStateException(e.getMessage() + "\n" + output, e);
            }
        }
        // Used by tag from here on: the engine knows it locally, so nothing is pulled.
        return tag;
    }

    /** Builds the local Debian base with {@code <context>/modules/} as /usr/lib/modules; returns the tag. */
    static String buildWithModules(Path context, String tag) throws java.io.IOException {
        java.nio.file.Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                COPY modules/ /usr/lib/modules/
                """);
        return build(context, tag);
    }

    /** Lays a module tree out for an image's build context: hard links where the file system allows, else copies. */
    static void linkTree(Path tree, Path target) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(tree)) {
            for (Path p : walk.toList()) {
                Path to = target.resolve(tree.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    try {
                        java.nio.file.Files.createLink(to, p);
                    } catch (java.io.IOException | UnsupportedOperationException e) {
                        java.nio.file.Files.copy(p, to);
                    }
                }
            }
        }
    }

    /** Runs a command on the host in a folder; fails the test with its output when it fails. */
    static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** A started container of a local image, without a network, kept alive by sleep. */
    static GenericContainer<?> start(String tag) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(tag))
                .withNetworkMode("none")
                .withCommand("sleep", "600");
        container.start();
        return container;
    }

    /** Stops the containers and removes the images, whichever of them exist. */
    static void remove(java.util.List<GenericContainer<?>> containers, String... tags) {
        containers.stream().filter(java.util.Objects::nonNull).forEach(GenericContainer::stop);
        for (String tag : tags) {
            try {
                DockerClientFactory.instance().client().removeImageCmd(tag).withForce(true).exec();
            } catch (RuntimeException e) {
                // Never built, or already gone: nothing to remove.
            }
        }
    }

    /** What a command run as root in a started container printed on stdout (the image's user may be another). */
    static String execAsRoot(GenericContainer<?> c, String... command) throws Exception {
        com.github.dockerjava.api.DockerClient docker = c.getDockerClient();
        String id = docker.execCreateCmd(c.getContainerId()).withUser("0").withCmd(command)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        docker.execStartCmd(id).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.Frame frame) {
                if (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDOUT) {
                    out.writeBytes(frame.getPayload());
                }
            }
        }).awaitCompletion();
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
