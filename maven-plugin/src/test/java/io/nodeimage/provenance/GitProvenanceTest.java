package io.nodeimage.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provenance read from a real repository made with JGit: commit, describe, dirty paths, blob ids. */
class GitProvenanceTest {

    @TempDir
    Path work;

    private RevCommit commitAll(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("nodeimage", "test@localhost");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    @Test
    void aCleanTreeNamesItsCommitTagAndTheCommittedBlobs() throws Exception {
        Path profile = work.resolve("src/main/nodeimage/profiles/site.yaml");
        Files.createDirectories(profile.getParent());
        Files.writeString(profile, "name: site\n");
        Files.writeString(work.resolve(".gitignore"), "target/\n");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            RevCommit c = commitAll(git, "first");
            git.tag().setName("v1.0").setAnnotated(false).call();

            GitProvenance p = GitProvenance.read(work.resolve("src"), work.resolve("target"), List.of(profile)).orElseThrow();

            assertThat(p.commit()).isEqualTo(c.getName());
            assertThat(p.branch()).isEqualTo("main");
            assertThat(p.describe()).isEqualTo("v1.0");
            assertThat(p.commitTime()).isEqualTo(c.getCommitTime());
            assertThat(p.dirty()).isFalse();
            assertThat(p.dirtyPaths()).isEmpty();
            // The blob id is the one the commit stores for the file.
            try (TreeWalk walk = TreeWalk.forPath(git.getRepository(), "src/main/nodeimage/profiles/site.yaml", c.getTree())) {
                assertThat(p.blobs()).containsExactly(
                        java.util.Map.entry("src/main/nodeimage/profiles/site.yaml", walk.getObjectId(0).getName()));
            }
        }
    }

    @Test
    void changesAndNewFilesMakeItDirtyButBuildOutputDoesNot() throws Exception {
        Path profile = work.resolve("site.yaml");
        Files.writeString(profile, "name: site\n");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            commitAll(git, "first");
            git.tag().setName("v1.0").setAnnotated(false).call();
            Files.writeString(profile, "name: site\ndescription: changed\n");
            commitAll(git, "second");
            Files.writeString(profile, "name: site\ndescription: edited, not committed\n");
            Files.writeString(work.resolve("notes.txt"), "new\n");
            Files.createDirectories(work.resolve("target/nodeimage"));
            Files.writeString(work.resolve("target/nodeimage/build.json"), "{}\n");

            GitProvenance p = GitProvenance.read(work, work.resolve("target"), List.of(profile)).orElseThrow();

            assertThat(p.dirty()).isTrue();
            assertThat(p.dirtyPaths()).containsExactly("notes.txt", "site.yaml");
            assertThat(p.describe()).matches("v1\\.0-1-g[0-9a-f]{7}");
            assertThat(p.blobs().get("site.yaml")).as("the file as it is on disk, not as committed")
                    .isNotEqualTo(TreeWalk.forPath(git.getRepository(), "site.yaml",
                            git.log().setMaxCount(1).call().iterator().next().getTree()).getObjectId(0).getName());
        }
    }

    @Test
    void outsideAnyRepositoryThereIsNoProvenance() {
        // The temp folder (under /tmp) is in no git work tree.
        assertThat(GitProvenance.read(work, null, List.of())).isEmpty();
    }

    @Test
    void credentialsInTheRemoteAreNeverPublished() {
        assertThat(io.nodeimage.Urls.withoutCredentials("https://ci:glpat-SECRET@git.example.internal/site/nodes.git"))
                .isEqualTo("https://git.example.internal/site/nodes.git");
        assertThat(io.nodeimage.Urls.withoutCredentials("ssh://git@git.example.internal:2222/site/nodes.git"))
                .isEqualTo("ssh://git.example.internal:2222/site/nodes.git");
        assertThat(io.nodeimage.Urls.withoutCredentials("git@git.example.internal:site/nodes.git"))
                .as("scp-like: the user is part of the address, no secret").isEqualTo("git@git.example.internal:site/nodes.git");
        assertThat(io.nodeimage.Urls.withoutCredentials("/srv/git/nodes.git")).isEqualTo("/srv/git/nodes.git");
    }
}
