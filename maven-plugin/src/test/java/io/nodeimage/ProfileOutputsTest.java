package io.nodeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A goal removes its own files and everything later goals made, and nothing else. */
class ProfileOutputsTest {

    private static final List<String> EVERY_FILE = List.of("Containerfile", "plan.txt", "build.json", "facts.json",
            "report.json", "junit.xml", "report.sarif", "summary.md", "verification.json", "certificate.intoto.json",
            "certificate.intoto.jsonl", "certificate.md", "notes.txt", "effective-profile.yaml");

    @TempDir
    Path dir;

    private List<String> left() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private void writeAll() throws Exception {
        for (String name : EVERY_FILE) {
            Files.writeString(dir.resolve(name), "from the last run\n");
        }
    }

    @Test
    void buildRemovesTheBuildRecordReportsAndCertificate() throws Exception {
        writeAll();
        assertThat(ProfileOutputs.removeFrom(dir, ProfileOutputs.Stage.BUILD)).containsExactly("build.json",
                "facts.json", "report.json", "junit.xml", "report.sarif", "summary.md", "verification.json",
                "certificate.intoto.json", "certificate.intoto.jsonl", "certificate.md");
        assertThat(left()).containsExactly("Containerfile", "effective-profile.yaml", "notes.txt", "plan.txt");
    }

    @Test
    void verifyRemovesItsReportsAndTheCertificateButNotTheBuildRecord() throws Exception {
        writeAll();
        assertThat(ProfileOutputs.removeFrom(dir, ProfileOutputs.Stage.VERIFY)).containsExactly("facts.json",
                "report.json", "junit.xml", "report.sarif", "summary.md", "verification.json",
                "certificate.intoto.json", "certificate.intoto.jsonl", "certificate.md");
        assertThat(left()).containsExactly("Containerfile", "build.json", "effective-profile.yaml", "notes.txt",
                "plan.txt");
    }

    @Test
    void renderNamesItsOwnFilesAndRemovesEverythingMadeFromThem() throws Exception {
        writeAll();
        assertThat(ProfileOutputs.remove(dir, ProfileOutputs.Stage.RENDER, List.of("Containerfile", "plan.txt",
                "kickstart.ks"))).startsWith("Containerfile", "plan.txt", "build.json").endsWith("certificate.md");
        assertThat(left()).containsExactly("effective-profile.yaml", "notes.txt");
    }

    @Test
    void aMissingFolderHasNothingToRemove() {
        assertThat(ProfileOutputs.removeFrom(dir.resolve("never-built"), ProfileOutputs.Stage.BUILD)).isEmpty();
    }
}
