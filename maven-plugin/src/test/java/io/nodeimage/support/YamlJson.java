package io.nodeimage.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nodeimage.yaml.YNode;

/** YAML nodes as JSON, typed as a YAML 1.1 loader (and yaml-language-server) types them, for schema checks. */
public final class YamlJson {

    private YamlJson() {
    }

    public static JsonNode toJson(YNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof YNode.Mapping map) {
            ObjectNode out = f.objectNode();
            map.entries().forEach(e -> out.set(e.name(), toJson(e.value())));
            return out;
        }
        if (node instanceof YNode.Sequence seq) {
            ArrayNode out = f.arrayNode();
            seq.items().forEach(i -> out.add(toJson(i)));
            return out;
        }
        YNode.Scalar s = (YNode.Scalar) node;
        return switch (s.type()) {
            case INT -> f.numberNode(Long.parseLong(s.text()));
            case FLOAT -> f.numberNode(Double.parseDouble(s.text()));
            case BOOL -> f.booleanNode(Boolean.parseBoolean(s.text()));
            case NULL -> f.nullNode();
            case STRING -> f.textNode(s.text());
        };
    }
}
