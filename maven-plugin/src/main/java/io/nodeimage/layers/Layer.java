package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;

/**
 * One layer of an image: where its bytes come from and what they must be.
 *
 * @param index the layer's place, 0 for the base
 * @param count how many layers the image has (for messages)
 * @param digest the digest of the bytes as stored (compressed), as the manifest names it; null when the
 *               source names none (a legacy {@code docker save} archive)
 * @param diffId the digest of the expanded tar, as the image's configuration names it (rootfs.diff_ids)
 * @param size the stored size the manifest declares; -1 when unknown
 */
public record Layer(int index, int count, String digest, String diffId, long size, Opener opener) {

    /** Opens the layer's stored bytes; each call starts from the beginning. */
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** The layer as messages name it: "layer 2 of 5 (sha256:...)". */
    public String shown() {
        return "layer " + (index + 1) + " of " + count + " (" + (digest != null ? digest : diffId) + ")";
    }
}
