package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.image.DockerEngine;
import io.nodeimage.image.ImageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build logs each step, labels the image, and a failed step fails with that step's output, while the
 * image built before under the same tag stays as it was.
 */
@ExtendWith(DockerRequired.class)
class ImageBuildFailureTest {

    private static final String TAG = "nodeimage-it/build-failure:test";

    @TempDir
    Path context;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), TAG);
    }

    @Test
    void aFailedStepFailsWithItsOutputAndTheEarlierImageStays() throws Exception {
        var docker = DockerEngine.client("the test cannot build");
        ImageBuilder builder = new ImageBuilder(docker);
        Files.writeString(context.resolve("good"), "FROM nodeimage/debian:12\nARG SOURCE_DATE_EPOCH\n"
                + "RUN echo \"built at $SOURCE_DATE_EPOCH\" > /built\n");
        List<String> steps = new ArrayList<>();
        String good = builder.build(new ImageBuilder.Request("site", context, context.resolve("good"), TAG,
                Map.of("org.opencontainers.image.revision", "abc123"), "1790000000"), steps::add);
        assertThat(good).matches("sha256:[0-9a-f]{64}");
        assertThat(steps).containsExactly("[site] Step 1/4 : FROM nodeimage/debian:12", "[site] Step 2/4 : ARG SOURCE_DATE_EPOCH",
                "[site] Step 3/4 : RUN echo \"built at $SOURCE_DATE_EPOCH\" > /built",
                "[site] Step 4/4 : LABEL org.opencontainers.image.revision=abc123");
        assertThat(docker.inspectImageCmd(TAG).exec().getConfig().getLabels())
                .containsEntry("org.opencontainers.image.revision", "abc123");

        Files.writeString(context.resolve("bad"), "FROM nodeimage/debian:12\n"
                + "RUN echo 'fetching the driver'; echo 'E: Unable to locate package nvidia-open' >&2; exit 100\n"
                + "RUN echo never\n");
        assertThatThrownBy(() -> builder.build(new ImageBuilder.Request("site", context, context.resolve("bad"), TAG,
                Map.of(), null), line -> { }))
                .isInstanceOf(ImageBuilder.BuildFailedException.class)
                .hasMessageStartingWith("building site failed at Step 2/3 : RUN echo 'fetching the driver';")
                .hasMessageContaining("fetching the driver")
                .hasMessageContaining("E: Unable to locate package nvidia-open")
                .hasMessageContaining("returned a non-zero code: 100")
                .hasMessageNotContaining("never");
        assertThat(DockerEngine.imageId(docker, TAG)).as("the earlier image keeps its tag").isEqualTo(good);
    }
}
