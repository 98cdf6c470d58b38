package io.nodeimage.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeYamlTest {

    private static YNode parse(String yaml) {
        return SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml");
    }

    private static List<Problem> problems(String yaml) {
        try {
            parse(yaml);
        } catch (YamlException e) {
            return e.problems();
        }
        throw new AssertionError("expected a problem for:\n" + yaml);
    }

    @Test
    void scalarsKeepTheirTextAndPositions() {
        YNode.Mapping root = (YNode.Mapping) parse("os:\n  release: 24.04\n  arch: x86_64\n");
        YNode.Scalar release = (YNode.Scalar) YNode.at(root, "os", "release").orElseThrow();
        assertThat(release.text()).isEqualTo("24.04");
        assertThat(release.type()).isEqualTo(YNode.ScalarType.FLOAT);
        assertThat(release.location()).isEqualTo(new Location("p.yaml", 2, 12));
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        List<Problem> problems = problems("a: 1\nb: [1, 2\nc: 3\n");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).format()).startsWith("p.yaml:3:").contains("not valid YAML");
    }

    @Test
    void javaTypeTagsAreRefused() {
        List<Problem> problems = problems("x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n");
        assertThat(problems.get(0).format()).startsWith("p.yaml:1:4:").contains("tag", "not allowed");
    }

    @Test
    void customTagsAreRefused() {
        assertThat(problems("x: !secret value\n").get(0).message()).contains("'!secret' is not allowed");
    }

    @Test
    void mergeKeysAreRefusedWithAHintToExtend() {
        Problem p = problems("a: &a {x: 1}\nb:\n  <<: *a\n").get(0);
        assertThat(p.location()).isEqualTo(new Location("p.yaml", 3, 3));
        assertThat(p.hint()).contains("extends");
    }

    @Test
    void duplicateKeysAreRefusedAtTheSecondOne() {
        Problem p = problems("name: a\nkind: Profile\nname: b\n").get(0);
        assertThat(p.format()).isEqualTo("p.yaml:3:1: duplicate key 'name'; "
                + "each key may appear once in a mapping; remove or merge the repeated one");
    }

    @Test
    void aliasBombStopsQuickly() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        // 10^10 nodes if expanded; the alias limit or the node budget must stop it.
        List<Problem> problems = problems(yaml.toString());
        assertThat(problems.get(0).message()).containsAnyOf("aliases", "expands to more than");
    }

    @Test
    void aliasesWithinTheBudgetAreExpanded() {
        YNode.Mapping root = (YNode.Mapping) parse("a: &l [x, y]\nb: *l\n");
        assertThat(((YNode.Sequence) root.get("b").orElseThrow()).items()).hasSize(2);
    }

    @Test
    void selfReferenceIsRefused() {
        assertThat(problems("a: &x [1, *x]\n").get(0).message()).isNotEmpty();
    }

    @Test
    void tenMegabyteFileIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        byte[] line = "key: value-value-value-value-value-value-value\n".getBytes(StandardCharsets.US_ASCII);
        try (var out = Files.newOutputStream(big)) {
            for (int written = 0; written < 10 * 1024 * 1024; written += line.length) {
                out.write(line);
            }
        }
        assertThatThrownBy(() -> SafeYaml.read(big, "big.yaml"))
                .isInstanceOfSatisfying(YamlException.class, e -> assertThat(e.problems().get(0).format())
                        .startsWith("big.yaml:1:1: the file is ").contains("the limit is 1048576 bytes"));
    }

    @Test
    void bytesThatAreNotUtf8AreLocated() {
        byte[] bytes = "name: ok\nkind: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SafeYaml.parse(bytes, "latin1.yaml"))
                .isInstanceOfSatisfying(YamlException.class, e -> assertThat(e.problems().get(0).format())
                        .startsWith("latin1.yaml:2:10: byte 0xe9 at offset 18 is not UTF-8"));
    }

    @Test
    void emptyFileAndSeveralDocumentsAreRefused() {
        assertThat(problems("").get(0).message()).isEqualTo("the file is empty");
        assertThat(problems("a: 1\n---\nb: 2\n").get(0).message()).contains("not valid YAML");
    }

    @Test
    void tooDeepNestingIsRefused() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        assertThat(problems(deep)).isNotEmpty();
    }
}
