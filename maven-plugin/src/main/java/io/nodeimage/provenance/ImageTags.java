package io.nodeimage.provenance;

import io.nodeimage.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The tag an image gets when the build names none. The project version alone is not enough: two
 * checkouts of one project on one engine (two CI jobs, a developer's two branches) would overwrite each
 * other's images, and a certificate would then judge an image built from other sources. So the tag adds
 * the commit and, for a work tree with changes, a digest of those changes: the same sources give the
 * same tag, other sources another.
 */
public final class ImageTags {

    /** Docker's limit on a tag's length. */
    private static final int MAX = 128;

    private ImageTags() {
    }

    /**
     * {@code <version>-<12 hex of the commit>}, with {@code -dirty-<8 hex>} when the work tree has changes
     * (the hex digests the changed paths and their contents); the version alone outside git or before
     * the first commit.
     */
    public static String defaultTag(String version, Optional<GitProvenance.Snapshot> git) {
        String base = tagSafe(version == null || version.isBlank() ? "latest" : version);
        String suffix = "";
        if (git.isPresent() && git.get().commit() != null) {
            GitProvenance.Snapshot s = git.get();
            suffix = "-" + s.commit().substring(0, 12)
                    + (s.dirtyPaths().isEmpty() ? "" : "-dirty-" + changesDigest(s).substring(0, 8));
        }
        return base.substring(0, Math.min(base.length(), MAX - suffix.length())) + suffix;
    }

    /** A tag may hold letters, digits, '_', '.' and '-', and must not start with '.' or '-'. */
    static String tagSafe(String version) {
        String safe = version.replaceAll("[^A-Za-z0-9_.-]", "_");
        return safe.startsWith(".") || safe.startsWith("-") ? "_" + safe.substring(1) : safe;
    }

    private static String changesDigest(GitProvenance.Snapshot s) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String p : s.dirtyPaths()) {
            sha.update(p.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            Path f = s.workTree().resolve(p);
            try {
                if (Files.isRegularFile(f)) {
                    // Streamed: a changed file may be large (a disk image left in the project).
                    try (var in = new java.security.DigestInputStream(Files.newInputStream(f), sha)) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
            } catch (IOException e) {
                throw new ConfigurationException("cannot read " + f + " for the image tag: " + e.getMessage(),
                        "make it readable, or give the tag yourself with -Dnodeimage.tag=...", e);
            }
            sha.update((byte) 0);
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }
}
