package io.nodeimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real validator (shellcheck, cloud-init, packer). A missing tool skips the test on a laptop
 * and fails it in CI, where .ci/run installs every tool.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    public record Result(int exitCode, String output) {
    }

    public static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        Ci.missing(tool + " is not installed, and CI is set; .ci/run installs it",
                tool + " is not installed; skipped here, a failure in CI");
    }

    public static Result run(Path workDir, String... command) throws IOException, InterruptedException {
        require(command[0]);
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(workDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("CHECKPOINT_DISABLE", "1");
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 120 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
