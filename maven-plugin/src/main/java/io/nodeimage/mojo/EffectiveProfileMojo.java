package io.nodeimage.mojo;

import io.nodeimage.AtomicFiles;
import io.nodeimage.profile.EffectiveProfile;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSelection;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.ConfigurationException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints each selected profile fully resolved (its {@code extends} chain merged) as YAML on standard
 * output (so that {@code mvn -q} gives only the YAML, one document per profile separated by
 * {@code ---}), and writes it to {@code <outputDirectory>/<profile>/effective-profile.yaml}.
 *
 * @since 0.1.0
 */
@Mojo(name = "effective-profile", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class EffectiveProfileMojo extends AbstractNodeimageMojo {

    /**
     * Follow every value with a comment naming the file and line it was written at.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.ORIGINS, defaultValue = "false")
    boolean origins;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.EFFECTIVE_PROFILE_SKIP, defaultValue = "false")
    boolean skipEffectiveProfile;

    @Override
    String goal() {
        return "effective-profile";
    }

    @Override
    boolean skipGoal() {
        return skipEffectiveProfile;
    }

    @Override
    void run() {
        ProfileSources sources = profileSources();
        ProfileSelection.Selected selected = ProfileSelection.select(sources, selection(), false);
        if (!selected.problems().isEmpty()) {
            throw new ConfigurationException(selected.problems().get(0).message(), selected.problems().get(0).hint());
        }
        if (selected.names().isEmpty()) {
            throw new ConfigurationException("no profile selected and none in " + profilesDirectory,
                    "name one with -D" + PropertyNames.PROFILES + "=<name>");
        }
        List<ResolvedProfile> resolved = new ProfileResolver(sources).resolveAll(selected.names());
        StringBuilder printed = new StringBuilder();
        for (ResolvedProfile profile : resolved) {
            String yaml = EffectiveProfile.toYaml(profile, origins);
            Path file = outputDirectory.toPath().resolve(profile.name()).resolve("effective-profile.yaml");
            AtomicFiles.write(file, yaml);
            // Several profiles print as one YAML stream, a document each.
            printed.append(printed.isEmpty() ? "" : "---\n").append(yaml.endsWith("\n") ? yaml : yaml + "\n");
            getLog().info("Written to " + file);
        }
        printResult(printed.toString());
    }
}
