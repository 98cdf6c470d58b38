package io.nodeimage.yaml;

import java.util.List;

/**
 * Reading back the JSON documents nodeimage wrote (JSON is YAML, so SafeYaml parses them, with the same
 * bounds and with line numbers for errors): a value by path, absent or null as null.
 */
public final class JsonRead {

    private JsonRead() {
    }

    public static String text(YNode root, Object... path) {
        return YNode.at(root, path).filter(n -> n instanceof YNode.Scalar s && s.type() != YNode.ScalarType.NULL)
                .map(n -> ((YNode.Scalar) n).text()).orElse(null);
    }

    public static boolean bool(YNode root, Object... path) {
        return "true".equals(text(root, path));
    }

    public static List<YNode> items(YNode root, Object... path) {
        return YNode.at(root, path).filter(n -> n instanceof YNode.Sequence).map(n -> ((YNode.Sequence) n).items())
                .orElse(List.of());
    }

    public static List<String> texts(YNode root, Object... path) {
        return items(root, path).stream().map(n -> text(n)).toList();
    }
}
