package io.nodeimage.inspect;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs one of an image's own tools where it is the authority on its data (rpm on its database). */
public interface ImageTools {

    /** What a command run in the image printed, and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code command} in a container of the image: as root, with no network, the entrypoint
     * replaced, and the container removed afterwards.
     *
     * @throws IOException when the command cannot start (not in the image) or does not end in time
     */
    Run run(List<String> command, Duration timeout) throws IOException;
}
