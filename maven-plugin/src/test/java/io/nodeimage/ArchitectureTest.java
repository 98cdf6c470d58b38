package io.nodeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core is a plain library: only the mojo package may know Maven. */
class ArchitectureTest {

    @Test
    void onlyTheMojoPackageUsesMaven() throws IOException {
        Path sources = RepositoryFiles.root().resolve("maven-plugin/src/main/java/io/nodeimage");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.startsWith(sources.resolve("mojo")))
                    .filter(ArchitectureTest::mentionsMaven)
                    .map(f -> sources.relativize(f).toString())
                    .sorted()
                    .toList();
        }
        assertThat(offenders).as("files outside io.nodeimage.mojo that use org.apache.maven").isEmpty();
    }

    @Test
    void theCheckSeesMavenWhereItIsUsed() {
        Path mojo = RepositoryFiles.root().resolve("maven-plugin/src/main/java/io/nodeimage/mojo/ValidateMojo.java");
        assertThat(mentionsMaven(mojo)).isTrue();
    }

    private static boolean mentionsMaven(Path file) {
        try {
            return Files.readString(file).contains("org.apache.maven");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
