package io.nodeimage.yaml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one JSON writer and reader of nodeimage (facts, reports, verification, matrix, certificates,
 * schemas, engine requests), on Jackson. Output is the same bytes for the same values: maps built in a
 * meaningful order (LinkedHashMap, SortedMap) keep it, every other map is written with sorted keys.
 * Characters that JSON allows but YAML, HCL or JavaScript consumers reject or break lines on (C0 and C1
 * controls, DEL, U+2028, U+2029, U+FEFF) are written as \\u escapes, so a JSON string is also a valid
 * YAML double-quoted scalar, HCL2 string and TOML basic string.
 */
public final class Json {

    /** Bounds for documents read back (records nodeimage wrote, engine answers): no input exhausts memory. */
    private static final StreamReadConstraints READ_BOUNDS = StreamReadConstraints.builder()
            .maxNestingDepth(64).maxStringLength(16 * 1024 * 1024).maxDocumentLength(256L * 1024 * 1024)
            .maxNumberLength(64).build();

    private static final ObjectMapper MAPPER = mapper();

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("Duplicate field '(.*)' for");

    private Json() {
    }

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(READ_BOUNDS)
                .build();
        factory.setCharacterEscapes(new Escapes());
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return mapper;
    }

    /** Pretty JSON: two spaces a level, "key": value, one array item a line, {} and [] when empty. */
    public static String write(Object value) {
        return generate(value, new Pretty());
    }

    /** The same document on one line, for tools that read a line (CI outputs): ", " and ": " between. */
    public static String writeLine(Object value) {
        return generate(value, new OneLine());
    }

    /** A JSON string literal; also a valid YAML double-quoted scalar, HCL2 and TOML basic string. */
    public static String quote(String s) {
        return generate(s, null);
    }

    private static String generate(Object value, com.fasterxml.jackson.core.PrettyPrinter printer) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(printer);
            // Written straight from the maps and lists: a tree in between would copy a large facts document.
            MAPPER.writeValue(g, ordered(value));
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON in memory failed", e);
        }
        return out.toString();
    }

    /** Maps without an order of their own get sorted keys; lists and values are kept as they are. */
    private static Object ordered(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = map instanceof LinkedHashMap<?, ?> || map instanceof SortedMap<?, ?>
                    ? new LinkedHashMap<>() : new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), ordered(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(ordered(v)));
            return out;
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof JsonNode) {
            return value;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }

    /**
     * Reads a JSON document, bounded as above.
     *
     * @param shown how the document is named in an error (a file, "the engine's answer to ...")
     * @throws JsonException naming the line and column of the first problem
     */
    public static JsonNode read(byte[] json, String shown) {
        JsonParser p;
        try {
            p = MAPPER.getFactory().createParser(json);
        } catch (IOException e) {
            throw new JsonException(shown + ": " + e.getMessage());
        }
        try (p) {
            JsonNode root = MAPPER.readTree(p);
            if (root == null || p.nextToken() != null) {
                throw new JsonException(shown + ": " + (root == null ? "empty, not a JSON document" : "more than one JSON document"));
            }
            return root;
        } catch (JsonProcessingException e) {
            // Limits (nesting, sizes) are reported without a location: the parser's own position is where.
            var at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
            String problem = e.getOriginalMessage();
            java.util.regex.Matcher duplicate = DUPLICATE.matcher(problem);
            if (duplicate.lookingAt()) {
                // Jackson names its own feature flag here; the reader of the error needs only the key.
                problem = "the key '" + duplicate.group(1) + "' appears twice";
            }
            throw new JsonException(shown + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + problem);
        } catch (IOException e) {
            throw new JsonException(shown + ": " + e.getMessage());
        }
    }

    /** A JSON file, as {@link #read(byte[], String)}; a file past the document bound is refused unread. */
    public static JsonNode read(java.nio.file.Path file, String shown) {
        try {
            if (java.nio.file.Files.size(file) > READ_BOUNDS.getMaxDocumentLength()) {
                throw new JsonException(shown + ": larger than " + READ_BOUNDS.getMaxDocumentLength() + " bytes");
            }
            return read(java.nio.file.Files.readAllBytes(file), shown);
        } catch (IOException e) {
            throw new JsonException(shown + ": " + e.getMessage());
        }
    }

    /** A JSON document that cannot be read; the message names where. */
    public static final class JsonException extends RuntimeException {
        JsonException(String message) {
            super(message);
        }
    }

    /** Escapes, beyond JSON's own, what other consumers of the same text reject (see the class comment). */
    private static final class Escapes extends CharacterEscapes {
        private final int[] table;

        Escapes() {
            table = CharacterEscapes.standardAsciiEscapesForJSON();
            // HCL2 knows no \b or \f: every control character is written as \\u00XX instead.
            table['\b'] = ESCAPE_CUSTOM;
            table['\f'] = ESCAPE_CUSTOM;
            table[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean escape = ch == '\b' || ch == '\f' || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f)
                    || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff;
            return escape ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    /** Two-space indents, "key": value, arrays one item a line, and {} / [] for empty ones. */
    private static final class Pretty extends DefaultPrettyPrinter {
        Pretty() {
            super(DefaultPrettyPrinter.DEFAULT_ROOT_VALUE_SEPARATOR);
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        Pretty(Pretty base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Pretty(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            if (entries == 0) {
                --_nesting;
                g.writeRaw('}');
                return;
            }
            super.writeEndObject(g, entries);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            if (values == 0) {
                --_nesting;
                g.writeRaw(']');
                return;
            }
            super.writeEndArray(g, values);
        }
    }

    /** One line: ", " between values and ": " after keys, as people and line-reading tools expect. */
    private static final class OneLine extends com.fasterxml.jackson.core.util.MinimalPrettyPrinter {
        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}
