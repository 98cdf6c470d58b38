package io.nodeimage.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every problem of a run, so users see them all at once rather than one per attempt. */
public final class Problems {

    private final TreeSet<Problem> problems = new TreeSet<>();

    public void add(Problem problem) {
        problems.add(problem);
    }

    public void add(Location location, String path, String message, String hint) {
        add(new Problem(location, path, message, hint));
    }

    public void addAll(Iterable<Problem> more) {
        more.forEach(this::add);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    /**
     * A header key a document must have with exactly this value ({@code apiVersion: nodeimage/v1},
     * {@code kind: Profile}): a problem at the document when it is missing, at the key when it differs.
     */
    public void requireValue(YNode.Mapping doc, String key, String value) {
        java.util.Optional<YNode> node = doc.get(key);
        if (node.isEmpty()) {
            add(doc.location(), "", "missing required key '" + key + "'", "add '" + key + ": " + value + "'");
        } else if (!(node.get() instanceof YNode.Scalar s) || !s.text().equals(value)) {
            add(node.get().location(), key, "expected '" + value + "', found " + YNode.describe(node.get()),
                    "write '" + key + ": " + value + "'");
        }
    }

    /** Sorted by file, line and column; duplicates (the same error reached twice) appear once. */
    public List<Problem> list() {
        return List.copyOf(new ArrayList<>(problems));
    }
}
