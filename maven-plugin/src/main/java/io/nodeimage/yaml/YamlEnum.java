package io.nodeimage.yaml;

/** An enum whose constants are written in YAML by {@link #yamlName()}, such as {@code x86_64}. */
public interface YamlEnum {
    String yamlName();
}
