package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.nodeimage.support.Golden;
import io.nodeimage.support.RepositoryFiles;
import io.nodeimage.yaml.SafeYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The policy schema is generated from the model, shipped, and accepts every bundled policy. */
class PolicySchemaTest {

    static final Path SHIPPED = RepositoryFiles.pluginResources().resolve(PolicySchema.RESOURCE);
    static final Path SHIPPED_TEST = RepositoryFiles.pluginResources().resolve(PolicySchema.TEST_RESOURCE);

    @Test
    void shippedSchemaIsGeneratedFromTheModel() throws Exception {
        Golden.assertMatches(SHIPPED, PolicySchema.generate());
        Golden.assertMatches(SHIPPED_TEST, PolicySchema.generateTest());
        Golden.assertMatches(RepositoryFiles.pluginResources().resolve(PolicySchema.WAIVERS_RESOURCE),
                PolicySchema.generateWaivers());
    }

    @Test
    void everyBundledPolicyTestIsValidUnderItsSchemaAndAWrongOneIsNot() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(new ObjectMapper().readTree(Files.readString(SHIPPED_TEST)));
        Path tests = RepositoryFiles.root().resolve("policies/src/test/nodeimage/policies");
        try (var files = Files.list(tests)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                assertThat(schema.validate(io.nodeimage.support.YamlJson.toJson(SafeYaml.read(f, f.toString()))))
                        .as(f.getFileName().toString()).isEmpty();
            }
        }
        String wrong = "apiVersion: nodeimage/v1\nkind: PolicyTest\npolicy: p\ncases:\n"
                + "  - {name: c, facts: {files: [{path: /etc/shadow, mode: rw}]}, expect: {R: passes}}\n";
        assertThat(schema.validate(io.nodeimage.support.YamlJson.toJson(SafeYaml.parse(
                wrong.getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.yaml")))).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void everyBundledPolicyIsValidUnderTheSchema() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(new ObjectMapper().readTree(Files.readString(SHIPPED)));
        Path catalog = RepositoryFiles.root().resolve("policies/src/main/resources/nodeimage/policies");
        try (var files = Files.list(catalog)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                assertThat(schema.validate(io.nodeimage.support.YamlJson.toJson(SafeYaml.read(f, f.toString()))))
                        .as(f.getFileName().toString()).isEmpty();
            }
        }
    }
}
