package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A security team's policy repository, made with JGit and fetched over file:// (traffic stays on this
 * machine): tags, branches and commits as refs, a pinned commit, offline builds from the cache, and the
 * errors that name url and ref.
 */
class PolicyRepositoryTest {

    @TempDir
    Path dir;

    Path origin;
    String url;
    RevCommit v1;
    RevCommit v2;

    @BeforeEach
    void aTeamRepositoryWithTwoTags() throws Exception {
        origin = dir.resolve("secops");
        url = origin.toUri().toString();
        Files.createDirectories(origin.resolve("policies"));
        try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
            v1 = commit(git, "kernel.kptr_restrict", "1");
            git.tag().setName("v1.0.0").setAnnotated(false).call();
            v2 = commit(git, "kernel.dmesg_restrict", "1");
            git.tag().setName("v2.0.0").setAnnotated(false).call();
        }
    }

    private RevCommit commit(Git git, String key, String value) throws Exception {
        Files.writeString(origin.resolve("policies/secops.yaml"), "apiVersion: nodeimage/v1\nkind: Policy\nname: secops\n"
                + "version: 1.0.0\nrules:\n  - {id: SEC-1, severity: high, sysctl: {key: " + key + ", value: \"" + value + "\"}}\n");
        Files.writeString(origin.resolve("README.md"), "not a policy\n");
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("secops", "secops@localhost");
        return git.commit().setMessage(key).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    private PolicyRepository.Fetched fetch(String ref, String commit, boolean offline) {
        return new PolicyRepository("secops", url, ref, commit, "policies")
                .fetch(dir.resolve("cache"), dir.resolve("out"), offline);
    }

    @Test
    void aTagIsFetchedAndItsPoliciesLoad() throws Exception {
        PolicyRepository.Fetched f = fetch("v1.0.0", v1.getName(), false);
        assertThat(f.commit()).isEqualTo(v1.getName());
        try (var files = Files.list(f.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secops.yaml");
        }
        PolicyLoader.Result loaded = PolicyLoader.load(f.directory(), dir, false);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.policies().get(0).policy().rules().get(0).sysctl().key()).isEqualTo("kernel.kptr_restrict");
    }

    @Test
    void branchesAndCommitIdsAreRefsToo() {
        assertThat(fetch("main", null, false).commit()).isEqualTo(v2.getName());
        assertThat(fetch(v1.getName(), null, false).commit()).isEqualTo(v1.getName());
    }

    @Test
    void aRefThatMovedAwayFromThePinnedCommitIsRefused() {
        assertThatThrownBy(() -> fetch("v2.0.0", v1.getName(), false)).isInstanceOf(ConfigurationException.class)
                .hasMessage("policy set secops from " + url + " at ref v2.0.0: the ref resolves to commit " + v2.getName()
                        + ", not the pinned " + v1.getName());
    }

    @Test
    void aMissingRefAndAnUnreachableRepositoryNameUrlAndRef() {
        assertThatThrownBy(() -> fetch("v9.9.9", null, false))
                .hasMessage("policy set secops from " + url + " at ref v9.9.9: the ref does not exist");
        String gone = dir.resolve("no-such-repository").toUri().toString();
        assertThatThrownBy(() -> new PolicyRepository("secops", gone, "v1.0.0", null, "policies")
                .fetch(dir.resolve("cache"), dir.resolve("out"), false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("policy set secops from " + gone + " at ref v1.0.0: cannot be fetched: ");
    }

    @Test
    void offlineUsesTheCacheAndWithoutOneSaysSo() throws Exception {
        assertThatThrownBy(() -> fetch("v1.0.0", null, true))
                .hasMessageStartingWith("policy set secops from " + url + " at ref v1.0.0: the build is offline and the cache ");
        fetch("v1.0.0", null, false);
        // The origin disappears; the cache still answers offline, for the refs it holds.
        try (var walk = Files.walk(origin)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(fetch("v2.0.0", null, true).commit()).isEqualTo(v2.getName());
        assertThatThrownBy(() -> fetch("v3.0.0", null, true))
                .hasMessage("policy set secops from " + url + " at ref v3.0.0: the ref does not exist in the cache "
                        + "(the build is offline)");
    }

    @Test
    void aFolderWithoutPoliciesIsAnError() {
        assertThatThrownBy(() -> new PolicyRepository("secops", url, "v1.0.0", null, "docs")
                .fetch(dir.resolve("cache"), dir.resolve("out"), false))
                .hasMessage("policy set secops from " + url + " at ref v1.0.0: has no policy files (*.yaml) in 'docs' at "
                        + v1.getName());
    }
}
