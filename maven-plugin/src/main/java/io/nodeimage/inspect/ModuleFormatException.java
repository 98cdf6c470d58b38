package io.nodeimage.inspect;

/** A file that cannot be read as what it should be (a module, an rpm database): corrupt, truncated, or expanding beyond the limit. */
public final class ModuleFormatException extends Exception {

    public ModuleFormatException(String message) {
        super(message);
    }

    public ModuleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
