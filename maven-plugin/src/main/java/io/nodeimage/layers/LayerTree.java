package io.nodeimage.layers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image's file system as its layers make it, without unpacking it: each layer is streamed once, base
 * first, and applied as a container runtime applies it. A later entry replaces an earlier one (a
 * directory over a directory keeps what is below it), {@code .wh.<name>} removes {@code <name>} of the
 * layers below, and {@code .wh..wh..opq} hides everything the layers below had in its directory. Every
 * entry's tar header (type, mode, owner and group, link target) is kept in memory; file content only
 * below the roots inspect reads ({@link Wanted}), and then in a spool file beside the process, never in
 * memory. A file asked for that was not kept is read from its layer again. Each layer's stored bytes and
 * its expanded tar are checked against their digests: a layer that is not what its digest says is an
 * error naming it.
 */
public final class LayerTree implements AutoCloseable {

    /** Bounds against layers made to exhaust the reader: each is an error naming the layer when passed. */
    public record Limits(long layerBytes, long entries, long fileBytes, long spoolBytes, int pathLength) {
        /** Larger than any real node image: 64 GiB expanded per layer, 4 million entries, 16 GiB kept in all. */
        public static final Limits DEFAULT = new Limits(64L << 30, 4_000_000, 1L << 30, 16L << 30, 4096);
    }

