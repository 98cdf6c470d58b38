package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Walks an applied {@link LayerTree} as an engine's archive API walks a container's path: the entry at
 * the path (a link there is not followed; links in its parents are), then everything below it in name
 * order, each with a tar header. A file met again through a hard link comes as a hard link to the path it
 * was first met at, with no bytes, as the engine's archive sends it.
 */
public final class TreeWalk {

    /** What a visitor sees: the entry's absolute path in the image, its header, and its bytes. */
    public interface Visitor {
        void visit(String path, TarArchiveEntry entry, InputStream content) throws IOException;
    }

    private final LayerTree tree;

    public TreeWalk(LayerTree tree) {
        this.tree = tree;
    }

    /** @return false when the path does not exist in the image */
    public boolean walk(String path, Visitor visitor) throws IOException {
        Optional<String> real = tree.realPath(path);
        if (real.isEmpty()) {
            return false;
        }
        LayerTree.Node node = tree.lookup(real.get());
        if (node == null) {
            return false;
        }
        String shown = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        visit(shown, node, visitor, new IdentityHashMap<>());
        return true;
    }

    /** The entry at {@code path} itself, links in its parents followed; empty when absent. */
    public Optional<TarArchiveEntry> stat(String path) {
        Optional<String> real = tree.realPath(path);
        LayerTree.Node node = real.map(tree::lookup).orElse(null);
        return node == null ? Optional.empty() : Optional.of(header(path, node.meta));
    }

    private void visit(String path, LayerTree.Node node, Visitor visitor, Map<LayerTree.Content, String> seen)
            throws IOException {
        LayerTree.Meta meta = node.meta;
        if (node.content != null) {
            String first = seen.putIfAbsent(node.content, path);
            if (first != null) {
                TarArchiveEntry link = new TarArchiveEntry(path, TarArchiveEntry.LF_LINK);
                copy(meta, link);
                link.setSize(0);
                link.setLinkName(first);
                visitor.visit(path, link, InputStream.nullInputStream());
                return;
            }
            visitor.visit(path, header(path, meta), new LazyContent(node.content, meta.size()));
        } else {
            visitor.visit(path, header(path, meta), InputStream.nullInputStream());
        }
        for (LayerTree.Node child : LayerTree.children(node).values()) {
            visit(path.equals("/") ? "/" + child.name : path + "/" + child.name, child, visitor, seen);
        }
    }

    private static TarArchiveEntry header(String path, LayerTree.Meta meta) {
        TarArchiveEntry e = new TarArchiveEntry(meta.isDirectory() ? path + "/" : path, meta.type());
        copy(meta, e);
        if (meta.isSymlink()) {
            e.setLinkName(meta.linkName());
        }
        e.setSize(meta.isFile() ? meta.size() : 0);
        return e;
    }

    private static void copy(LayerTree.Meta meta, TarArchiveEntry e) {
        e.setMode(meta.mode());
        e.setUserId(meta.uid());
        e.setGroupId(meta.gid());
        e.setUserName(meta.uname() == null ? "" : meta.uname());
        e.setGroupName(meta.gname() == null ? "" : meta.gname());
    }

    /** A file's bytes, fetched from the spool (or the layer) only when the visitor reads them. */
    private final class LazyContent extends InputStream {
        private final LayerTree.Content content;
        private final long size;
        private InputStream in;

        LazyContent(LayerTree.Content content, long size) {
            this.content = content;
            this.size = size;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = tree.content(content, size);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : in().read(b, off, len);
        }
    }
}
