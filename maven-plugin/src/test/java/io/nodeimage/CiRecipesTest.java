package io.nodeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The CI examples in docs/ci, read as their CI systems read them; the GitHub matrix steps run as bash does them. */
class CiRecipesTest {

    private static final String MATRIX = "{\"include\": [{\"profile\": \"site-b200\"}]}";

    @Test
    void githubWorkflowMayUploadSarif() throws IOException {
        Map<String, Object> workflow = github();
        assertThat(workflow.get("permissions")).isEqualTo(Map.of("contents", "read", "security-events", "write"));
    }

    @Test
    void githubMatrixStepFailsTheJobWhenMavenFails(@TempDir Path dir) throws Exception {
        List<String> steps = matrixRuns();
        fakeMavenWrapper(dir, "echo '[ERROR] no profile to build'; exit 1");
        // GitHub runs each `run` with `bash -e`: a failing step stops the job before the output is set.
        assertThat(runStep(dir, steps.get(0))).isNotZero();
    }

    @Test
    void githubMatrixStepsPassOnTheFileMatrixWrote(@TempDir Path dir) throws Exception {
        List<String> steps = matrixRuns();
        fakeMavenWrapper(dir, "echo '[INFO] noise'; mkdir -p target/nodeimage; echo '" + MATRIX + "' > target/nodeimage/matrix.json");
        for (String step : steps) {
            assertThat(runStep(dir, step)).isZero();
        }
        assertThat(Files.readString(dir.resolve("github-output"))).isEqualTo("profiles=" + MATRIX + "\n");
    }

    @Test
    void gitlabPlanWritesTheChildPipelineWithMatrix() throws IOException {
        Map<String, Object> pipeline = new Yaml().load(Files.readString(RepositoryFiles.root().resolve("docs/ci/gitlab-ci.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> plan = (Map<String, Object>) pipeline.get("plan");
        assertThat(plan.get("script")).isEqualTo(List.of("./mvnw -B nodeimage:matrix -Dnodeimage.matrix.gitlabPipeline=images.yml"));
        assertThat(plan.toString()).doesNotContain("grep");
    }

    private static Map<String, Object> github() throws IOException {
        return new Yaml().load(Files.readString(RepositoryFiles.root().resolve("docs/ci/github-actions.yml")));
    }

    /** The `run` steps of the matrix job, in order. */
    @SuppressWarnings("unchecked")
    private static List<String> matrixRuns() throws IOException {
        Map<String, Object> jobs = (Map<String, Object>) github().get("jobs");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) jobs.get("matrix")).get("steps");
        List<String> runs = steps.stream().filter(s -> s.containsKey("run")).map(s -> (String) s.get("run")).toList();
        assertThat(runs).hasSize(2);
        return runs;
    }

    private static void fakeMavenWrapper(Path dir, String body) throws IOException {
        Path mvnw = dir.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int runStep(Path dir, String script) throws Exception {
        ProcessBuilder step = new ProcessBuilder("bash", "-e", "-c", script).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("step.log").toFile());
        step.environment().put("GITHUB_OUTPUT", dir.resolve("github-output").toString());
        Process process = step.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
