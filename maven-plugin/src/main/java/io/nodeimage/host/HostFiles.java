package io.nodeimage.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Files of a node under a root directory ({@code /}, or a host mounted elsewhere), named by their path on
 * the node. proc and sysfs files report a size of 0, so reads are bounded by a limit, not by the size.
 */
final class HostFiles {

    /** Every file read here is a line or a short table; anything longer is not what it claims to be. */
    static final int SMALL = 1024 * 1024;

    private final Path root;

    HostFiles(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /**
     * Where a node path is under the root, links in its parents followed inside the root (the last part
     * itself is not followed): an absolute link on a node means the node's root, not this machine's, so a
     * pod reading a node at /host never reads its own /usr for the node's.
     */
    Path resolve(String nodePath) {
        return confined(nodePath, false);
    }

    /** As {@link #resolve}, the last part followed too: where a read of the path's content goes. */
    Path content(String nodePath) {
        return confined(nodePath, true);
    }

    /** A loop of links reads as the path given, which is absent. */
    private Path confined(String nodePath, boolean followLast) {
        return io.nodeimage.layers.ImagePaths.onDisk(root, nodePath, followLast)
                .orElseGet(() -> root.resolve(nodePath.substring(1)));
    }

    boolean exists(String nodePath) {
        return Files.exists(content(nodePath));
    }

    /**
     * The file's text, at most {@code limit} bytes; empty when it does not exist or cannot be read (a
     * file only root may read: the caller decides whether its absence matters).
     */
    Optional<String> text(String nodePath, int limit) {
        return bytes(content(nodePath), limit).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    Optional<String> text(String nodePath) {
        return text(nodePath, SMALL);
    }

    /** The first line, stripped; empty when absent. */
    Optional<String> line(String nodePath) {
        return text(nodePath).map(t -> t.lines().findFirst().orElse("").strip());
    }

    /** Names in a directory, sorted; empty when it does not exist. */
    List<String> list(String nodePath) {
        try (Stream<Path> s = Files.list(content(nodePath))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Read as a stream up to the limit: proc files claim size 0, and Files.readString trusts the size
     * (on this project's CI kernel it returned "3" for a pid_max of 32768).
     */
    static Optional<byte[]> bytes(Path file, int limit) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new io.nodeimage.ConfigurationException(file + " is larger than " + limit + " bytes; not a file of a running node's "
                        + "kind", "check that the root directory is a node's root (proc and sys mounted under it)");
            }
            return Optional.of(b);
        } catch (IOException e) {
            // Absent, or readable by root only: the caller decides what a missing fact means.
            return Optional.empty();
        }
    }
}
