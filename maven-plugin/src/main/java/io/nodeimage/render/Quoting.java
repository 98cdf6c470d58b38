package io.nodeimage.render;

import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;

/**
 * The one place values are quoted for the formats nodeimage writes. Values were checked for shape
 * when the profile was loaded; quoting here is the second, independent defence.
 */
public final class Quoting {

    /** Words a POSIX shell takes literally: no globbing, expansion, splitting or leading '~'. */
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./=:+@%,-]+");

    private Quoting() {
    }

    /** A shell word: bare when nothing in it is special, else single-quoted. */
    public static String sh(String value) {
        if (!value.isEmpty() && SHELL_SAFE.matcher(value).matches() && !value.startsWith("-")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Several shell words. */
    public static String sh(List<String> values) {
        return String.join(" ", values.stream().map(Quoting::sh).toList());
    }

    /** A double-quoted string for Dockerfile instructions such as LABEL, where '$' would expand. */
    public static String dockerfile(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || c == '$') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** A JSON string (also a valid HCL2 and TOML basic string for the characters profiles allow). */
    public static String json(String value) {
        return io.nodeimage.yaml.Json.quote(value);
    }

    /** An HCL2 string: like JSON, and '${' and '%{' escaped so no template runs. */
    public static String hcl(String value) {
        return json(value).replace("${", "$${").replace("%{", "%%{");
    }

    /** A TOML basic string. */
    public static String toml(String value) {
        return json(value);
    }

    /** Base64 in lines of 76, for embedding a script where only its own alphabet may appear. */
    public static List<String> base64Lines(String content) {
        String b64 = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < b64.length(); i += 76) {
            lines.add(b64.substring(i, Math.min(b64.length(), i + 76)));
        }
        return lines;
    }
}
