package io.nodeimage.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A YAML document as plain data with the position of every node. Nothing here is ever turned into
 * an arbitrary Java type: models are bound from these nodes by {@link YamlBinder}.
 */
public sealed interface YNode permits YNode.Scalar, YNode.Sequence, YNode.Mapping {

    Location location();

    /** What a YAML 1.1 resolver made of a plain scalar; quoted scalars are always strings. */
    enum ScalarType { STRING, INT, FLOAT, BOOL, NULL }

    /** A scalar keeps the text as written, so {@code 24.04} stays "24.04" and never becomes 24.4. */
    record Scalar(Location location, String text, ScalarType type) implements YNode {
        public Scalar {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(type, "type");
        }
    }

    record Sequence(Location location, List<YNode> items) implements YNode {
        public Sequence {
            Objects.requireNonNull(location, "location");
            items = List.copyOf(items);
        }
    }

    /** A key and its value; the key keeps its own position for "unknown key" errors. */
    record Entry(Scalar key, YNode value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        public String name() {
            return key.text();
        }
    }

    /** A mapping in source order; keys are unique (the loader rejects duplicates). */
    record Mapping(Location location, List<Entry> entries) implements YNode {
        public Mapping {
            Objects.requireNonNull(location, "location");
            entries = List.copyOf(entries);
        }

        public Optional<Entry> entry(String key) {
            for (Entry e : entries) {
                if (e.name().equals(key)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        public Optional<YNode> get(String key) {
            return entry(key).map(Entry::value);
        }

        /** A copy without the given keys, keeping order. */
        public Mapping without(String... keys) {
            List<Entry> kept = new ArrayList<>();
            for (Entry e : entries) {
                if (!List.of(keys).contains(e.name())) {
                    kept.add(e);
                }
            }
            return new Mapping(location, kept);
        }
    }

    /** The node at a path of keys (String) and indexes (Integer), if there is one. */
    static Optional<YNode> at(YNode root, Object... path) {
        YNode node = root;
        for (Object step : path) {
            if (step instanceof String key && node instanceof Mapping map) {
                Optional<YNode> next = map.get(key);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                node = next.get();
            } else if (step instanceof Integer index && node instanceof Sequence seq
                    && index >= 0 && index < seq.items().size()) {
                node = seq.items().get(index);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    /** A short name for the kind of node, for "expected a list, found a mapping" messages. */
    static String describe(YNode node) {
        if (node instanceof Mapping) {
            return "a mapping";
        }
        if (node instanceof Sequence) {
            return "a list";
        }
        Scalar s = (Scalar) node;
        return switch (s.type()) {
            case NULL -> "no value";
            case BOOL -> "the boolean " + s.text();
            case INT, FLOAT -> "the number " + s.text();
            case STRING -> "the text '" + Quote.forMessage(s.text()) + "'";
        };
    }
}
