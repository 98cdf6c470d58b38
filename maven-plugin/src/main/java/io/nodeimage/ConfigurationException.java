package io.nodeimage;

/** What the user configured or wrote cannot be used: the run stops at once. */
public class ConfigurationException extends NodeimageException {

    public ConfigurationException(String message, String hint) {
        super(message, hint);
    }

    public ConfigurationException(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
