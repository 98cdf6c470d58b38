package io.nodeimage.yaml;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with what a user wrote: where, under which key, what, and how to fix it.
 *
 * @param location where in which file
 * @param path the key path, such as {@code kernel.modules.disable[2]}; empty for the document
 * @param message what is wrong, naming the value the user wrote
 * @param hint how to fix it; empty when the message says it already
 */
public record Problem(Location location, String path, String message, String hint)
        implements Comparable<Problem> {

    private static final Comparator<Problem> ORDER = Comparator.comparing(Problem::location)
            .thenComparing(Problem::path)
            .thenComparing(Problem::message);

    public Problem {
        Objects.requireNonNull(location, "location");
        path = path == null ? "" : path;
        Objects.requireNonNull(message, "message");
        hint = hint == null ? "" : hint;
    }

    public Problem(Location location, String path, String message) {
        this(location, path, message, "");
    }

    /** {@code file:line:column: path: message; hint}, the form editors and CI logs link. */
    public String format() {
        StringBuilder out = new StringBuilder(location.toString()).append(": ");
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        out.append(message);
        if (!hint.isEmpty()) {
            out.append("; ").append(hint);
        }
        return out.toString();
    }

    @Override
    public int compareTo(Problem other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return format();
    }
}
