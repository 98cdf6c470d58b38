package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.support.ExternalTool;
import io.nodeimage.support.RepositoryFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Hostile values ($(...), backticks, ';', newlines, quotes, globs, '..'): each is refused when the
 * profile loads, or is inert in every format it reaches.
 */
class HostileValuesTest {

    static final Path FIXTURES = RepositoryFiles.root().resolve("maven-plugin/src/test/resources/hostile");

    @Test
    void valuesThatWouldReachACommandLineAreRefusedAtLoad() {
        ProfileSources sources = new ProfileSources(FIXTURES, FIXTURES, null);
        List<String> problems = new ProfileResolver(sources).check(List.of("rejected")).problems().stream()
                .map(p -> p.path()).toList();
        assertThat(problems).contains(
                "base.image", "kernel.package", "kernel.cmdline[0]", "kernel.cmdline[1]", "kernel.cmdline[2]",
                "kernel.cmdline[3]", "kernel.cmdline[4]", "kernel.modules.load[0]", "kernel.modules.load[1]",
                "kernel.modules.disable[0]", "kernel.modules.disable[1]", "kernel.modules.options.nvidia",
                "kernel.modules.options[\"bad name\"]", "packages.install[0]", "packages.install[1]",
                "packages.install[2]", "packages.remove[0]", "packages.pins.chrony", "repositories[0].url",
                "repositories[0].key", "sysctl[\"kernel.x;id\"]", "sysctl[\"kernel.y\"]", "services.enable[0]",
                "services.enable[1]", "files[0].path", "files[1].path", "files[2].path", "files[3].mode",
                "files[3].owner", "users[0].name", "users[0].shell", "users[0].groups[0]");
    }

    @Test
    void textThatYamlOrLineReadersWouldChangeIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        // NEL, C1 controls and U+2028/U+2029 are line ends to Python and JavaScript and not printable to YAML.
        Files.writeString(dir.resolve("odd.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: odd\n"
                + "description: \"GPU node \\u2028 rack 4\"\n"
                + "os: {family: ubuntu, release: \"24.04\", arch: x86_64}\nbase: {image: \"ubuntu:24.04\"}\n"
                + "files:\n  - {path: /etc/motd, content: \"hello \\x85 \\u2029 \\x9b\\n\"}\n");
        ProfileSources sources = new ProfileSources(dir, dir, null);
        List<io.nodeimage.yaml.Problem> problems = new ProfileResolver(sources).check(List.of("odd")).problems();
        assertThat(problems).extracting(io.nodeimage.yaml.Problem::path).containsExactlyInAnyOrder("description",
                "files[0].content");
        assertThat(problems).allSatisfy(p -> assertThat(p.format()).contains("odd.yaml:").contains("U+2028"));
        // Defence in depth: the JSON, YAML, HCL and TOML quoting escapes them all the same.
        assertThat(Quoting.json("a\u2028b\u0085c")).isEqualTo("\"a\\u2028b\\u0085c\"");
        assertThat(Quoting.hcl("a\u2029\b")).isEqualTo("\"a\\u2029\\u0008\"");
    }

    @Test
    void releaseWithAShellTailIsRefusedToo() {
        ProfileSources sources = new ProfileSources(FIXTURES, FIXTURES, null);
        assertThat(new ProfileResolver(sources).check(List.of("rejected")).problems())
                .anySatisfy(p -> assertThat(p.path()).isEqualTo("os.release"));
    }

