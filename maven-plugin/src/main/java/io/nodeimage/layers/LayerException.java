package io.nodeimage.layers;

import java.io.IOException;

/** An image's layers, manifest or configuration are not what they must be; the message names which. */
public final class LayerException extends IOException {

    public LayerException(String message) {
        super(message);
    }

    public LayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
