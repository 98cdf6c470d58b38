package io.nodeimage.profile;

import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import java.util.regex.Pattern;

/**
 * Writes a resolved profile back as YAML: what every value is after {@code extends}, optionally with
 * the file and line each value was written at. The output is deterministic and loads back as the same
 * profile.
 */
public final class EffectiveProfile {

    /** Text that YAML reads back as the same string when written without quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./=+@-]*( [A-Za-z0-9_./=+@-]+)*");
    private static final Pattern NOT_PLAIN = Pattern.compile(
            "(?i)y|n|yes|no|on|off|true|false|null|~|\\.inf|\\.nan|[-+]?\\.?[0-9].*");

    private EffectiveProfile() {
    }

    /**
     * @param withOrigins follow each value with a comment naming where it was written
     */
    public static String toYaml(ResolvedProfile resolved, boolean withOrigins) {
        StringBuilder out = new StringBuilder();
        out.append("# Effective profile ").append(resolved.name()).append(": ")
                .append(String.join(" <- ", reversed(resolved.chain()))).append('\n');
        // 'extends' is resolved already: the output stands alone and loads back as the same profile.
        YNode.Mapping tree = YamlBinder.canonicalOrder(resolved.tree().without("extends"), Profile.class);
        writeMapping(out, tree, 0, withOrigins, false);
        return out.toString();
    }

    private static void writeMapping(StringBuilder out, YNode.Mapping map, int indent, boolean origins, boolean inlineFirst) {
        boolean first = true;
        for (YNode.Entry entry : map.entries()) {
            if (!(first && inlineFirst)) {
                out.append(" ".repeat(indent));
            }
            first = false;
            out.append(scalar(entry.name())).append(':');
            writeValue(out, entry.value(), indent, origins);
        }
    }

    private static void writeValue(StringBuilder out, YNode value, int indent, boolean origins) {
        if (value instanceof YNode.Scalar s) {
            out.append(' ').append(scalarNode(s));
            origin(out, s, origins);
        } else if (value instanceof YNode.Mapping m && m.entries().isEmpty()) {
            out.append(" {}");
            origin(out, m, origins);
        } else if (value instanceof YNode.Sequence q && q.items().isEmpty()) {
            out.append(" []");
            origin(out, q, origins);
        } else if (value instanceof YNode.Mapping m) {
            out.append('\n');
            writeMapping(out, m, indent + 2, origins, false);
        } else {
            out.append('\n');
            for (YNode item : ((YNode.Sequence) value).items()) {
                out.append(" ".repeat(indent + 2)).append("-");
                if (item instanceof YNode.Mapping m && !m.entries().isEmpty()) {
                    out.append(' ');
                    writeMapping(out, m, indent + 4, origins, true);
                } else {
                    writeValue(out, item, indent + 2, origins);
                }
            }
        }
    }

    private static java.util.List<String> reversed(java.util.List<String> names) {
        java.util.List<String> out = new java.util.ArrayList<>(names);
        java.util.Collections.reverse(out);
        return out;
    }

    private static void origin(StringBuilder out, YNode node, boolean origins) {
        if (origins) {
            out.append("  # ").append(node.location().file()).append(':').append(node.location().line());
        }
        out.append('\n');
    }

    private static String scalarNode(YNode.Scalar s) {
        // Numbers, booleans and nulls are written as they were, so they load back as the same type.
        if (s.type() == YNode.ScalarType.NULL && s.text().isEmpty()) {
            return "null";
        }
        return s.type() == YNode.ScalarType.STRING ? scalar(s.text()) : s.text();
    }

    /** A string, plain when that reads back as the same string, else double-quoted with escapes. */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches() && !NOT_PLAIN.matcher(text).matches()) {
            return text;
        }
        // A JSON string is a valid YAML double-quoted scalar with the same value.
        return io.nodeimage.yaml.Json.quote(text);
    }
}
