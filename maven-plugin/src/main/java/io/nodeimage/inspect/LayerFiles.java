package io.nodeimage.inspect;

import io.nodeimage.layers.ImageLayers;
import io.nodeimage.layers.LayerTree;
import io.nodeimage.layers.TreeWalk;
import java.io.IOException;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * An image's files read from its layers ({@link LayerTree}): an OCI layout, a {@code docker save}
 * archive or a registry, with no engine. Owners, groups and modes are those of the layers' tar headers;
 * nothing of the image can run, so {@link #tools()} is empty.
 */
public final class LayerFiles implements ImageFiles {

    private final LayerTree tree;
    private final TreeWalk walker;

    private LayerFiles(LayerTree tree) {
        this.tree = tree;
        this.walker = new TreeWalk(tree);
    }

    /** Streams each layer once, keeping the content of what inspect reads ({@link Inspector#reads}). */
    public static LayerFiles read(ImageLayers image, LayerTree.Wanted wanted, LayerTree.Limits limits) throws IOException {
        return new LayerFiles(LayerTree.read(image, wanted, limits));
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
