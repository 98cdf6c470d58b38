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

    /**
     * The live node's root with an installed tree beside it (its own signed nvidia.ko in a merged-/usr
     * module tree, cramfs turned off in modprobe.d, a dpkg database): the jar judges the files as inspect
     * judges an image's, with nothing of the engine client it leaves out.
     */
    @Test
    void judgesANodesInstalledTreeWithJavaDashJar() throws Exception {
        Path root = io.nodeimage.support.LiveNode.copy(dir.resolve("node")).resolve("root");
        String release = Files.readString(io.nodeimage.support.LiveNode.fixture().resolve("uname-r.txt")).strip();
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), release + "\n");
        Path modules = Files.createDirectories(root.resolve("usr/lib/modules/" + release + "/kernel/drivers/video"));
        Files.copy(io.nodeimage.support.LiveNode.fixture().resolve("modules/nvidia.ko.xz"), modules.resolve("nvidia.ko.xz"));
        Files.writeString(root.resolve("usr/lib/modules/" + release + "/modules.dep"), "kernel/drivers/video/nvidia.ko.xz:\n");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("etc/modprobe.d"));
        Files.writeString(root.resolve("etc/modprobe.d/cis.conf"), "install cramfs /bin/false\nblacklist cramfs\n");
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), "Package: nvidia-kernel-open-dkms\nStatus: install ok installed\n"
                + "Architecture: amd64\nVersion: 580.159.04-1\n\n");
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("installed.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: installed
                version: 1.0.0
                rules:
                  - {id: CRAMFS, severity: high, kernelModule: {name: cramfs, state: disabled}}
                  - {id: SIGNED-FILES, severity: high, kernelModules: {signature: required}}
                  - {id: NO-TELNET, severity: high, package: {name: telnet, state: absent}}
                  - {id: DRIVER, severity: high, package: {name: nvidia-kernel-open-dkms}}
                """);
        Path out = dir.resolve("reports");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar().toString(), "verify-host", "--root", root.toString(),
                "--no-catalog", "--policies", policies.toString(), "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("output").toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
        String output = Files.readString(dir.resolve("output"));
        assertThat(p.exitValue()).as(output).isEqualTo(NodeimageCli.PASSED);
        String report = Files.readString(out.resolve("report.json"));
        for (String rule : List.of("CRAMFS", "SIGNED-FILES", "NO-TELNET", "DRIVER")) {
            assertThat(report).as(rule).containsPattern("\"" + rule + "\"[^}]*\"status\" ?: ?\"pass\"");
        }
        assertThat(Files.readString(out.resolve("facts.json"))).containsPattern("\"imageTree\" ?: true").contains("nvidia.ko.xz");
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
