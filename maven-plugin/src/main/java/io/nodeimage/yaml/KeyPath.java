package io.nodeimage.yaml;

import java.util.regex.Pattern;

/** Builds the key paths shown in errors: {@code kernel.modules.disable[2]}, {@code sysctl["kernel.kptr_restrict"]}. */
public final class KeyPath {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_+-]+");

    private KeyPath() {
    }

    public static String key(String path, String key) {
        if (PLAIN.matcher(key).matches()) {
            return path.isEmpty() ? key : path + "." + key;
        }
        return path + "[\"" + Quote.forMessage(key).replace("\"", "\\\"") + "\"]";
    }

    public static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
