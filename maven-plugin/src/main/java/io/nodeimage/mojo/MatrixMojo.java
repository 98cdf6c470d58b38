package io.nodeimage.mojo;

import io.nodeimage.AtomicFiles;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.yaml.Json;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints the selected profiles as JSON for CI fan-out, one entry per profile:
 * {@code {"include": [{"profile": ..., "family": ..., "release": ..., "arch": ...}]}}, the shape GitHub
 * Actions' {@code strategy.matrix} takes from {@code fromJSON}. Printed on standard output (so that
 * {@code mvn -q} gives only the JSON) and written to {@code <outputDirectory>/matrix.json}.
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
        // By name: the matrix is the same whatever order the selection named them in.
        List<ResolvedProfile> targets = selectedTargets().stream()
                .sorted(java.util.Comparator.comparing(ResolvedProfile::name)).toList();
        String json = Json.writeLine(Map.of("include", targets.stream().map(p -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("profile", p.name());
            entry.put("family", p.profile().os().family().yamlName());
            entry.put("release", p.profile().os().release());
            entry.put("arch", p.profile().os().arch().yamlName());
            entry.put("image", io.nodeimage.image.BuildService.imageName(repository, p.name(), tag));
            return (Object) entry;
        }).toList()));
        AtomicFiles.write(matrixFile.toPath(), json + "\n");
        printResult(json + "\n");
        getLog().info(targets.size() + " profiles; matrix written to " + matrixFile);
    }
}
