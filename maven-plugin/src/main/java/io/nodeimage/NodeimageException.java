package io.nodeimage;

/**
 * Base of every error the core reports to its caller. The message is meant for the user as is; the
 * hint says what to do about it. The Maven layer translates these in one place.
 */
public abstract class NodeimageException extends RuntimeException {

    private final String hint;

    protected NodeimageException(String message, String hint) {
        super(message);
        this.hint = hint == null ? "" : hint;
    }

    protected NodeimageException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint == null ? "" : hint;
    }

    public String hint() {
        return hint;
    }
}
