package io.nodeimage.profile;

import io.nodeimage.yaml.SchemaGenerator;

/** The JSON Schema of profiles, as shipped in the plugin jar at {@link #RESOURCE}. */
public final class ProfileSchema {

    public static final String RESOURCE = "nodeimage/schema/profile.schema.json";
    public static final String ID = "urn:nodeimage:schema:profile:v1";

    private ProfileSchema() {
    }

    public static String generate() {
        return SchemaGenerator.generate(Profile.class, ID, "nodeimage profile", "extends");
    }
}