    /** The roots below which file content is kept (everything else keeps its header only). */
    public record Wanted(Set<String> contentRoots) {
        boolean content(String path) {
            for (String root : contentRoots) {
                if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A tar header's facts, as a container shows the file. */
    public record Meta(byte type, int mode, long uid, long gid, String uname, String gname, long size, String linkName) {
        boolean isDirectory() {
            return type == TarArchiveEntry.LF_DIR;
        }

        boolean isSymlink() {
            return type == TarArchiveEntry.LF_SYMLINK;
        }

        boolean isFile() {
            return type == TarArchiveEntry.LF_NORMAL || type == TarArchiveEntry.LF_OLDNORM
                    || type == TarArchiveEntry.LF_CONTIG;
        }
    }

    /** A regular file's bytes: the layer and path they are in, and where they were kept (-1: not kept). Shared by hard links. */
    static final class Content {
        final int layer;
        final String layerPath;
        long offset = -1;

        Content(int layer, String layerPath) {
            this.layer = layer;
            this.layerPath = layerPath;
        }
    }

    /** A file system entry; {@code layer} is the last layer that named it or something below it. */
    static final class Node {
        final String name;
        Meta meta;
        int layer;
        Content content;
        TreeMap<String, Node> children;

        Node(String name, Meta meta, int layer) {
            this.name = name;
            this.meta = meta;
            this.layer = layer;
            if (meta.isDirectory()) {
                children = new TreeMap<>();
            }
        }
    }

    private static final Meta IMPLICIT_DIRECTORY = new Meta(TarArchiveEntry.LF_DIR, 0755, 0, 0, "", "", 0, "");
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_LINK_HOPS = 40;

    private final ImageLayers image;
    private final Wanted wanted;
    private final Limits limits;
    private final Node root = new Node("", IMPLICIT_DIRECTORY, -1);
    private final Path spoolFile;
    private final FileChannel spool;
    private long entries;
    /** Every wanted root and each folder above one: only an entry at one of these can move where a root leads. */
    private final Set<String> rootPaths = new java.util.HashSet<>();
    /** Where the wanted roots lead through the links applied so far; null when an entry may have moved one. */
    private List<String> resolvedRoots;

    private LayerTree(ImageLayers image, Wanted wanted, Limits limits) throws IOException {
        this.image = image;
        this.wanted = wanted;
        this.limits = limits;
        for (String r : wanted.contentRoots()) {
            for (String p = r; p.lastIndexOf('/') >= 0 && !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
                rootPaths.add(p);
            }
        }
        this.spoolFile = Files.createTempFile("nodeimage-layers-", ".spool");
        spoolFile.toFile().deleteOnExit();
        this.spool = FileChannel.open(spoolFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
    }

    /** Streams every layer of the image once, base first, and applies it. */
    public static LayerTree read(ImageLayers image, Wanted wanted, Limits limits) throws IOException {
        LayerTree tree = new LayerTree(image, wanted, limits);
        try {
            for (Layer layer : image.layers()) {
                tree.apply(layer);
            }
            return tree;
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
    }

    public ImageLayers image() {
        return image;
    }

    // ---- applying a layer

    private void apply(Layer layer) throws IOException {
        try (InputStream raw = layer.opener().open()) {
            stream(layer, raw, (path, entry, tar) -> applyEntry(layer, path, entry, tar));
        }
    }

    private interface EntryHandler {
        /** @return false to stop reading entries (the rest of the layer is still read, for its digests) */
        boolean handle(String path, TarArchiveEntry entry, InputStream tar) throws IOException;
    }

    /** Reads a layer's entries through both digests and the limits; the digests are checked at its end. */
    private void stream(Layer layer, InputStream raw, EntryHandler handler) throws IOException {
        long storedLimit = layer.size() >= 0 ? layer.size() : Long.MAX_VALUE;
        Digest.Counting stored = new Digest.Counting(raw, layer.digest(), storedLimit,
                layer.shown() + " has more bytes than the " + layer.size() + " its manifest declares");
        BufferedInputStream buffered = new BufferedInputStream(stored, 1 << 20);
        Digest.Counting expanded = new Digest.Counting(expand(buffered, layer), layer.diffId(), limits.layerBytes(),
                layer.shown() + " expands past " + limits.layerBytes() + " bytes; not read");
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(expanded);
            boolean more = true;
            for (TarArchiveEntry e; more && (e = tar.getNextEntry()) != null; ) {
                more = handler.handle(normalize(layer, e.getName()), e, tar);
            }
            expanded.drain();
            stored.drain();
        } catch (LayerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LayerException(layer.shown() + " of " + image.source() + " is not a readable tar layer: "
                    + e.getMessage(), e);
        }
        if (layer.digest() != null && !stored.digest().equals(layer.digest())) {
            throw new LayerException(layer.shown() + " of " + image.source() + " is " + stored.digest()
                    + ": its bytes are not what its digest says");
        }
        if (layer.size() >= 0 && stored.count != layer.size()) {
            throw new LayerException(layer.shown() + " of " + image.source() + " has " + stored.count
                    + " bytes, its manifest declares " + layer.size());
        }
        if (layer.diffId() != null && !expanded.digest().equals(layer.diffId())) {
            throw new LayerException(layer.shown() + " of " + image.source() + " expands to " + expanded.digest()
                    + ", its configuration names " + layer.diffId() + ": its bytes are not what its digest says");
        }
    }

    /** gzip and zstd layers as OCI and Docker store them, told by their first bytes; anything else is read as tar. */
    private static InputStream expand(BufferedInputStream in, Layer layer) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new com.github.luben.zstd.ZstdInputStream(in);
        }
        return in;
    }

    /** A tar name as a path in the image: "./usr/lib/" becomes "/usr/lib"; ".." is refused. */
    private String normalize(Layer layer, String name) throws LayerException {
        if (name.length() > limits.pathLength()) {
            throw new LayerException(layer.shown() + " of " + image.source() + " has an entry name longer than "
                    + limits.pathLength() + " characters");
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new LayerException(layer.shown() + " of " + image.source() + " has an entry '" + name
                        + "' that leaves the image's root; a container runtime refuses such a layer");
            }
            out.append('/').append(part);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private boolean applyEntry(Layer layer, String path, TarArchiveEntry e, InputStream tar) throws IOException {
        if (++entries > limits.entries()) {
            throw new LayerException(layer.shown() + " of " + image.source() + " brings the image past "
                    + limits.entries() + " entries; not read");
        }
        if (path.equals("/")) {
            return true;
        }
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        String named = name.startsWith(WHITEOUT) && !name.equals(OPAQUE)
                ? path.substring(0, slash + 1) + name.substring(WHITEOUT.length()) : path;
        if (rootPaths.contains(named) || name.equals(OPAQUE) && rootPaths.contains(path.substring(0, slash))) {
            resolvedRoots = null;
        }
        Node parent = directory(path.substring(0, slash), layer.index());
        if (name.equals(OPAQUE)) {
            purgeLower(parent, layer.index());
            return true;
        }
        if (name.startsWith(WHITEOUT)) {
            Node hidden = parent.children.get(name.substring(WHITEOUT.length()));
            if (hidden != null) {
                if (hidden.layer < layer.index()) {
                    parent.children.remove(hidden.name);
                } else if (hidden.children != null) {
                    purgeLower(hidden, layer.index());
                }
            }
            return true;
        }
        Meta meta = new Meta(e.isLink() ? TarArchiveEntry.LF_NORMAL : typeOf(e), e.getMode() & 07777, e.getLongUserId(),
                e.getLongGroupId(), e.getUserName(), e.getGroupName(), e.isFile() ? e.getSize() : 0,
                e.isSymbolicLink() ? e.getLinkName() : "");
        Node existing = parent.children.get(name);
        if (meta.isDirectory() && existing != null && existing.children != null) {
            // A directory over a directory: its own attributes change, what is below it stays.
            existing.meta = meta;
            existing.layer = layer.index();
            return true;
        }
        Node node = new Node(name, meta, layer.index());
        if (e.isLink()) {
            // A hard link is the same file as its target (same or lower layer): its header and its bytes.
            Node target = lookup(normalize(layer, e.getLinkName()));
            if (target == null || target.content == null) {
                throw new LayerException(layer.shown() + " of " + image.source() + " has a hard link " + path + " to "
                        + e.getLinkName() + ", which is not a regular file of the image");
            }
            node.meta = target.meta;
            node.content = target.content;
        } else if (meta.isFile()) {
            node.content = new Content(layer.index(), path);
            if (wantedContent(path) && meta.size() <= limits.fileBytes()) {
                node.content.offset = keep(layer, tar, meta.size());
            }
        }
        parent.children.put(name, node);
        return true;
    }

    private static byte typeOf(TarArchiveEntry e) {
        if (e.isDirectory()) {
            return TarArchiveEntry.LF_DIR;
        }
        if (e.isSymbolicLink()) {
            return TarArchiveEntry.LF_SYMLINK;
        }
        if (e.isFile()) {
            return TarArchiveEntry.LF_NORMAL;
        }
        return e.isCharacterDevice() ? TarArchiveEntry.LF_CHR : e.isBlockDevice() ? TarArchiveEntry.LF_BLK
                : e.isFIFO() ? TarArchiveEntry.LF_FIFO : TarArchiveEntry.LF_CHR;
    }

    /** Removes what the layers below {@code layer} put inside {@code dir}; what this layer put there stays. */
    private static void purgeLower(Node dir, int layer) {
        for (Iterator<Node> it = dir.children.values().iterator(); it.hasNext(); ) {
            Node child = it.next();
            if (child.layer < layer) {
                it.remove();
            } else if (child.children != null) {
                purgeLower(child, layer);
            }
        }
    }

    /** The directory at {@code path}, made where missing or not a directory; marked as named by {@code layer}. */
    private Node directory(String path, int layer) {
        Node at = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Node next = at.children.get(part);
            if (next == null || next.children == null) {
                next = new Node(part, IMPLICIT_DIRECTORY, layer);
                at.children.put(part, next);
            }
            next.layer = Math.max(next.layer, layer);
            at = next;
        }
        return at;
    }

    /** Whether content at {@code path} is wanted: below a wanted root, or below where a wanted root leads through links now. */
    private boolean wantedContent(String path) {
        if (wanted.content(path)) {
            return true;
        }
        if (resolvedRoots == null) {
            List<String> real = new ArrayList<>();
            for (String r : wanted.contentRoots()) {
                realPath(r).filter(p -> !p.equals(r)).ifPresent(real::add);
            }
            resolvedRoots = real;
        }
        for (String real : resolvedRoots) {
            if (path.equals(real) || path.startsWith(real + "/")) {
                return true;
            }
        }
        return false;
    }

    private long keep(Layer layer, InputStream tar, long size) throws IOException {
        long offset = spool.size();
        if (offset + size > limits.spoolBytes()) {
            throw new LayerException(layer.shown() + " of " + image.source() + " brings what inspect keeps past "
                    + limits.spoolBytes() + " bytes; not read");
        }
        byte[] buffer = new byte[(int) Math.min(Math.max(size, 1), 1 << 20)];
        long position = offset;
        for (long left = size; left > 0; ) {
            int n = tar.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new LayerException(layer.shown() + " of " + image.source() + " ends inside a file");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                position += spool.write(chunk, position);
            }
            left -= n;
        }
        return offset;
    }

