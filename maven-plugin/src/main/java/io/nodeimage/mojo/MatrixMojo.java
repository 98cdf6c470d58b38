package io.nodeimage.mojo;

import io.nodeimage.AtomicFiles;
import io.nodeimage.plan.CiMatrix;
import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints the selected profiles as JSON for CI fan-out, one entry per profile:
 * {@code {"include": [{"profile": ..., "family": ..., "release": ..., "arch": ...}]}}, the shape GitHub
 * Actions' {@code strategy.matrix} takes from {@code fromJSON}. Printed on standard output (so that
 * {@code mvn -q} gives only the JSON) and written to {@code <outputDirectory>/matrix.json}; with
 * {@link #gitlabPipeline}, also written as a GitLab child pipeline. Fails when no profile builds an
 * image: CI systems reject an empty matrix.
 *
 * @since 0.1.0
 */
@Mojo(name = "matrix", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class MatrixMojo extends AbstractNodeimageMojo {

    /**
     * Where the JSON is written as well.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MATRIX_OUTPUT, defaultValue = "${project.build.directory}/nodeimage/matrix.json")
    File matrixFile;

    /**
     * Where to write a GitLab child pipeline with one job per profile ({@code image-<profile>}, running
     * {@code ./mvnw -B verify -Dnodeimage.profiles=<profile>}). Not written when unset.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MATRIX_GITLAB_PIPELINE)
    File gitlabPipeline;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MATRIX_SKIP, defaultValue = "false")
    boolean skipMatrix;

    @Override
    String goal() {
        return "matrix";
    }

    @Override
    boolean skipGoal() {
        return skipMatrix;
    }

    @Override
    void run() {
        CiMatrix matrix = CiMatrix.of(selectedTargets(), repository, tag(), selection());
        String json = matrix.githubJson();
        AtomicFiles.write(matrixFile.toPath(), json + "\n");
        if (gitlabPipeline != null) {
            AtomicFiles.write(gitlabPipeline.toPath(), matrix.gitlabPipeline());
            getLog().info("GitLab child pipeline written to " + gitlabPipeline);
        }
        printResult(json + "\n");
        getLog().info(matrix.entries().size() + " profiles; matrix written to " + matrixFile);
    }
}
