package io.nodeimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A long step shows its latest output with its elapsed time, at most every few seconds; all is kept. */
class StepLogTest {

    @Test
    void aLongStepShowsThrottledProgressAndItsDurationAndTheTranscriptKeepsEverything() {
        AtomicLong now = new AtomicLong();
        List<String> shown = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        ImageBuilder.StepLog log = new ImageBuilder.StepLog("node", shown::add, now::get, transcript);
        log.line("Step 6/13 : RUN [\"/bin/bash\", \"provision.sh\", \"packages\"]");
        for (int second = 1; second <= 100; second++) {
            now.set(second * 1_000_000_000L);
            log.line("Building initial module for 6.1.0-50-amd64 (" + second + ")");
        }
        now.set(101 * 1_000_000_000L);
        log.line("Step 7/13 : RUN [\"/bin/bash\", \"provision.sh\", \"modules\"]");
        assertThat(shown.get(0)).isEqualTo("[node] Step 6/13 : RUN [\"/bin/bash\", \"provision.sh\", \"packages\"]");
        assertThat(shown).filteredOn(l -> l.contains("(")).hasSize(100 / ImageBuilder.PROGRESS_SECONDS)
                .contains("[node] Step 6/13 (15s): Building initial module for 6.1.0-50-amd64 (15)")
                .contains("[node] Step 6/13 (1m30s): Building initial module for 6.1.0-50-amd64 (90)");
        assertThat(shown).contains("[node] Step 6/13 took 1m41s");
        assertThat(shown.get(shown.size() - 1)).startsWith("[node] Step 7/13 : ");
        assertThat(transcript.toString().lines()).hasSize(102).contains("Building initial module for 6.1.0-50-amd64 (37)");
    }

    @Test
    void aQuickStepShowsOnlyItsFirstLine() {
        AtomicLong now = new AtomicLong();
        List<String> shown = new ArrayList<>();
        ImageBuilder.StepLog log = new ImageBuilder.StepLog("node", shown::add, now::get, new StringBuilder());
        log.line("Step 1/13 : FROM nodeimage/debian:12");
        now.set(2_000_000_000L);
        log.line(" ---> 0a1b2c3d");
        log.line("Step 2/13 : ARG SOURCE_DATE_EPOCH");
        assertThat(shown).containsExactly("[node] Step 1/13 : FROM nodeimage/debian:12", "[node] Step 2/13 : ARG SOURCE_DATE_EPOCH");
    }

    @Test
    void podmansStepHeadsAreShownAsDockersAndTheTranscriptKeepsThem() {
        List<String> shown = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        ImageBuilder.StepLog log = new ImageBuilder.StepLog("node", shown::add, () -> 0L, transcript);
        // As Podman 4.3's compatible build endpoint streams them.
        log.line("STEP 1/3: FROM nodeimage/debian:12");
        log.line("STEP 2/3: RUN echo fetching; exit 100");
        log.line("fetching");
        assertThat(shown).containsExactly("[node] Step 1/3 : FROM nodeimage/debian:12", "[node] Step 2/3 : RUN echo fetching; exit 100");
        assertThat(log.step).isEqualTo("Step 2/3 : RUN echo fetching; exit 100");
        assertThat(log.output()).isEqualTo("fetching");
        assertThat(transcript).hasToString("STEP 1/3: FROM nodeimage/debian:12\nSTEP 2/3: RUN echo fetching; exit 100\nfetching\n");
    }
}
