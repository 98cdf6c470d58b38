package io.nodeimage.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * An image's files as the inspector reads them, whatever holds the image: an engine's archive API
 * ({@link EngineFiles}, Docker or Podman) or the image's layers ({@link LayerFiles}: an OCI layout, a
 * {@code docker save} archive, a registry). Entries come with their tar headers (type, mode, owner and
 * group numbers, link targets) as a container of the image would show them. Links are not followed by a
 * walk; {@link #read} follows them, inside the image only.
 */
public interface ImageFiles extends AutoCloseable {

    /** At most this many links are followed for one read: a loop ends here. */
    int MAX_LINK_HOPS = 8;

    /** The image's id (sha256:...): the digest of its configuration, which names its layers. */
    String imageId();

    /** The image's architecture as its configuration records it (amd64, arm64). */
    String architecture();

    /** What a visitor sees: the entry's absolute path in the image, its metadata, and its content stream. */
    interface Visitor {
        void visit(String path, TarArchiveEntry entry, InputStream content) throws IOException;
    }

    /**
     * Streams the tree at {@code path} (a file, a directory, or a link, which is not followed), the
     * entry at {@code path} first, then what is below it. Links in the path's parents are followed.
     *
     * @return false when the path does not exist in the image
     */
    boolean walk(String path, Visitor visitor) throws IOException;

    /** The image's own tools, where an engine can run them; empty for an image read from its layers. */
    default Optional<ImageTools> tools() {
        return Optional.empty();
    }

    /** The entry at {@code path} itself (a link is not followed); no content is read. */
    default Optional<TarArchiveEntry> stat(String path) throws IOException {
        TarArchiveEntry[] first = new TarArchiveEntry[1];
        try {
            walk(path, (p, e, in) -> {
                first[0] = e;
                throw new FirstEntry();
            });
        } catch (FirstEntry e) {
            // Seen what was asked for: the rest is not sent.
        }
        return Optional.ofNullable(first[0]);
    }

    /** A regular file's bytes, following links inside the image; empty if absent or larger than the limit. */
    default Optional<byte[]> read(String path, int limit) throws IOException {
        String current = path;
        for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
            byte[][] content = new byte[1][];
            String[] link = new String[1];
            String at = current;
            boolean found = walk(current, (p, e, in) -> {
                if (!p.equals(at)) {
                    return;
                }
                if (e.isSymbolicLink()) {
                    link[0] = e.getLinkName();
                } else if (e.isFile() && e.getSize() <= limit) {
                    content[0] = in.readNBytes((int) e.getSize());
                }
            });
            if (!found) {
                return Optional.empty();
            }
            if (link[0] == null) {
                return Optional.ofNullable(content[0]);
            }
            current = resolveLink(current, link[0]);
        }
        return Optional.empty();
    }

    /** A link's target as an absolute path inside the image (absolute targets are the image's own root). */
    static String resolveLink(String linkPath, String target) {
        return io.nodeimage.layers.ImagePaths.resolve(linkPath, target);
    }

    @Override
    void close();

    /** Ends a walk after its first entry; costs no stack trace. */
    final class FirstEntry extends RuntimeException {
        FirstEntry() {
            super(null, null, false, false);
        }
    }
}
