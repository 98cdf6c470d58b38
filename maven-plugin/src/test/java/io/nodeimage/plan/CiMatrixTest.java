package io.nodeimage.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class CiMatrixTest {

    private static final List<ResolvedProfile> TWO = new ProfileResolver(ProfileSources.withBundledCatalog(null, null))
            .resolveAll(List.of("ubuntu-24.04-nvidia-blackwell-b200", "rhel-9-nvidia-hopper"));

    private final CiMatrix matrix = CiMatrix.of(TWO, "registry.invalid/nodes", "1.2", List.of());

    @Test
    void githubJsonListsEveryProfileByNameOnOneLine() throws Exception {
        String json = matrix.githubJson();
        assertThat(json).doesNotContain("\n");
        JsonNode include = new ObjectMapper().readTree(json).get("include");
        assertThat(include).hasSize(2);
        assertThat(include.get(0).get("profile").asText()).isEqualTo("rhel-9-nvidia-hopper");
        JsonNode b200 = include.get(1);
        assertThat(b200.get("profile").asText()).isEqualTo("ubuntu-24.04-nvidia-blackwell-b200");
        assertThat(b200.get("family").asText()).isEqualTo("ubuntu");
        assertThat(b200.get("release").asText()).isEqualTo("24.04");
        assertThat(b200.get("arch").asText()).isEqualTo("x86_64");
        assertThat(b200.get("image").asText()).isEqualTo("registry.invalid/nodes/ubuntu-24.04-nvidia-blackwell-b200:1.2");
    }

    @Test
    void sameProfilesInAnotherOrderGiveTheSameBytes() {
        CiMatrix reversed = CiMatrix.of(List.of(TWO.get(1), TWO.get(0)), "registry.invalid/nodes", "1.2", List.of());
        assertThat(reversed.githubJson()).isEqualTo(matrix.githubJson());
        assertThat(reversed.gitlabPipeline()).isEqualTo(matrix.gitlabPipeline());
    }

    @Test
    @SuppressWarnings("unchecked")
    void gitlabPipelineHasOneVerifyJobPerProfileKeepingItsReports() {
        Map<String, Object> pipeline = new Yaml().load(matrix.gitlabPipeline());
        assertThat(pipeline).containsOnlyKeys("image-rhel-9-nvidia-hopper", "image-ubuntu-24.04-nvidia-blackwell-b200");
        Map<String, Object> job = (Map<String, Object>) pipeline.get("image-rhel-9-nvidia-hopper");
        assertThat((List<String>) job.get("script"))
                .containsExactly("./mvnw -B verify -Dnodeimage.profiles=rhel-9-nvidia-hopper");
        Map<String, Object> artifacts = (Map<String, Object>) job.get("artifacts");
        assertThat(artifacts.get("when")).isEqualTo("always");
        assertThat((List<String>) artifacts.get("paths")).containsExactly("target/nodeimage/rhel-9-nvidia-hopper/");
        assertThat((Map<String, Object>) artifacts.get("reports"))
                .containsEntry("junit", "target/nodeimage/rhel-9-nvidia-hopper/junit.xml");
    }

    @Test
    void emptySelectionIsRefusedNamingTheSelection() {
        assertThatThrownBy(() -> CiMatrix.of(List.of(), "nodeimage", "1", List.of("site-*")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no profile to build")
                .hasMessageContaining("[site-*]");
    }
}