    // ---- reading the applied tree

    /** The node at {@code path}, links not followed anywhere. */
    Node lookup(String path) {
        Node at = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (at.children == null || (at = at.children.get(part)) == null) {
                return null;
            }
        }
        return at;
    }

    /** A path with links in its parents followed (its last part is not), inside the image; empty when a parent is missing. */
    Optional<String> realPath(String path) {
        List<String> done = new ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                todo.add(p);
            }
        }
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.poll();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(part);
            if (todo.isEmpty()) {
                break;
            }
            Node node = lookup("/" + String.join("/", done));
            if (node == null) {
                return Optional.empty();
            }
            if (node.meta.isSymlink()) {
                if (++hops > MAX_LINK_HOPS) {
                    return Optional.empty();
                }
                String target = node.meta.linkName();
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> rest = new ArrayList<>();
                for (String p : target.split("/")) {
                    if (!p.isEmpty()) {
                        rest.add(p);
                    }
                }
                for (int i = rest.size() - 1; i >= 0; i--) {
                    todo.addFirst(rest.get(i));
                }
            }
        }
        return Optional.of("/" + String.join("/", done));
    }

    /** The bytes of a kept file, or read again from its layer (and kept from then on). */
    InputStream content(Content content, long size) throws IOException {
        if (content.offset < 0) {
            fetch(content, size);
        }
        return new SpoolStream(spool, content.offset, size);
    }

    /** Reads a file that was not kept from its layer, checking the layer's digests again. */
    private void fetch(Content content, long size) throws IOException {
        Layer layer = image.layers().get(content.layer);
        long[] offset = {-1};
        try (InputStream raw = layer.opener().open()) {
            stream(layer, raw, (path, entry, tar) -> {
                if (path.equals(content.layerPath) && entry.isFile() && entry.getSize() == size) {
                    offset[0] = keep(layer, tar, size);
                    return false;
                }
                return true;
            });
        }
        if (offset[0] < 0) {
            throw new LayerException(layer.shown() + " of " + image.source() + " no longer holds " + content.layerPath);
        }
        content.offset = offset[0];
    }

    /** The children of a directory node in name order (as an engine's archive walks them). */
    static Map<String, Node> children(Node node) {
        return node.children == null ? Map.of() : node.children;
    }

    @Override
    public void close() {
        try {
            spool.close();
        } catch (IOException e) {
            // Deleted on close, or when the process ends.
        }
        try {
            Files.deleteIfExists(spoolFile);
        } catch (IOException e) {
            // Deleted when the process ends.
        }
    }

    /** A kept file's bytes, read from the spool at their place. */
    private static final class SpoolStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        SpoolStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
