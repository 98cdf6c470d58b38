package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The demo profile builds from a base image made on this machine by scripts/seed-base-image.sh.
 * These tests check that image against the profile, with the engine CI starts, and the two ways
 * nodeimage reads images: the archive API on a container that never ran, and a running container
 * without a network.
 */
@ExtendWith(DockerRequired.class)
class SeededBaseImageTest {

    private static Profile demo;

    @BeforeAll
    static void loadDemoProfile() {
        demo = new ProfileResolver(ProfileSources.withBundledCatalog(null, null)).resolve("debian-12-demo").profile();
    }

    @Test
    void demoBaseImageIsPresentLocallyAndIsTheReleaseTheProfileNames() throws IOException {
        DockerClient docker = DockerClientFactory.instance().client();
        String image = demo.base().image();
        assertThat(docker.inspectImageCmd(image).exec().getArch()).isEqualTo("amd64");

        // Created, never started: the archive API still reads its files (images without a shell work too).
        String id = docker.createContainerCmd(image)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withCmd("/nonexistent")
                .exec().getId();
        try {
            TarArchiveEntry etcOsRelease = entry(docker, id, "/etc/os-release");
            // Debian links /etc/os-release to ../usr/lib/os-release; the archive API returns the link itself.
            assertThat(etcOsRelease.isSymbolicLink()).isTrue();
            assertThat(etcOsRelease.getLinkName()).isEqualTo("../usr/lib/os-release");

            Map<String, String> osRelease = keyValues(read(docker, id, "/usr/lib/os-release"));
            assertThat(osRelease.get("ID")).isEqualTo(demo.os().family().yamlName());
            assertThat(osRelease.get("VERSION_ID")).isEqualTo(demo.os().release());
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    @Test
    void containersRunWithoutANetwork() throws Exception {
        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(demo.base().image()))
                .withNetworkMode("none")
                .withCommand("sleep", "300")) {
            container.start();
            Container.ExecResult devices = container.execInContainer("cat", "/proc/net/dev");
            assertThat(devices.getExitCode()).isZero();
            assertThat(devices.getStdout().lines().skip(2).map(l -> l.strip().split(":")[0]))
                    .containsExactly("lo");
        }
    }

    private static TarArchiveEntry entry(DockerClient docker, String id, String path) throws IOException {
        try (InputStream in = docker.copyArchiveFromContainerCmd(id, path).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            return tar.getNextEntry();
        }
    }

    private static String read(DockerClient docker, String id, String path) throws IOException {
        try (InputStream in = docker.copyArchiveFromContainerCmd(id, path).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertThat(entry.isFile()).as(path + " is a regular file").isTrue();
            return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
            }
        }
        return out;
    }
}
