package io.nodeimage.inspect;

/** A module file that cannot be read as one: corrupt, truncated, or expanding beyond the limit. */
public final class ModuleFormatException extends Exception {

    public ModuleFormatException(String message) {
        super(message);
    }

    public ModuleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
