package io.nodeimage.yaml;

import java.util.List;
import java.util.Map;

/** A small, deterministic JSON writer for the few documents nodeimage writes itself. */
public final class Json {

    private Json() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    /** The same document on one line, for tools that read a line (CI outputs). */
    public static String writeLine(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1);
        return out.toString();
    }

    /** @param indent the nesting depth, or -1 for one line */
    private static void write(StringBuilder out, Object value, int indent) {
        boolean line = indent < 0;
        String open = line ? "" : "\n";
        String next = line ? ", " : ",\n";
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{').append(open);
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(pad(indent + 1));
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), line ? -1 : indent + 1);
                out.append(++i < map.size() ? next : open);
            }
            out.append(pad(indent)).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[').append(open);
            for (int i = 0; i < list.size(); i++) {
                out.append(pad(indent + 1));
                write(out, list.get(i), line ? -1 : indent + 1);
                out.append(i + 1 < list.size() ? next : open);
            }
            out.append(pad(indent)).append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static String pad(int indent) {
        return indent <= 0 ? "" : "  ".repeat(indent);
    }

    /** A JSON string literal; also a valid YAML double-quoted scalar, HCL2 and TOML basic string. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder();
        string(out, s);
        return out.toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
