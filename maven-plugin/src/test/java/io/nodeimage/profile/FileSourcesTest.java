package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.plan.Planner;
import io.nodeimage.plan.Step;
import io.nodeimage.support.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourcesTest {

    @TempDir
    Path project;

    private ProfileFixtures withFile(String source) {
        return new ProfileFixtures(project).profile("node", MINIMAL_BODY
                + "files:\n  - path: /etc/site/agent.conf\n    mode: \"0640\"\n    source: " + source + "\n");
    }

    @Test
    void aFileEntryTakesItsContentFromAProjectFileAndTheEffectiveProfileNamesThatFileAsItsOrigin() throws Exception {
        Files.createDirectories(project.resolve("files"));
        Files.writeString(project.resolve("files/agent.conf"), "server = https://agent.example.internal\n");
        ResolvedProfile r = withFile("files/agent.conf").resolve("node");
        assertThat(r.profile().files().get(0).content()).isEqualTo("server = https://agent.example.internal\n");
        Step.WriteFile write = new Planner(Map.of()).plan(r.profile()).steps(Step.WriteFile.class).stream()
                .filter(w -> w.path().equals("/etc/site/agent.conf")).findFirst().orElseThrow();
        assertThat(write.content()).isEqualTo("server = https://agent.example.internal\n");
        assertThat(write.mode()).isEqualTo("0640");
        String effective = EffectiveProfile.toYaml(r, true);
        assertThat(effective).contains("source: files/agent.conf").contains("content: \"server = https://agent.example.internal\\n\"  # files/agent.conf:1\n");

        // A change to the file is a change to the profile's inputs: the render digest sees it.
        Files.writeString(project.resolve("files/agent.conf"), "server = https://other.example.internal\n");
        assertThat(EffectiveProfile.toYaml(withFile("files/agent.conf").resolve("node"), false))
                .isNotEqualTo(EffectiveProfile.toYaml(r, false));
    }

    @Test
    void aCaCertificateTakesItsPemFromAProjectFile() throws Exception {
        TestCa ca = TestCa.create("Site Root CA");
        Files.writeString(project.resolve("site-root.pem"), ca.pem());
        ResolvedProfile r = new ProfileFixtures(project).profile("node", MINIMAL_BODY
                + "trust:\n  certificates:\n    - {name: site-root, source: site-root.pem}\n").resolve("node");
        assertThat(r.profile().trust().certificates().get(0).pem()).isEqualTo(ca.pem());

        Files.writeString(project.resolve("not-a-cert.pem"), "hello\n");
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY
                + "trust:\n  certificates:\n    - {name: site-root, source: not-a-cert.pem}\n").problems("node"))
                .singleElement().asString().contains("trust.certificates[0].pem: 'site-root' is not PEM certificates");
    }

    @Test
    void aMissingFileIsReportedAtTheSourceLine() {
        assertThat(withFile("files/absent.conf").problems("node")).singleElement().asString()
                .startsWith("profiles/node.yaml:9:13: files[0].source: no file files/absent.conf in the project")
                .contains("relative to the project folder");
    }

    @Test
    void bothContentAndSourceOrNeitherAreRefused() throws Exception {
        Files.writeString(project.resolve("a.conf"), "a\n");
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY
                + "files:\n  - {path: /etc/a.conf, content: \"b\\n\", source: a.conf}\n").problems("node"))
                .singleElement().asString().contains("files[0].source: both 'content' and 'source' are given");
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY + "files:\n  - {path: /etc/a.conf}\n")
                .problems("node")).singleElement().asString()
                .contains("files[0]: file /etc/a.conf has no content").contains("'source:'");
    }

    @Test
    void pathsOutOfTheProjectBinaryAndHugeFilesAreRefused() throws Exception {
        assertThat(withFile("../outside.conf").problems("node")).singleElement().asString()
                .contains("files[0].source: '../outside.conf' is not a relative path such as certs/site-modules.pem");
        Path outside = Files.createTempFile("nodeimage-outside", ".conf");
        try {
            Files.createSymbolicLink(project.resolve("link.conf"), outside);
            assertThat(withFile("link.conf").problems("node")).singleElement().asString()
                    .contains("no file link.conf in the project").contains("links out of the project are not followed");
        } finally {
            Files.delete(outside);
        }
        Files.write(project.resolve("blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(withFile("blob.bin").problems("node")).singleElement().asString()
                .contains("blob.bin is larger than 1024 KiB or not UTF-8 text");
        Files.write(project.resolve("huge.conf"), new byte[FileSources.MAX_BYTES + 1]);
        assertThat(withFile("huge.conf").problems("node")).singleElement().asString()
                .contains("huge.conf is larger than 1024 KiB");
    }
}
