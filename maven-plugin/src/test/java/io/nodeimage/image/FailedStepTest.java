package io.nodeimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailedStepTest {

    @TempDir
    Path dir;

    @Test
    void theTrappedLineIsToldAsItsStepAndPhase() throws Exception {
        Path script = dir.resolve("provision.sh");
        Files.writeString(script, String.join("\n",
                "#!/usr/bin/env bash",                                    // 1
                "phase_packages() {",                                     // 2
                "  apt-get update",                                       // 3
                "  # packages.install: profiles/site.yaml:12",            // 4
                "  apt-get install -y site-agent",                        // 5
                "}",                                                      // 6
                "phase_files() {",                                        // 7
                "  # files: profiles/site.yaml:20",                       // 8
                "  # shellcheck disable=SC2016",                          // 9
                "  write_file /etc/motd 0644 root root 'costs $5'",       // 10
                "}",                                                      // 11
                "") + "\n");
        String output = "E: Unable to locate package site-agent\nprovision.sh: line 5 failed (exit status 100)\n";
        assertThat(FailedStep.describe(output, script))
                .contains("provision.sh line 5 (phase packages), the step for packages.install: profiles/site.yaml:12");
        // apt-get update failing has no step comment above it in its phase.
        assertThat(FailedStep.describe("provision.sh: line 3 failed (exit status 100)", script))
                .contains("provision.sh line 3 (phase packages)");
        assertThat(FailedStep.describe("provision.sh: line 10 failed (exit status 1)", script))
                .contains("provision.sh line 10 (phase files), the step for files: profiles/site.yaml:20");
        assertThat(FailedStep.describe("no trap here", script)).isEmpty();
        assertThat(FailedStep.describe("provision.sh: line 99 failed (exit status 1)", script)).isEmpty();
        assertThat(FailedStep.describe("provision.sh: line 5 failed (exit status 1)", dir.resolve("absent"))).isEmpty();
    }
}
