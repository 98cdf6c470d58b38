package io.nodeimage.image;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.nodeimage.NodeimageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds one Containerfile with the engine: host networking for the steps (the engine here has no
 * bridge, and package downloads need a network), no pull of a newer base (BuildService has checked
 * that the base is in the engine, which would otherwise pull it), labels added,
 * SOURCE_DATE_EPOCH passed as a build argument. Each step's first line goes to {@code steps}; a failed
 * step throws with that step's whole output.
 */
public final class ImageBuilder {

    /** A build that does not end in this time is stopped: builds here install packages, not compile worlds. */
    private static final long TIMEOUT_MINUTES = 60;

    private final DockerClient docker;

    public ImageBuilder(DockerClient docker) {
        this.docker = docker;
    }

    public record Request(String profile, Path context, Path containerfile, String tag, Map<String, String> labels,
                          String sourceDateEpoch) {
    }

    /** @return the image id (sha256:...) */
    public String build(Request r, Consumer<String> steps) {
        StepLog log = new StepLog(r.profile(), steps);
        var cmd = docker.buildImageCmd()
                .withBaseDirectory(r.context().toFile())
                .withDockerfile(r.containerfile().toFile())
                .withTags(Set.of(r.tag()))
                .withNetworkMode("host")
                .withPull(false)
                // Intermediate containers go even when a step fails: a failed build leaves nothing behind.
                .withForcerm(true)
                .withLabels(r.labels());
        if (r.sourceDateEpoch() != null) {
            cmd.withBuildArg("SOURCE_DATE_EPOCH", r.sourceDateEpoch());
        }
        try {
            String id = cmd.exec(log).awaitImageId(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            // The classic builder reports a short id ("Successfully built 0a1b2c3d"); the engine has the full one.
            return id.startsWith("sha256:") ? id : DockerEngine.imageId(docker, r.tag());
        } catch (RuntimeException e) {
            throw new BuildFailedException(r.profile(), log.step, log.output(), e.getMessage());
        }
    }

    /** Keeps the current step's output, and passes each step's first line on. */
    private static final class StepLog extends BuildImageResultCallback {
        private final String profile;
        private final Consumer<String> steps;
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        String step = "(before the first step)";

        StepLog(String profile, Consumer<String> steps) {
            this.profile = profile;
            this.steps = steps;
        }

        @Override
        public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
                partial.append(item.getStream());
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    line(partial.substring(0, nl));
                    partial.delete(0, nl + 1);
                }
            }
            if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                line(item.getErrorDetail().getMessage());
            }
            super.onNext(item);
        }

        private synchronized void line(String line) {
            if (line.startsWith("Step ")) {
                step = line;
                lines.clear();
                steps.accept("[" + profile + "] " + line);
            } else if (lines.size() < 400) {
                lines.add(line);
            }
        }

        synchronized String output() {
            return String.join(System.lineSeparator(), lines) + (partial.length() > 0 ? System.lineSeparator() + partial : "");
        }
    }

    /** A build step failed, or the engine stopped answering during the build. */
    public static final class BuildFailedException extends NodeimageException {
        private static final long serialVersionUID = 1L;

        BuildFailedException(String profile, String step, String output, String engineMessage) {
            super("building " + profile + " failed at " + step + ": " + engineMessage
                    + (output.isBlank() ? "" : System.lineSeparator() + "Output of that step:" + System.lineSeparator() + output),
                    "fix the step (the rendered files are under the output directory) and build again; "
                            + "the images of earlier builds keep their tags");
        }
    }
}
