package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

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
    public record Limits(long layerBytes, long entries, long fileBytes, long spoolBytes, int pathLength, int headerBytes) {
        /**
         * Larger than any real node image: 64 GiB expanded per layer, 4 million entries, 16 GiB kept in all;
         * a PAX or GNU long-name header of at most 1 MiB (read whole into memory; real ones take a few hundred bytes).
         */
        public static final Limits DEFAULT = new Limits(64L << 30, 4_000_000, 1L << 30, 16L << 30, 4096, 1 << 20);

        public Limits(long layerBytes, long entries, long fileBytes, long spoolBytes, int pathLength) {
            this(layerBytes, entries, fileBytes, spoolBytes, pathLength, DEFAULT_HEADER_BYTES);
        }

        private static final int DEFAULT_HEADER_BYTES = 1 << 20;
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
    private final LayerStream reader;
    private final Spool spool;
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
        this.reader = new LayerStream(image.source(), limits);
        this.spool = new Spool(limits.spoolBytes());
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
            reader.read(layer, raw, (path, entry, tar) -> applyEntry(layer, path, entry, tar));
        }
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
            // A hard link to a symbolic link (tar records one where a tree had a link hard-linked) is that
            // symbolic link again; to a device or a pipe, that node again.
            Node target = lookup(reader.normalize(layer, e.getLinkName()));
            if (target == null || target.children != null || (target.content == null && target.meta.isFile())) {
                throw new LayerException(layer.shown() + " of " + image.source() + " has a hard link " + path + " to "
                        + e.getLinkName() + ", which is not a file of the image");
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

    /**
     * The directory at {@code path}, made where missing or not a directory; marked as named by {@code layer}.
     * A link to a directory on the way is followed, as a runtime unpacking the layer writes through it
     * ({@code lib/modules/x} over {@code lib -> usr/lib} lands in {@code /usr/lib/modules}); only a link that
     * leads nowhere is replaced.
     */
    private Node directory(String path, int layer) {
        Node at = root;
        String walked = "";
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Node next = at.children.get(part);
            if (next != null && next.meta.isSymlink()) {
                Optional<String> real = realPath(walked + "/" + part + "/.");
                Node target = real.map(this::lookup).orElse(null);
                if (target != null && target.children != null) {
                    walked = real.get().equals("/") ? "" : real.get();
                    at = target;
                    at.layer = Math.max(at.layer, layer);
                    continue;
                }
            }
            if (next == null || next.children == null) {
                next = new Node(part, IMPLICIT_DIRECTORY, layer);
                at.children.put(part, next);
            }
            next.layer = Math.max(next.layer, layer);
            at = next;
            walked += "/" + part;
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
        return spool.keep(tar, size, layer.shown() + " of " + image.source());
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
        return spool.open(content.offset, size);
    }

    /** Reads a file that was not kept from its layer, checking the layer's digests again. */
    private void fetch(Content content, long size) throws IOException {
        Layer layer = image.layers().get(content.layer);
        long[] offset = {-1};
        try (InputStream raw = layer.opener().open()) {
            reader.read(layer, raw, (path, entry, tar) -> {
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
        spool.close();
    }
}
