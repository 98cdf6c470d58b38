package io.nodeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiles shown in the docs are real: each one loads, with the bundled catalog to extend. */
class DocsExamplesTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("(?m)^name: (\\S+)");

    @Test
    void everyProfileInTheDocsIsValid(@TempDir Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (String doc : List.of("README.md", "docs/profiles.md")) {
            Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve(doc)));
            while (block.find()) {
                String yaml = block.group(1);
                Matcher name = NAME.matcher(yaml);
                if (yaml.contains("kind: Profile") && name.find()) {
                    Files.writeString(dir.resolve(name.group(1) + ".yaml"), yaml);
                    names.add(name.group(1));
                }
            }
        }
        assertThat(names).contains("site-b200", "site-hopper");
        ProfileSources sources = ProfileSources.withBundledCatalog(dir, dir);
        assertThat(new ProfileResolver(sources).check(names).problems()).isEmpty();
    }

    @Test
    void everyPolicyInTheDocsLoads() throws IOException {
        Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve("docs/policies.md")));
        int loaded = 0;
        while (block.find()) {
            String yaml = block.group(1);
            if (yaml.contains("kind: Policy\n")) {
                io.nodeimage.yaml.Problems problems = new io.nodeimage.yaml.Problems();
                Matcher name = NAME.matcher(yaml);
                assertThat(name.find()).isTrue();
                assertThat(io.nodeimage.policy.PolicyLoader.load(io.nodeimage.yaml.SafeYaml.parse(
                        yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "policies.md"), "policies.md",
                        name.group(1), problems)).isPresent();
                assertThat(problems.list()).isEmpty();
                loaded++;
            }
        }
        assertThat(loaded).isPositive();
    }

    @Test
    void thePolicyTestInTheDocsHolds(@TempDir Path dir) throws IOException {
        Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve("docs/policies.md")));
        int written = 0;
        while (block.find()) {
            if (block.group(1).contains("kind: PolicyTest")) {
                Files.writeString(dir.resolve("doc-" + written++ + ".yaml"), block.group(1));
            }
        }
        assertThat(written).isPositive();
        var report = io.nodeimage.policy.PolicyTests.run(dir, dir, io.nodeimage.policy.PolicyLoader.load(null, null, true).policies());
        assertThat(report.failures()).isEmpty();
        assertThat(report.expectations()).isPositive();
    }
}
