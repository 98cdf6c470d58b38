package io.nodeimage.yaml;

import java.lang.reflect.AnnotatedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives a JSON Schema (draft 2020-12) from the model records, so editors running
 * yaml-language-server complete and check documents exactly as {@link YamlBinder} reads them.
 * The published schema file is this output; a test keeps the two equal.
 */
public final class SchemaGenerator {

    private SchemaGenerator() {
    }

    /**
     * @param inheritKey a key (such as {@code extends}) whose presence means the document inherits
     *     what it omits, so required keys are checked only in documents without it; null for none
     */
    public static String generate(Class<? extends Record> root, String id, String title, String inheritKey) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", id);
        schema.put("title", title);
        if (inheritKey == null) {
            schema.putAll(forRecord(root, true));
        } else {
            schema.put("if", Map.of("required", List.of(inheritKey)));
            schema.put("then", Map.of("$ref", "#/$defs/inheriting"));
            schema.put("else", Map.of("$ref", "#/$defs/complete"));
            Map<String, Object> defs = new LinkedHashMap<>();
            defs.put("complete", forRecord(root, true));
            defs.put("inheriting", forRecord(root, false));
            schema.put("$defs", defs);
        }
        return Json.write(schema) + "\n";
    }

    private static Map<String, Object> forRecord(Class<?> type, boolean required) {
        Map<String, Object> out = new LinkedHashMap<>();
        Doc doc = type.getAnnotation(Doc.class);
        if (doc != null) {
            out.put("description", doc.value());
        }
        out.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> requiredKeys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String key = YamlBinder.keyOf(c);
            Map<String, Object> property = forType(c.getAnnotatedType(), required);
            Doc cdoc = c.getAnnotation(Doc.class);
            if (cdoc != null) {
                Map<String, Object> withDoc = new LinkedHashMap<>();
                withDoc.put("description", cdoc.value());
                withDoc.putAll(property);
                property = withDoc;
            }
            properties.put(key, property);
            if (c.getType() == List.class) {
                Map<String, Object> append = new LinkedHashMap<>(property);
                append.put("description", "Appended to the inherited '" + key + "'.");
                properties.put(key + "+", append);
            }
            if (required && c.isAnnotationPresent(Required.class)) {
                requiredKeys.add(key);
            }
        }
        out.put("properties", properties);
        if (!requiredKeys.isEmpty()) {
            out.put("required", requiredKeys);
        }
        out.put("additionalProperties", false);
        return out;
    }

    private static Map<String, Object> forType(AnnotatedType type, boolean required) {
        Class<?> raw = YamlBinder.rawClass(type.getType());
        Map<String, Object> out = new LinkedHashMap<>();
        if (raw.isRecord()) {
            return forRecord(raw, required);
        }
        if (raw == List.class) {
            out.put("type", "array");
            out.put("items", forType(YamlBinder.typeArgument(type, 0), required));
        } else if (raw == Map.class) {
            out.put("type", "object");
            out.put("propertyNames", text(YamlBinder.shapeOf(YamlBinder.typeArgument(type, 0))));
            Map<String, Object> value = forType(YamlBinder.typeArgument(type, 1), required);
            if (YamlBinder.rawClass(YamlBinder.typeArgument(type, 1).getType()) == String.class) {
                // YAML writes 2 or 0.5 without quotes; the binder reads any scalar's text.
                value = Map.of("anyOf", List.of(value, Map.of("type", List.of("integer", "number", "boolean"))));
            }
            out.put("additionalProperties", value);
        } else if (raw == Boolean.class) {
            out.put("type", "boolean");
        } else if (raw == Integer.class) {
            out.put("type", "integer");
        } else if (raw.isEnum()) {
            out.put("enum", Arrays.stream(raw.getEnumConstants()).map(c -> ((YamlEnum) c).yamlName()).toList());
        } else {
            Syntax syntax = YamlBinder.shapeOf(type);
            if (syntax == Syntax.WORD || syntax == Syntax.BRANCH || syntax == Syntax.VERSION) {
                // Releases and branches such as 24.04 and 580 are numbers to YAML; the binder keeps their text.
                out.put("anyOf", List.of(text(syntax), Map.of("type", "number")));
            } else {
                out.putAll(text(syntax));
            }
        }
        return out;
    }

    private static Map<String, Object> text(Syntax syntax) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "string");
        out.put("pattern", "^(?:" + syntax.regex() + ")$");
        out.put("maxLength", syntax.maxLength());
        return out;
    }
}
