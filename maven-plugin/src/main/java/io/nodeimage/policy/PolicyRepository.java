package io.nodeimage.policy;

import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * A policy set kept in a git repository the security team owns: fetched with JGit into a bare cache
 * (one per URL, beside the local Maven repository), the ref resolved to a commit, the commit checked
 * against the pinned one when given, and the set's YAML files written out for loading. Offline, the
 * cache is used as it is.
 *
 * @param ref a tag, a branch, or a full commit id
 * @param commit the commit the ref must resolve to; null to accept whatever it names
 * @param path the folder inside the repository holding the policies; empty for the top
 */
public record PolicyRepository(String name, String url, String ref, String commit, String path) {

    /** The set as fetched: its files on disk, and the commit they came from. */
    public record Fetched(PolicyRepository source, String commit, Path directory) {
    }

    public Fetched fetch(Path cacheRoot, Path checkoutRoot, boolean offline) {
        if (name == null || !io.nodeimage.yaml.Syntax.NAME.accepts(name) || url == null || url.isBlank()
                || ref == null || ref.isBlank()) {
            throw new ConfigurationException("policy set '" + name + "' needs a name (lower-case letters, digits, '.', '-'), "
                    + "a url and a ref", "write <policySet><name>secops</name><url>...</url><ref>v1.2.0</ref></policySet>");
        }
        Path cache = cacheRoot.resolve(Digests.sha256(url).substring(0, 16) + ".git");
        try {
            if (!offline) {
                update(cache);
            } else if (!Files.isDirectory(cache)) {
                throw error("the build is offline and the cache " + cache + " holds no copy",
                        "run once online to fill the cache, then offline builds use it");
            }
            try (Git git = Git.open(cache.toFile())) {
                Repository repo = git.getRepository();
                ObjectId id = resolve(repo);
                if (id == null) {
                    throw error("the ref does not exist" + (offline ? " in the cache (the build is offline)" : ""),
                            "check the tag, branch or commit id; tags and branches are fetched, commits must be reachable from them");
                }
                if (commit != null && !commit.isBlank() && !id.name().equals(commit)) {
                    throw error("the ref resolves to commit " + id.name() + ", not the pinned " + commit,
                            "if the security team moved the ref on purpose, pin the new commit");
                }
                Path out = checkoutRoot.resolve(name);
                writeFiles(repo, id, out);
                return new Fetched(this, id.name(), out);
            }
        } catch (IOException | GitAPIException e) {
            throw error("cannot be fetched: " + e.getMessage(), "check the url and that the repository is reachable; "
                    + "offline builds (-o) use the cache of the last fetch");
        }
    }

    private void update(Path cache) throws GitAPIException, IOException {
        if (!Files.isDirectory(cache)) {
            Files.createDirectories(cache.getParent());
            Git.init().setBare(true).setDirectory(cache.toFile()).call().close();
        }
        try (Git git = Git.open(cache.toFile())) {
            git.fetch().setRemote(url).setRemoveDeletedRefs(true).setRefSpecs(
                    new RefSpec("+refs/heads/*:refs/remotes/origin/*"), new RefSpec("+refs/tags/*:refs/tags/*")).call();
        }
    }

    private ObjectId resolve(Repository repo) throws IOException {
        for (String candidate : List.of("refs/tags/" + ref, "refs/remotes/origin/" + ref)) {
            ObjectId id = repo.resolve(candidate + "^{commit}");
            if (id != null) {
                return id;
            }
        }
        if (ref.matches("[0-9a-f]{40}")) {
            try (RevWalk walk = new RevWalk(repo)) {
                return walk.parseCommit(ObjectId.fromString(ref)).getId();
            } catch (org.eclipse.jgit.errors.MissingObjectException e) {
                return null;
            }
        }
        return null;
    }

    /** The *.yaml files directly in {@code path} at the commit, replacing what an earlier fetch wrote. */
    private void writeFiles(Repository repo, ObjectId id, Path out) throws IOException {
        String folder = path == null ? "" : path.replaceAll("^/+|/+$", "");
        if (Files.isDirectory(out)) {
            try (var old = Files.list(out)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        int count = 0;
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            RevCommit c = walk.parseCommit(id);
            tree.addTree(c.getTree());
            tree.setRecursive(true);
            if (!folder.isEmpty()) {
                tree.setFilter(PathFilter.create(folder));
            }
            while (tree.next()) {
                String p = tree.getPathString();
                String rel = folder.isEmpty() ? p : p.substring(folder.length() + 1);
                if (rel.endsWith(".yaml") && !rel.contains("/")) {
                    byte[] bytes = repo.open(tree.getObjectId(0)).getCachedBytes(2 * 1024 * 1024);
                    AtomicFiles.write(out.resolve(rel), bytes);
                    count++;
                }
            }
        }
        if (count == 0) {
            throw error("has no policy files (*.yaml) in '" + folder + "' at " + id.name(),
                    "set <path> to the folder holding the policies");
        }
    }

    private ConfigurationException error(String what, String hint) {
        return new ConfigurationException("policy set " + name + " from " + io.nodeimage.Urls.withoutCredentials(url)
                + " at ref " + ref + ": " + what, hint);
    }
}
