package io.nodeimage.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nodeimage.support.Golden;
import io.nodeimage.support.RepositoryFiles;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.YNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema editors use is generated from the model; this keeps the shipped file in step and
 * checks with a real validator that it accepts the catalog and rejects what the loader rejects.
 */
class ProfileSchemaTest {

    static final Path SHIPPED = RepositoryFiles.pluginResources().resolve(ProfileSchema.RESOURCE);

    @Test
    void shippedSchemaIsGeneratedFromTheModel() throws Exception {
        Golden.assertMatches(SHIPPED, ProfileSchema.generate());
    }

    @Test
    void schemaIsInThePluginJar() throws Exception {
        try (var in = ProfileSchema.class.getClassLoader().getResourceAsStream(ProfileSchema.RESOURCE)) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(ProfileSchema.generate());
        }
    }

    @Test
    void everyCatalogProfileIsValidUnderTheSchema() throws Exception {
        JsonSchema schema = schema();
        try (var files = Files.list(RepositoryFiles.catalogSources())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Set<ValidationMessage> errors = schema.validate(toJson(SafeYaml.read(file, file.toString())));
                assertThat(errors).as(file.getFileName().toString()).isEmpty();
            }
        }
    }

    @Test
    void schemaRejectsUnknownKeysBadNamesAndWrongEnums() throws Exception {
        JsonSchema schema = schema();
        String yaml = """
                apiVersion: nodeimage/v1
                kind: Profile
                name: node
                os: {family: ubuntu, release: "24.04", arch: x86_64}
                base: {image: "ubuntu:24.04"}
                kernel: {modules: {disable: ["nouveau$(id)"]}, cmdlnie: []}
                accelerators: [{vendor: nvidia, family: hopper, driver: {branch: "580", flavor: closed}}]
                """;
        Set<ValidationMessage> errors = schema.validate(toJson(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "x")));
        assertThat(errors.stream().map(ValidationMessage::getMessage).toList())
                .anySatisfy(m -> assertThat(m).contains("cmdlnie"))
                .anySatisfy(m -> assertThat(m).contains("disable[0]"))
                .anySatisfy(m -> assertThat(m).contains("flavor"));
    }

    private static JsonSchema schema() throws Exception {
        JsonNode node = new ObjectMapper().readTree(Files.readString(SHIPPED));
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
    }

    static JsonNode toJson(YNode node) {
        return io.nodeimage.support.YamlJson.toJson(node);
    }
}
