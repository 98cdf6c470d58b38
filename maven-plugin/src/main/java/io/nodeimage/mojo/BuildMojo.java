package io.nodeimage.mojo;

import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.GitProvenance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the rendered Containerfile of each selected profile with the Docker engine, tagged
 * {@code <repository>/<profile>:<tag>}, with OCI labels for source, revision, created (from
 * SOURCE_DATE_EPOCH, else the commit's time) and the profile's digest; and the bootc Containerfile
 * where its base image is in the engine. Each step's first line is logged; a failed step fails the
 * build with its output.
 *
 * @since 0.1.0
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractNodeimageMojo {

    /**
     * How many profiles build at the same time.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUILD_THREADS, defaultValue = "2")
    int threads;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUILD_SKIP, defaultValue = "false")
    boolean skipBuild;

    @Override
    String goal() {
        return "build";
    }

    @Override
    boolean skipGoal() {
        return skipBuild;
    }

    @Override
    void run() {
        long start = System.nanoTime();
        List<ResolvedProfile> targets = selectedTargets();
        if (targets.isEmpty()) {
            getLog().warn("No profiles to build (set " + PropertyNames.PROFILES + ")");
            return;
        }
        Optional<GitProvenance.Snapshot> git = gitSnapshot();
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        Instant created = epoch != null && epoch.matches("[0-9]{1,12}") ? Instant.ofEpochSecond(Long.parseLong(epoch))
                : git.filter(g -> g.commit() != null).map(g -> Instant.ofEpochSecond(g.commitTime())).orElse(null);
        BuildService.Stamp stamp = new BuildService.Stamp(git.map(GitProvenance.Snapshot::remoteUrl).orElse(null),
                git.map(GitProvenance.Snapshot::commit).orElse(null), created,
                created == null ? null : Long.toString(created.getEpochSecond()));
        BuildService service = new BuildService(DockerEngine.client("the images cannot be built"), repository, tag(),
                stamp, threads);
        List<BuildService.Built> built = service.build(targets, outputDirectory.toPath(), line -> getLog().info(line));
        for (BuildService.Built b : built) {
            getLog().info(b.profile() + ": built " + b.image() + " (" + b.imageId() + ")"
                    + (b.bootcImage() == null ? "" : " and " + b.bootcImage() + " (" + b.bootcImageId() + ")"));
            b.notes().forEach(n -> getLog().warn(b.profile() + ": " + n));
        }
        getLog().info("Built " + built.size() + " profiles in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
