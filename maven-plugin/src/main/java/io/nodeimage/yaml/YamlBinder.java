package io.nodeimage.yaml;

import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds {@link YNode}s to immutable records. The records are the model: their component names are
 * the YAML keys, {@link Shape} says which {@link Syntax} a text must have, {@link Required} marks keys
 * that must be present. Every problem is collected with its location and key path; binding goes on
 * after a problem so a user sees all of them in one run.
 *
 * <p>A list key may be written {@code key+} to append to what {@code extends} inherited; in a document
 * without a parent it means the same as {@code key}.
 */
public final class YamlBinder {

    private final Problems problems;
    /** Only documents that extend another (profiles) have an inherited list to append to. */
    private final boolean appending;

    /** A binder for documents that may extend others: {@code key+} appends. */
    public YamlBinder(Problems problems) {
        this(problems, true);
    }

    /**
     * @param appending whether {@code key+} is accepted; documents without {@code extends} (policies,
     *     waivers, policy tests) have nothing to append to, so there it is an error that says so
     */
    public YamlBinder(Problems problems, boolean appending) {
        this.problems = problems;
        this.appending = appending;
    }

    /** Binds a whole document; returns a record even when problems were found (check {@link Problems}). */
    public <T extends Record> T bindDocument(YNode root, Class<T> type) {
        Object value = bind(root, plain(type), "");
        return type.cast(value);
    }

    private Object bind(YNode node, AnnotatedType type, String path) {
        Class<?> raw = rawClass(type.getType());
        if (raw.isRecord()) {
            return bindRecord(node, raw, path);
        }
        if (raw == List.class) {
            return bindList(node, typeArgument(type, 0), path);
        }
        if (raw == Map.class) {
            return bindMap(node, typeArgument(type, 0), typeArgument(type, 1), path);
        }
        if (!(node instanceof YNode.Scalar scalar)) {
            return mismatch(node, path, expected(type));
        }
        if (scalar.type() == YNode.ScalarType.NULL) {
            problems.add(scalar.location(), path, "has no value",
                    "give it " + expected(type) + ", or remove the key");
            return null;
        }
        if (raw == String.class) {
            return bindText(scalar, shapeOf(type), path);
        }
        if (raw == Boolean.class) {
            if (scalar.type() == YNode.ScalarType.BOOL && (scalar.text().equals("true") || scalar.text().equals("false"))) {
                return Boolean.valueOf(scalar.text());
            }
            return mismatch(node, path, "true or false");
        }
        if (raw == Integer.class) {
            if (scalar.type() == YNode.ScalarType.INT) {
                try {
                    return Integer.valueOf(scalar.text().replace("_", ""));
                } catch (NumberFormatException e) {
                    // Octal, hex or out of range: report below as a plain mismatch.
                }
            }
            return mismatch(node, path, "a whole number");
        }
        if (raw.isEnum() && YamlEnum.class.isAssignableFrom(raw)) {
            return bindEnum(scalar, raw, path);
        }
        throw new IllegalStateException("model type not supported by the binder: " + type);
    }

    private String bindText(YNode.Scalar scalar, Syntax syntax, String path) {
        String text = scalar.text();
        if (!syntax.accepts(text)) {
            String shown = Quote.forMessage(text);
            String why = text.length() > syntax.maxLength()
                    ? "is " + text.length() + " characters long; at most " + syntax.maxLength() + " are allowed"
                    : "'" + shown + "' is not " + syntax.description();
            problems.add(scalar.location(), path, why, "");
            return null;
        }
        if (syntax == Syntax.DATE) {
            try {
                java.time.LocalDate.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                problems.add(scalar.location(), path, "'" + text + "' is not a day of the calendar",
                        "check the month and day (" + text.substring(0, 4) + " has "
                                + (java.time.Year.isLeap(Integer.parseInt(text.substring(0, 4))) ? "29" : "28")
                                + " days in February)");
                return null;
            }
        }
        return text;
    }

