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

    @Test
    void shippedSchemaIsGeneratedFromTheModel() throws Exception {
        Golden.assertMatches(SHIPPED, PolicySchema.generate());
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
