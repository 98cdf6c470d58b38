package io.nodeimage.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.StreamSupport;

/** Values of a JSON document read with {@link Json#read}, by path of keys and indexes; absent or null as null. */
public final class JsonRead {

    private JsonRead() {
    }

    public static JsonNode at(JsonNode root, Object... path) {
        JsonNode node = root;
        for (Object step : path) {
            if (node == null) {
                return null;
            }
            node = step instanceof Integer i ? node.get(i) : node.get(String.valueOf(step));
        }
        return node;
    }

    public static String text(JsonNode root, Object... path) {
        JsonNode node = at(root, path);
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    public static boolean bool(JsonNode root, Object... path) {
        JsonNode node = at(root, path);
        return node != null && node.isBoolean() && node.booleanValue();
    }

    public static List<JsonNode> items(JsonNode root, Object... path) {
        JsonNode node = at(root, path);
        return node == null || !node.isArray() ? List.of()
                : StreamSupport.stream(node.spliterator(), false).toList();
    }

    public static List<String> texts(JsonNode root, Object... path) {
        return items(root, path).stream().map(n -> text(n)).toList();
    }
}
