package io.nodeimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a node runs it: {@code java -jar}, in its own process, with nothing but a JRE. */
class NodeimageCliJarIT {

    @TempDir
    Path dir;

    static Path jar() {
        Path jar = Path.of(System.getProperty("nodeimage.cliJar", "target/nodeimage-cli.jar"));
        assertThat(jar).as("the jar the package phase made").isRegularFile();
        return jar;
    }

    @Test
    void judgesThisMachineWithJavaDashJar() throws Exception {
        Path out = dir.resolve("reports");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar().toString(), "verify-host", "--root", "/", "--out", out.toString())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
        String err = Files.readString(dir.resolve("stderr"));

        // This machine may well break a rule (it is not a hardened GPU node); an error it must not be.
        assertThat(p.exitValue()).as(err).isIn(NodeimageCli.PASSED, NodeimageCli.VIOLATION);
        assertThat(err).doesNotContain("\tat ");
        for (String report : VerifyHostCommandTest.REPORTS) {
            assertThat(out.resolve(report)).isNotEmptyFile();
        }
    }

    @Test
    void errorExitsTwoWithOneLine() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar().toString(), "verify-host", "--root", dir.resolve("none").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        p.waitFor(1, TimeUnit.MINUTES);

        assertThat(p.exitValue()).isEqualTo(NodeimageCli.ERROR);
        assertThat(output.lines().toList()).singleElement().asString().contains("is not a directory");
    }

    @Test
    void jarHoldsNothingOfMaven() throws IOException {
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            List<String> maven = zip.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/maven/") || n.startsWith("io/nodeimage/mojo/")).toList();
            assertThat(maven).isEmpty();
            // Nor the Docker client: verify-host reads files (cli/pom.xml says why it is left out).
            assertThat(zip.getEntry("org/testcontainers/DockerClientFactory.class")).isNull();
            assertThat(zip.getEntry("nodeimage/policies/index.txt")).as("the bundled policy catalog").isNotNull();
            assertThat(new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF")).readAllBytes()))
                    .contains("Main-Class: io.nodeimage.cli.NodeimageCli");
        }
    }
}