    @Test
    void acceptedHostileTextIsInertInEveryFormat(@TempDir Path dir) throws Exception {
        ResolvedProfile resolved = new ProfileResolver(new ProfileSources(FIXTURES, FIXTURES, null)).resolve("accepted");
        Profile profile = resolved.profile();
        String content = profile.files().get(0).content();
        Map<String, String> out = new Renderer(Map.of(), false).render(resolved);

        // provision.sh: the text is one single-quoted word; bash runs write_file with it, nothing else.
        String script = out.get(ProvisionScript.FILE);
        assertThat(script).contains("'" + content.replace("'", "'\\''") + "'");
        Files.writeString(dir.resolve("provision.sh"), script);
        ExternalTool.Result syntax = ExternalTool.run(dir, "bash", "-n", "provision.sh");
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
        ExternalTool.Result check = ExternalTool.run(dir, "shellcheck", "provision.sh");
        assertThat(check.exitCode()).as(check.output()).isZero();
        // Run only the phase that writes files, with write_file recording instead of writing.
        String harness = "#!/bin/bash\nset -euo pipefail\nsource <(sed '$d' provision.sh)\n"
                + "write_file() { printf '%s' \"$5\" > written.txt; }\nphase_files\n";
        Files.writeString(dir.resolve("harness.sh"), harness);
        ExternalTool.Result run = ExternalTool.run(dir, "bash", "harness.sh");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readString(dir.resolve("written.txt"))).isEqualTo(content);
        assertThat(Path.of("/tmp/pwned-file")).doesNotExist();

        // Containerfile: the description is one LABEL value, with '$', '"' and '\' escaped.
        String containerfile = out.get(ContainerfileEmitter.FILE);
        assertThat(containerfile).contains("org.opencontainers.image.description=" + Quoting.dockerfile(profile.description()));
        assertThat(containerfile).doesNotContain("\"dq\"");

        // user-data: YAML that loads to the same script, carried as base64.
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> userData = yaml.load(out.get(AutoinstallEmitter.FILE));
        @SuppressWarnings("unchecked")
        List<String> late = (List<String>) ((Map<String, Object>) userData.get("autoinstall")).get("late-commands");
        String b64 = late.get(1).split(" ")[1];
        assertThat(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)).isEqualTo(script);
        @SuppressWarnings("unchecked")
        Map<String, Object> user = ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                userData.get("autoinstall")).get("user-data")).get("users")).get(0);
        assertThat(user.get("ssh_authorized_keys")).isEqualTo(profile.users().get(0).sshAuthorizedKeys());
    }

    @Test
    void kickstartAndBlueprintKeepHostileTextInert() throws Exception {
        String hostile = "x\n%end\n%post\nreboot\nNODEIMAGE_PROVISION\n\"\"\" ''' $(id)\n";
        String script = "#!/bin/bash\nwrite_file /etc/x 0644 root root " + Quoting.sh(hostile) + "\n";
        String post = KickstartEmitter.post(script);
        assertThat(post.lines().filter(l -> l.equals("%end") || l.equals("%post"))).isEmpty();
        assertThat(post.lines().filter(l -> l.equals(KickstartEmitter.DELIMITER))).hasSize(1);

        Path fixtures = FIXTURES;
        ResolvedProfile resolved = new ProfileResolver(new ProfileSources(fixtures, fixtures, null)).resolve("accepted");
        io.nodeimage.plan.Plan plan = new io.nodeimage.plan.Planner(Map.of()).plan(resolved.profile());
        String blueprint = BlueprintEmitter.render(plan);
        JsonNode tree = new TomlMapper().readTree(blueprint);
        JsonNode file = null;
        for (JsonNode f : tree.at("/customizations/files")) {
            if (f.get("path").asText().equals("/etc/nodeimage-hostile.txt")) {
                file = f;
            }
        }
        assertThat(file).isNotNull();
        assertThat(file.get("data").asText()).isEqualTo(resolved.profile().files().get(0).content());
        assertThat(tree.get("description").asText()).isEqualTo(resolved.profile().description());
    }

    @Test
    void shellQuotingHoldsForEveryAsciiCharacter() {
        StringBuilder all = new StringBuilder();
        for (char c = 1; c < 128; c++) {
            all.append(c);
        }
        String quoted = Quoting.sh(all.toString());
        assertThat(quoted).startsWith("'").endsWith("'");
        assertThat(Quoting.sh("plain-word_1.2")).isEqualTo("plain-word_1.2");
        assertThat(Quoting.sh("-rf")).isEqualTo("'-rf'");
        assertThat(Quoting.sh("a*")).isEqualTo("'a*'");
        assertThat(Quoting.hcl("${var.x} %{if}")).isEqualTo("\"$${var.x} %%{if}\"");
    }
}
