package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTagsTest {

    private static String tagOf(Path dir) {
        return ImageTags.defaultTag("1.0", GitProvenance.snapshot(dir, dir.resolve("target")));
    }

    @Test
    void outsideGitTheTagIsTheVersion(@TempDir Path dir) {
        assertThat(ImageTags.defaultTag("1.0-SNAPSHOT", Optional.empty())).isEqualTo("1.0-SNAPSHOT");
        assertThat(ImageTags.defaultTag("1.0+build", Optional.empty())).isEqualTo("1.0_build");
        assertThat(ImageTags.defaultTag("x".repeat(200), Optional.empty())).hasSize(128);
    }

    @Test
    void twoCheckoutsAtOtherCommitsOrWithOtherChangesGetOtherTagsAndTheSameSourcesTheSameTag(
            @TempDir Path a, @TempDir Path b) throws Exception {
        for (Path dir : List.of(a, b)) {
            try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
                Files.writeString(dir.resolve("profile.yaml"), "name: a\n");
                Files.writeString(dir.resolve(".gitignore"), "target/\n");
                git.add().addFilepattern(".").call();
                git.commit().setMessage(dir.equals(a) ? "first" : "other").setSign(false)
                        .setAuthor("t", "t@localhost").setCommitter("t", "t@localhost").call();
            }
        }
        String cleanA = tagOf(a);
        assertThat(cleanA).matches("1\\.0-[0-9a-f]{12}");
        assertThat(tagOf(b)).as("another commit").matches("1\\.0-[0-9a-f]{12}").isNotEqualTo(cleanA);

        Files.createDirectories(a.resolve("target"));
        Files.writeString(a.resolve("target/build.log"), "output is not a change");
        assertThat(tagOf(a)).isEqualTo(cleanA);

        Files.writeString(a.resolve("profile.yaml"), "name: b\n");
        String dirtyB = tagOf(a);
        assertThat(dirtyB).matches(java.util.regex.Pattern.quote(cleanA) + "-dirty-[0-9a-f]{8}");
        assertThat(tagOf(a)).as("the same changes").isEqualTo(dirtyB);
        Files.writeString(a.resolve("profile.yaml"), "name: c\n");
        assertThat(tagOf(a)).as("other changes").startsWith(cleanA + "-dirty-").isNotEqualTo(dirtyB);
    }

    @Test
    void aLongVersionIsCutSoTheTagFitsDockersLimitAndKeepsTheCommit() {
        var snapshot = new GitProvenance.Snapshot(Path.of("/nowhere"), "0123456789abcdef0123456789abcdef01234567", "main",
                "v1", 0, null, List.of());
        String tag = ImageTags.defaultTag("v".repeat(200), Optional.of(snapshot));
        assertThat(tag).hasSize(128).endsWith("-0123456789ab");
    }
}
