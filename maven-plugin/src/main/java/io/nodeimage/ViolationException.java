package io.nodeimage;

/**
 * A check ran and found what it looks for: an expected outcome (the build fails), not a fault in how
 * the check was set up.
 */
public class ViolationException extends NodeimageException {

    public ViolationException(String message, String hint) {
        super(message, hint);
    }
}
