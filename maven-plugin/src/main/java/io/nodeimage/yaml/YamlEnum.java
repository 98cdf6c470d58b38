package io.nodeimage.yaml;

import java.util.Locale;

/**
 * An enum written in YAML by {@link #yamlName()}: by default the constant's name in lower case with
 * '-' for '_' ({@code CIS_LEVEL1_SERVER} is cis-level1-server); enums with other spellings
 * ({@code x86_64}, {@code 64k}) override it.
 */
public interface YamlEnum {

    String name();

    default String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
