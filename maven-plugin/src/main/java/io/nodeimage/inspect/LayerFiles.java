package io.nodeimage.inspect;

import io.nodeimage.layers.ImageLayers;
import io.nodeimage.layers.LayerTree;
import io.nodeimage.layers.TreeWalk;
import java.io.IOException;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * An image's files read from its layers ({@link LayerTree}): an OCI layout, a {@code docker save}
 * archive or a registry, with no engine (its {@link #tools()} are empty: nothing of the image can run), or
 * an image Podman exports (its tools run in Podman). Owners, groups and modes are those of the layers' tar
 * headers.
 */
public final class LayerFiles implements ImageFiles {

    private final LayerTree tree;
    private final TreeWalk walker;
    private final ImageTools tools;

    private LayerFiles(LayerTree tree, ImageTools tools) {
        this.tree = tree;
        this.walker = new TreeWalk(tree);
        this.tools = tools;
    }

    /** Streams each layer once, keeping the content of what inspect reads ({@link Inspector#contentRoots}). */
    public static LayerFiles read(ImageLayers image, LayerTree.Wanted wanted, LayerTree.Limits limits) throws IOException {
        return new LayerFiles(LayerTree.read(image, wanted, limits), null);
    }

    /** As {@link #read}, for an image an engine exported: its tools run in the engine. */
    static LayerFiles read(ImageLayers image, LayerTree.Wanted wanted, LayerTree.Limits limits, ImageTools tools)
            throws IOException {
        return new LayerFiles(LayerTree.read(image, wanted, limits), tools);
    }

    @Override
    public Optional<ImageTools> tools() {
        return Optional.ofNullable(tools);
    }

    @Override
    public String imageId() {
        return tree.image().imageId();
    }

    @Override
    public String architecture() {
        return tree.image().architecture();
    }

    @Override
    public boolean walk(String path, Visitor visitor) throws IOException {
        return walker.walk(path, visitor::visit);
    }

    @Override
    public Optional<TarArchiveEntry> stat(String path) {
        return walker.stat(path);
    }

    @Override
    public void close() {
        tree.close();
    }
}
