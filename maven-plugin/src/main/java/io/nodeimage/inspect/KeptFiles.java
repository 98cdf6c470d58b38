package io.nodeimage.inspect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Trees read once and kept in memory, in front of any {@link ImageFiles}: the many small reads below a
 * kept root (configuration directories, single files) are answered from memory instead of costing one
 * more archive request each. What is not below a kept root goes to the files behind.
 */
final class KeptFiles implements ImageFiles {

    private final ImageFiles files;
    /** Root to entries, in archive order. */
    private final Map<String, List<Kept>> kept = new LinkedHashMap<>();

    /** An entry of a kept tree; {@code content} is null when the file was too large to keep. */
    record Kept(String path, TarArchiveEntry entry, byte[] content) {
    }

    KeptFiles(ImageFiles files) {
        this.files = files;
    }

    @Override
    public String imageId() {
        return files.imageId();
    }

    @Override
    public String architecture() {
        return files.architecture();
    }

    @Override
    public Optional<ImageTools> tools() {
        return files.tools();
    }

    /**
     * Reads the tree at {@code root} once and keeps it. Files larger than {@code fileLimit}, or beyond
     * {@code totalLimit} bytes in all, keep only their metadata; walks needing their content go to the
     * files behind.
     *
     * @return the kept entries, in archive order; empty when the root does not exist
     */
    List<Kept> keep(String root, int fileLimit, long totalLimit) throws IOException {
        List<Kept> entries = new ArrayList<>();
        long[] total = {0};
        files.walk(root, (p, e, in) -> {
            byte[] content = null;
            if (e.isFile() && e.getSize() <= fileLimit && total[0] + e.getSize() <= totalLimit) {
                content = in.readNBytes((int) e.getSize());
                total[0] += content.length;
            }
            entries.add(new Kept(p, e, content));
        });
        kept.put(root, List.copyOf(entries));
        return kept.get(root);
    }

    @Override
    public boolean walk(String path, Visitor visitor) throws IOException {
        Optional<List<Kept>> fromMemory = keptBelow(path);
        if (fromMemory.isEmpty()) {
            return files.walk(path, visitor);
        }
        for (Kept k : fromMemory.get()) {
            visitor.visit(k.path(), k.entry(), new ByteArrayInputStream(k.content() == null ? new byte[0] : k.content()));
        }
        return !fromMemory.get().isEmpty();
    }

    /** The kept entries at and below {@code path}, if a kept tree covers it and holds every file's content. */
    private Optional<List<Kept>> keptBelow(String path) {
        for (Map.Entry<String, List<Kept>> tree : kept.entrySet()) {
            String root = tree.getKey();
            if (!path.equals(root) && !path.startsWith(root + "/")) {
                continue;
            }
            List<Kept> out = new ArrayList<>();
            for (Kept k : tree.getValue()) {
                if (k.path().equals(path) || k.path().startsWith(path + "/")) {
                    if (k.entry().isFile() && k.content() == null) {
                        return Optional.empty();
                    }
                    out.add(k);
                }
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }

    /** The files behind are closed by whoever opened them. */
    @Override
    public void close() {
    }
}
