package io.nodeimage.layers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One layer's stored bytes read as its tar entries: expanded (gzip or zstd, told by the first bytes),
 * counted and digested twice as they pass (the stored bytes against the manifest's digest and size,
 * the expanded tar against the configuration's diff id), to the end even when the reader stops early.
 * Entry names come out as absolute paths in the image; a name leaving the root is an error.
 */
final class LayerStream {

    /** Longest user or group name an entry may name: Linux allows 32, PAX headers any length. */
    static final int NAME_LENGTH = 256;

    private final String source;
    private final LayerTree.Limits limits;

    LayerStream(String source, LayerTree.Limits limits) {
        this.source = source;
        this.limits = limits;
    }

    interface EntryHandler {
        /** @return false to stop reading entries (the rest of the layer is still read, for its digests) */
        boolean handle(String path, TarArchiveEntry entry, InputStream tar) throws IOException;
    }

    /** Reads a layer's entries through both digests and the limits; the digests are checked at its end. */
    void read(Layer layer, InputStream raw, EntryHandler handler) throws IOException {
        long storedLimit = layer.size() >= 0 ? layer.size() : Long.MAX_VALUE;
        Digest.Counting stored = new Digest.Counting(raw, layer.digest(), storedLimit,
                layer.shown() + " has more bytes than the " + layer.size() + " its manifest declares");
        BufferedInputStream buffered = new BufferedInputStream(stored, 1 << 20);
        InputStream tarBytes = expand(buffered, layer);
        // An uncompressed layer is its own tar: when its stored digest is checked, the diff id is the same
        // digest of the same bytes, and one pass of SHA-256 checks both.
        boolean same = tarBytes == buffered && layer.digest() != null && layer.digest().equals(layer.diffId());
        Digest.Counting expanded = new Digest.Counting(tarBytes, same ? null : layer.diffId(), limits.layerBytes(),
                layer.shown() + " expands past " + limits.layerBytes() + " bytes; not read");
        try {
            TarArchiveInputStream tar = new BoundedTarInput(expanded, layer.shown() + " of " + source, limits.headerBytes());
            boolean more = true;
            for (TarArchiveEntry e; more && (e = tar.getNextEntry()) != null; ) {
                String path = normalize(layer, e.getName());
                checkNames(layer, path, e);
                more = handler.handle(path, e, tar);
            }
            expanded.drain();
            stored.drain();
        } catch (LayerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LayerException(layer.shown() + " of " + source + " is not a readable tar layer: "
                    + e.getMessage(), e);
        }
        if (layer.digest() != null && !stored.digest().equals(layer.digest())) {
            throw new LayerException(layer.shown() + " of " + source + " is " + stored.digest()
                    + ": its bytes are not what its digest says");
        }
        if (layer.size() >= 0 && stored.count != layer.size()) {
            throw new LayerException(layer.shown() + " of " + source + " has " + stored.count
                    + " bytes, its manifest declares " + layer.size());
        }
        if (layer.diffId() != null && !same && !expanded.digest().equals(layer.diffId())) {
            throw new LayerException(layer.shown() + " of " + source + " expands to " + expanded.digest()
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

    /** The names an entry's header brings besides its own, kept for every entry: bounded as its name is. */
    private void checkNames(Layer layer, String path, TarArchiveEntry e) throws LayerException {
        if (e.getLinkName().length() > limits.pathLength()) {
            throw new LayerException(layer.shown() + " of " + source + " has an entry " + path
                    + " linking to a name longer than " + limits.pathLength() + " characters");
        }
        if (e.getUserName().length() > NAME_LENGTH || e.getGroupName().length() > NAME_LENGTH) {
            throw new LayerException(layer.shown() + " of " + source + " has an entry " + path
                    + " whose owner's user or group name is longer than " + NAME_LENGTH + " characters");
        }
    }

    /** A tar name as a path in the image: "./usr/lib/" becomes "/usr/lib"; ".." is refused. */
    String normalize(Layer layer, String name) throws LayerException {
        if (name.length() > limits.pathLength()) {
            throw new LayerException(layer.shown() + " of " + source + " has an entry name longer than "
                    + limits.pathLength() + " characters");
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new LayerException(layer.shown() + " of " + source + " has an entry '" + name
                        + "' that leaves the image's root; a container runtime refuses such a layer");
            }
            out.append('/').append(part);
        }
        return out.length() == 0 ? "/" : out.toString();
    }
}
