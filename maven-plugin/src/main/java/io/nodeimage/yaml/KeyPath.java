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

    /** A path of keys (strings) and list indexes (integers) as errors show it. */
    public static String of(Object... path) {
        String shown = "";
        for (Object step : path) {
            shown = step instanceof Integer i ? index(shown, i) : key(shown, (String) step);
        }
        return shown;
    }

    /** Where an error about {@code path} is shown: its deepest node that exists in the tree, else the tree. */
    public static Location deepest(YNode.Mapping tree, Object... path) {
        Location location = tree.location();
        java.util.List<Object> walked = new java.util.ArrayList<>();
        for (Object step : path) {
            walked.add(step);
            java.util.Optional<YNode> node = YNode.at(tree, walked.toArray());
            if (node.isEmpty()) {
                break;
            }
            location = node.get().location();
        }
        return location;
    }
}
