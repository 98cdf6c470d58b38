package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.NodeimageException;
import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that fails in provision.sh says which step failed and the profile line it came from, since
 * the rendered files say "Do not edit"; every profile that failed in the run is reported, not the first.
 */
@ExtendWith(DockerRequired.class)
class BuildFailureHintTest {

    @TempDir
    Path project;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), "nodeimage-it/hint-a:test", "nodeimage-it/hint-b:test");
    }

    private void profile(String name, String body) throws Exception {
        Files.writeString(project.resolve("profiles").resolve(name + ".yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: %s
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "nodeimage/debian:12"}
                outputs: [containerfile]
                """.formatted(name) + body);
    }

    @Test
    void eachFailedProfileNamesTheProfileLineOfItsFailingStep() throws Exception {
        Files.createDirectories(project.resolve("profiles"));
        // The package that cannot be installed is on line 8 of hint-a and line 11 of hint-b.
        profile("hint-a", "packages:\n  install: [kmod, nodeimage-no-such-package-a]\n");
        profile("hint-b", "sysctl:\n  kernel.kptr_restrict: \"2\"\npackages:\n  install:\n    - nodeimage-no-such-package-b\n");
        var resolved = new ProfileResolver(ProfileSources.withBundledCatalog(project.resolve("profiles"), project))
                .resolveAll(List.of("hint-a", "hint-b"));
        Path out = project.resolve("target/nodeimage");
        new RenderService(Map.of(), false).render(resolved, out);
        BuildService builds = new BuildService(DockerEngine.client("the test cannot build"), "nodeimage-it", "test",
                new BuildService.Stamp(null, null, Instant.parse("2026-11-27T00:00:00Z"), null), 2);
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> builds.build(resolved, out, log::add))
                .isInstanceOf(NodeimageException.class)
                .hasMessageStartingWith("2 profiles failed to build (0 built):")
                .hasMessageContaining("- building hint-a failed at Step 6/")
                .hasMessageContaining("- building hint-b failed at Step 6/")
                .hasMessageContaining("Unable to locate package nodeimage-no-such-package-a")
                .hasMessageContaining("Unable to locate package nodeimage-no-such-package-b")
                .hasMessageMatching("(?s).*Hint: what failed is provision\\.sh line \\d+ \\(phase packages\\), the step for "
                        + "packages\\.install: profiles/hint-a\\.yaml:8; change the profile there.*")
                .hasMessageMatching("(?s).*Hint: what failed is provision\\.sh line \\d+ \\(phase packages\\), the step for "
                        + "packages\\.install: profiles/hint-b\\.yaml:11; change the profile there.*");
    }
}
