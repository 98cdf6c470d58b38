package io.nodeimage.layers;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The layers of an image an engine exports as a {@code docker save} stream, read as the stream comes:
 * the layers are found by their diff ids (the export names each layer file {@code <diff id>.tar} or
 * {@code <diff id>/layer.tar}), so nothing of the export is written to disk. Layers come in the image's
 * order; one needed again later (a repeated empty layer, a file read again) is kept when small, else
 * the export is asked for again.
 */
public final class StreamedArchive {

    /** Opens a new export of the image, from its beginning. */
    public interface Export {
        InputStream open() throws IOException;
    }

    /** Layers small enough to keep when they pass by before they are needed. */
    private static final int KEEP_SMALL = 1024 * 1024;

    private final String source;
    private final List<String> diffIds;
    private final Export export;
    private final Map<String, byte[]> small = new HashMap<>();
    private InputStream raw;
    private TarArchiveInputStream tar;

    private StreamedArchive(String source, List<String> diffIds, Export export) {
        this.source = source;
        this.diffIds = diffIds;
        this.export = export;
    }

    /** @param diffIds the image's layers, base first, as the engine's description of it names them (RootFS.Layers) */
    public static ImageLayers layers(String source, String imageId, String os, String architecture, List<String> diffIds,
                                     Export export) throws LayerException {
        StreamedArchive archive = new StreamedArchive(source, List.copyOf(diffIds), export);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            if (!Digest.valid(diffIds.get(i))) {
                throw new LayerException(source + ": the engine names layer " + (i + 1) + " by '" + diffIds.get(i)
                        + "', not a digest");
            }
            int index = i;
            layers.add(new Layer(i, diffIds.size(), null, diffIds.get(i), -1, () -> archive.open(index)));
        }
        return new ImageLayers(source, imageId, os, architecture, List.copyOf(layers));
    }

    private synchronized InputStream open(int index) throws IOException {
        String want = hex(diffIds.get(index));
        byte[] kept = small.get(want);
        if (kept != null) {
            return new ByteArrayInputStream(kept);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            if (tar == null) {
                raw = export.open();
                tar = new TarArchiveInputStream(new java.io.BufferedInputStream(raw, 1 << 20));
            }
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String hex = layerHex(e.getName());
                if (hex == null || e.isSymbolicLink()) {
                    continue;
                }
                if (hex.equals(want)) {
                    if (e.getSize() <= KEEP_SMALL && laterAgain(index + 1, hex)) {
                        // Needed again further up (an empty layer repeats): kept, not asked for again.
                        byte[] bytes = tar.readNBytes((int) e.getSize());
                        small.put(hex, bytes);
                        return new ByteArrayInputStream(bytes);
                    }
                    return new Member(tar, index == diffIds.size() - 1 || attempt > 0);
                }
                if (e.getSize() <= KEEP_SMALL && laterAgain(index, hex)) {
                    small.put(hex, tar.readNBytes((int) e.getSize()));
                }
            }
            // Passed already: the export from its beginning again.
            closeExport();
        }
        throw new LayerException(source + ": the engine's export has no layer " + diffIds.get(index));
    }

    private boolean laterAgain(int from, String hex) {
        return diffIds.subList(Math.min(from, diffIds.size()), diffIds.size()).stream().anyMatch(d -> hex(d).equals(hex));
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** The diff id a member of the export names: "<hex>.tar" or "<hex>/layer.tar"; null for other members. */
    private static String layerHex(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        if (n.matches("[0-9a-f]{64}\\.tar")) {
            return n.substring(0, 64);
        }
        if (n.matches("[0-9a-f]{64}/layer\\.tar")) {
            return n.substring(0, 64);
        }
        return null;
    }

    private synchronized void closeExport() {
        try {
            if (raw != null) {
                raw.close();
            }
        } catch (IOException e) {
            // Nothing more is read from it.
        }
        raw = null;
        tar = null;
    }

    /** One layer's bytes inside the export; closing it ends the export after the last layer or a second reading. */
    private final class Member extends FilterInputStream {
        private final boolean last;

        Member(InputStream in, boolean last) {
            super(in);
            this.last = last;
        }

        @Override
        public void close() {
            if (last) {
                closeExport();
            }
        }
    }
}
