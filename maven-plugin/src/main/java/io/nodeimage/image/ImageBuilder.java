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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds one Containerfile with the engine: host networking for the steps (the engine here has no
 * bridge, and package downloads need a network), no pull of a newer base (BuildService has checked
 * that the base is in the engine, which would otherwise pull it), labels added,
 * SOURCE_DATE_EPOCH passed as a build argument. Each step's first line goes to {@code steps}, and while a
 * step runs, its latest output line with the time it has taken, at most every {@value #PROGRESS_SECONDS}
 * seconds (a DKMS build is silent for minutes otherwise); a failed step throws with that step's output.
 * The whole output is kept for the build's log file.
 */
public final class ImageBuilder {

    /** A build that does not end in this time is stopped: builds here install packages, not compile worlds. */
    private static final long TIMEOUT_MINUTES = 60;
    /** How often a running step's progress is shown, at most. */
    static final int PROGRESS_SECONDS = 15;
    /** The log file keeps this much output; a build that says more is cut, and says so. */
    static final int LOG_LIMIT = 16 * 1024 * 1024;

    private final DockerClient docker;

    public ImageBuilder(DockerClient docker) {
        this.docker = docker;
    }

    public record Request(String profile, Path context, Path containerfile, String tag, Map<String, String> labels,
                          String sourceDateEpoch) {
    }

    /** @return the image id (sha256:...) */
    public String build(Request r, Consumer<String> steps) {
        return build(r, steps, new StringBuilder());
    }

    /** As {@link #build(Request, Consumer)}, with every line the build printed appended to {@code transcript}. */
    public String build(Request r, Consumer<String> steps, StringBuilder transcript) {
        StepLog log = new StepLog(r.profile(), steps, System::nanoTime, transcript);
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
            String output = log.output();
            throw new BuildFailedException(r.profile(), log.step, output, e.getMessage(),
                    FailedStep.describe(output, r.context().resolve("provision.sh")).orElse(null));
        }
    }

    /** Keeps the current step's output, passes each step's first line on, and its progress while it runs. */
    static final class StepLog extends BuildImageResultCallback {
        private static final Pattern BUILDAH_STEP = Pattern.compile("STEP (\\d+/\\d+): (.*)");
        private final String profile;
        private final Consumer<String> steps;
        private final java.util.function.LongSupplier nanos;
        private final StringBuilder transcript;
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        String step = "(before the first step)";
        private long stepStarted;
        private long lastShown;

        StepLog(String profile, Consumer<String> steps, java.util.function.LongSupplier nanos, StringBuilder transcript) {
            this.profile = profile;
            this.steps = steps;
            this.nanos = nanos;
            this.transcript = transcript;
            this.stepStarted = nanos.getAsLong();
            this.lastShown = stepStarted;
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

        synchronized void line(String line) {
            long now = nanos.getAsLong();
            if (transcript.length() < LOG_LIMIT) {
                transcript.append(line).append('\n');
                if (transcript.length() >= LOG_LIMIT) {
                    transcript.append("(the log stops here: the build printed more than ").append(LOG_LIMIT).append(" bytes)\n");
                }
            }
            Matcher podman = BUILDAH_STEP.matcher(line);
            if (podman.matches()) {
                // Podman's build (Buildah) heads a step "STEP 2/5: RUN ..."; shown and named as Docker's.
                line = "Step " + podman.group(1) + " : " + podman.group(2);
            }
            if (line.startsWith("Step ")) {
                long took = (now - stepStarted) / 1_000_000_000L;
                if (took >= PROGRESS_SECONDS) {
                    steps.accept("[" + profile + "] " + step.replaceAll(" : .*", "") + " took " + elapsed(took));
                }
                step = line;
                lines.clear();
                stepStarted = now;
                lastShown = now;
                steps.accept("[" + profile + "] " + line);
                return;
            }
            if (lines.size() < 400) {
                lines.add(line);
            }
            if (!line.isBlank() && now - lastShown >= PROGRESS_SECONDS * 1_000_000_000L) {
                lastShown = now;
                String shown = line.strip();
                steps.accept("[" + profile + "] " + step.replaceAll(" : .*", "") + " (" + elapsed((now - stepStarted) / 1_000_000_000L)
                        + "): " + (shown.length() > 160 ? shown.substring(0, 160) + "..." : shown));
            }
        }

        private static String elapsed(long seconds) {
            return seconds >= 60 ? seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s" : seconds + "s";
        }

        synchronized String output() {
            return String.join(System.lineSeparator(), lines) + (partial.length() > 0 ? System.lineSeparator() + partial : "");
        }
    }

    /** A build step failed, or the engine stopped answering during the build. */
    public static final class BuildFailedException extends NodeimageException {
        private static final long serialVersionUID = 1L;

        /** @param failedStep the step of provision.sh that failed, with the profile lines behind it; null if unknown */
        BuildFailedException(String profile, String step, String output, String engineMessage, String failedStep) {
            super("building " + profile + " failed at " + step + ": " + engineMessage
                    + (output.isBlank() ? "" : System.lineSeparator() + "Output of that step:" + System.lineSeparator() + output),
                    (failedStep == null ? "fix the step (the rendered files are under the output directory)"
                            : "what failed is " + failedStep + "; change the profile there (the rendered files say "
                            + "\"Do not edit\"), render")
                            + " and build again; the images of earlier builds keep their tags");
        }
    }
}