    private Object bindEnum(YNode.Scalar scalar, Class<?> raw, String path) {
        List<String> names = new ArrayList<>();
        for (Object constant : raw.getEnumConstants()) {
            String name = ((YamlEnum) constant).yamlName();
            if (name.equals(scalar.text())) {
                return constant;
            }
            names.add(name);
        }
        problems.add(scalar.location(), path, "'" + Quote.forMessage(scalar.text()) + "' is not one of "
                + String.join(", ", names), DidYouMean.closest(scalar.text(), names)
                .map(s -> "did you mean '" + s + "'?").orElse(""));
        return null;
    }

    private List<Object> bindList(YNode node, AnnotatedType item, String path) {
        if (!(node instanceof YNode.Sequence seq)) {
            mismatch(node, path, "a list");
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            Object value = bind(seq.items().get(i), item, KeyPath.index(path, i));
            if (value != null) {
                out.add(value);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private Map<String, Object> bindMap(YNode node, AnnotatedType key, AnnotatedType value, String path) {
        if (!(node instanceof YNode.Mapping map)) {
            mismatch(node, path, "a mapping");
            return Map.of();
        }
        Syntax keySyntax = shapeOf(key);
        Map<String, Object> out = new LinkedHashMap<>();
        for (YNode.Entry entry : map.entries()) {
            String entryPath = KeyPath.key(path, entry.name());
            if (!keySyntax.accepts(entry.name())) {
                problems.add(entry.key().location(), entryPath,
                        "key '" + Quote.forMessage(entry.name()) + "' is not " + keySyntax.description(), "");
                continue;
            }
            Object bound = bind(entry.value(), value, entryPath);
            if (bound != null) {
                out.put(entry.name(), bound);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private Object bindRecord(YNode node, Class<?> type, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        if (!(node instanceof YNode.Mapping map)) {
            mismatch(node, path, "a mapping");
            return construct(type, components, values);
        }
        List<String> known = Arrays.stream(components).map(YamlBinder::keyOf).toList();
        boolean[] seen = new boolean[components.length];
        for (YNode.Entry entry : map.entries()) {
            String name = entry.name();
            int index = known.indexOf(name);
            if (index < 0 && name.endsWith("+") && !appending && known.contains(name.substring(0, name.length() - 1))) {
                String plain = name.substring(0, name.length() - 1);
                problems.add(entry.key().location(), KeyPath.key(path, name),
                        "'" + plain + "+' appends to an inherited list, but this document extends nothing",
                        "write '" + plain + ":'");
                continue;
            }
            if (index < 0 && name.endsWith("+")) {
                int base = known.indexOf(name.substring(0, name.length() - 1));
                if (base >= 0 && components[base].getType() == List.class) {
                    index = base;
                } else if (base >= 0) {
                    problems.add(entry.key().location(), KeyPath.key(path, name),
                            "'+' appends to a list, but '" + known.get(base) + "' is not a list",
                            "write '" + known.get(base) + ":' to replace the inherited value");
                    continue;
                }
            }
            if (index < 0) {
                problems.add(entry.key().location(), KeyPath.key(path, name),
                        "unknown key '" + Quote.forMessage(name) + "'", unknownKeyHint(name, known, components));
                continue;
            }
            if (seen[index]) {
                problems.add(entry.key().location(), KeyPath.key(path, name),
                        "both '" + known.get(index) + "' and '" + known.get(index) + "+' are given",
                        "use one of them");
                continue;
            }
            seen[index] = true;
            values[index] = bind(entry.value(), components[index].getAnnotatedType(),
                    KeyPath.key(path, known.get(index)));
        }
        for (int i = 0; i < components.length; i++) {
            if (!seen[i] && components[i].isAnnotationPresent(Required.class)) {
                problems.add(map.location(), path, "missing required key '" + known.get(i) + "'",
                        "add '" + known.get(i) + ":' with " + expected(components[i].getAnnotatedType()));
            }
        }
        return construct(type, components, values);
    }

    /**
     * '+cmdline', 'install +', 'cmdline++': a '+' in the wrong place. The plain name would replace the
     * inherited list and drop its entries, so where appending is possible the hint names 'key+'.
     */
    private String unknownKeyHint(String name, List<String> known, RecordComponent[] components) {
        String meant = name.replace("+", "").strip();
        int index = known.indexOf(meant);
        if (name.contains("+") && index >= 0 && components[index].getType() == List.class) {
            return appending
                    ? "did you mean '" + meant + "+'? ('" + meant + "+:' appends to the inherited list; '" + meant
                            + ":' replaces it)"
                    : "write '" + meant + ":' (this document extends nothing to append to)";
        }
        return DidYouMean.hint(name, known);
    }

    /**
     * The same document with the keys of every record in the model's order (source order for free-form
     * maps), so output written from a merged tree reads the same whatever the files' key order was.
     */
    public static YNode.Mapping canonicalOrder(YNode.Mapping map, Class<? extends Record> type) {
        return (YNode.Mapping) reorder(map, plain(type));
    }

    private static YNode reorder(YNode node, AnnotatedType type) {
        Class<?> raw = rawClass(type.getType());
        if (raw == List.class && node instanceof YNode.Sequence seq) {
            AnnotatedType item = typeArgument(type, 0);
            return new YNode.Sequence(seq.location(), seq.items().stream().map(i -> reorder(i, item)).toList());
        }
        if (raw == Map.class && node instanceof YNode.Mapping map) {
            AnnotatedType value = typeArgument(type, 1);
            return new YNode.Mapping(map.location(), map.entries().stream()
                    .map(e -> new YNode.Entry(e.key(), reorder(e.value(), value))).toList());
        }
        if (!raw.isRecord() || !(node instanceof YNode.Mapping map)) {
            return node;
        }
        List<YNode.Entry> ordered = new ArrayList<>();
        List<YNode.Entry> rest = new ArrayList<>(map.entries());
        for (RecordComponent c : raw.getRecordComponents()) {
            String key = keyOf(c);
            for (YNode.Entry e : map.entries()) {
                if (e.name().equals(key) || e.name().equals(key + "+")) {
                    ordered.add(new YNode.Entry(e.key(), reorder(e.value(), c.getAnnotatedType())));
                    rest.remove(e);
                }
            }
        }
        ordered.addAll(rest);
        return new YNode.Mapping(map.location(), ordered);
    }

    /** The YAML key of a component: its name, or what {@link Key} says. */
    public static String keyOf(RecordComponent component) {
        Key key = component.getAnnotation(Key.class);
        return key != null ? key.value() : component.getName();
    }

    private static Object construct(Class<?> type, RecordComponent[] components, Object[] values) {
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("model record " + type.getSimpleName()
                    + " rejected bound values; its constructor must accept nulls", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("model record " + type.getSimpleName() + " cannot be built", e);
        }
    }

    private Object mismatch(YNode node, String path, String expected) {
        problems.add(node.location(), path, "expected " + expected + ", found " + YNode.describe(node), "");
        return null;
    }

    /** A human name for what a type expects, used in messages. */
    static String expected(AnnotatedType type) {
        Class<?> raw = rawClass(type.getType());
        if (raw.isRecord() || raw == Map.class) {
            return "a mapping";
        }
        if (raw == List.class) {
            return "a list";
        }
        if (raw == Boolean.class) {
            return "true or false";
        }
        if (raw == Integer.class) {
            return "a whole number";
        }
        if (raw.isEnum()) {
            return "one of " + String.join(", ", Arrays.stream(raw.getEnumConstants())
                    .map(c -> ((YamlEnum) c).yamlName()).toList());
        }
        return shapeOf(type).description();
    }

    static Syntax shapeOf(AnnotatedType type) {
        return Optional.ofNullable(type.getAnnotation(Shape.class)).map(Shape::value).orElse(Syntax.LINE);
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("model type not supported: " + type);
    }

    static AnnotatedType typeArgument(AnnotatedType type, int index) {
        if (type instanceof AnnotatedParameterizedType p) {
            return p.getAnnotatedActualTypeArguments()[index];
        }
        throw new IllegalStateException("raw collection type in model: " + type);
    }

    static AnnotatedType plain(Class<?> type) {
        return new AnnotatedType() {
            @Override
            public Type getType() {
                return type;
            }

            @Override
            public <A extends java.lang.annotation.Annotation> A getAnnotation(Class<A> annotationClass) {
                return null;
            }

            @Override
            public java.lang.annotation.Annotation[] getAnnotations() {
                return new java.lang.annotation.Annotation[0];
            }

            @Override
            public java.lang.annotation.Annotation[] getDeclaredAnnotations() {
                return new java.lang.annotation.Annotation[0];
            }
        };
    }
}
