package io.nodeimage.policy;

import io.nodeimage.yaml.SchemaGenerator;

/** The JSON Schema of policies, as shipped in the plugin jar at {@link #RESOURCE}. */
public final class PolicySchema {

    public static final String RESOURCE = "nodeimage/schema/policy.schema.json";
    public static final String ID = "urn:nodeimage:schema:policy:v1";
    /** Policy tests have a schema of their own, shipped beside the policy schema. */
    public static final String TEST_RESOURCE = "nodeimage/schema/policy-test.schema.json";
    public static final String TEST_ID = "urn:nodeimage:schema:policy-test:v1";
    /** Waiver files (kind: Waivers) have one too. */
    public static final String WAIVERS_RESOURCE = "nodeimage/schema/waivers.schema.json";
    public static final String WAIVERS_ID = "urn:nodeimage:schema:waivers:v1";

    private PolicySchema() {
    }

    public static String generate() {
        return SchemaGenerator.generate(Policy.class, ID, "nodeimage policy", null);
    }

    public static String generateWaivers() {
        return SchemaGenerator.generate(WaiverFile.class, WAIVERS_ID, "nodeimage waivers", null);
    }

    public static String generateTest() {
        return SchemaGenerator.generate(PolicyTest.class, TEST_ID, "nodeimage policy test", null);
    }
}
