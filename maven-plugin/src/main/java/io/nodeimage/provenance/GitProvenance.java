package io.nodeimage.provenance;

import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Where the inputs of an image came from in git: the commit, branch, {@code describe}, whether the work
 * tree differs from the commit (and where), and the blob id of every profile and policy file used. A
 * blob id is what git would store for the file as it is on disk now, so a clean tree's ids are the
 * commit's.
 *
 * @param dirtyPaths changed, missing and untracked paths, relative to the work tree; paths under the
 *     build's output directory are not counted (the build writes them)
 * @param blobs blob id per used file, by path relative to the work tree
 */
public record GitProvenance(String commit, String branch, String describe, long commitTime, String remoteUrl,
                            boolean dirty, List<String> dirtyPaths, Map<String, String> blobs) {

    public GitProvenance {
        dirtyPaths = List.copyOf(dirtyPaths);
        blobs = java.util.Collections.unmodifiableMap(new TreeMap<>(blobs));
    }

    /**
     * Reads the repository around {@code directory}; empty when it is not inside a git work tree.
     *
     * @param ignoredOutput the build's output directory, whose files never make the tree dirty
     * @param usedFiles profile and policy files to record blob ids for (those outside the work tree are skipped)
     */
    public static Optional<GitProvenance> read(Path directory, Path ignoredOutput, List<Path> usedFiles) {
        return snapshot(directory, ignoredOutput).map(s -> s.with(usedFiles));
    }

    /**
     * The repository's state, read once (git status walks the whole tree), for provenance of several
     * sets of files.
     */
    public record Snapshot(Path workTree, String commit, String branch, String describe, long commitTime,
                           String remoteUrl, List<String> dirtyPaths) {

        /** The provenance of these files: this state, and their blob ids as they are on disk now. */
        public GitProvenance with(List<Path> usedFiles) {
            Map<String, String> blobs = new TreeMap<>();
            try (ObjectInserter.Formatter formatter = new ObjectInserter.Formatter()) {
                for (Path f : usedFiles) {
                    String rel = relative(workTree, f);
                    if (rel != null && Files.isRegularFile(f)) {
                        blobs.put(rel, formatter.idFor(Constants.OBJ_BLOB, Files.readAllBytes(f)).name());
                    }
                }
            } catch (IOException e) {
                throw new ConfigurationException("cannot read " + e.getMessage() + " for its git blob id",
                        "check that the project's files are readable", e);
            }
            return new GitProvenance(commit, branch, describe, commitTime, remoteUrl,
                    commit == null || !dirtyPaths.isEmpty(), dirtyPaths, blobs);
        }
    }

    /** The repository's state around {@code directory}; empty when it is not inside a git work tree. */
    public static Optional<Snapshot> snapshot(Path directory, Path ignoredOutput) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(directory.toFile());
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        try (Repository repo = builder.setMustExist(true).build(); Git git = new Git(repo)) {
            if (repo.isBare()) {
                return Optional.empty();
            }
            Path workTree = repo.getWorkTree().toPath().toAbsolutePath().normalize();
            ObjectId head = repo.resolve(Constants.HEAD);
            String commit = head == null ? null : head.name();
            long commitTime = 0;
            if (head != null) {
                try (RevWalk walk = new RevWalk(repo)) {
                    RevCommit c = walk.parseCommit(head);
                    commitTime = c.getCommitTime();
                }
            }
            String describe = head == null ? null : git.describe().setTags(true).setAlways(true).call();
            Status status = git.status().call();
            String ignored = relative(workTree, ignoredOutput);
            TreeSet<String> dirty = new TreeSet<>();
            for (java.util.Set<String> set : List.of(status.getAdded(), status.getChanged(), status.getRemoved(),
                    status.getMissing(), status.getModified(), status.getUntracked(), status.getConflicting())) {
                for (String p : set) {
                    if (ignored == null || !(p.equals(ignored) || p.startsWith(ignored + "/"))) {
                        dirty.add(p);
                    }
                }
            }
            String remote = io.nodeimage.Urls.withoutCredentials(repo.getConfig().getString("remote", "origin", "url"));
            return Optional.of(new Snapshot(workTree, commit, repo.getBranch(), describe, commitTime, remote,
                    List.copyOf(dirty)));
        } catch (IOException | GitAPIException e) {
            throw new ConfigurationException("cannot read the git repository around " + directory + ": " + e.getMessage(),
                    "check that .git is readable, or build outside a git work tree", e);
        }
    }

    /** {@code file} relative to the work tree with '/' separators, or null when outside it. */
    private static String relative(Path workTree, Path file) {
        if (file == null) {
            return null;
        }
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(workTree) && !abs.equals(workTree) ? workTree.relativize(abs).toString().replace('\\', '/') : null;
    }
}
