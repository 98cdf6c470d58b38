package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.support.Ci;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * The verify cross-check on Podman's Docker-compatible service (NODEIMAGE_PODMAN_HOST, which .ci/run
 * starts): the image is moved from Docker to Podman through the two engines' APIs, and Podman's
 * container of it answers as Docker's does, with an empty /sys/module (Podman would copy the host's into
 * the tmpfs without notmpcopyup) and nothing left behind. Skipped without Podman, except in CI.
 */
@ExtendWith(DockerRequired.class)
class PodmanCrossCheckTest {

    private static final String KMOD = "nodeimage-it/kmod:test";
    private static final String TAG = "nodeimage-it/podman-cross-check:test";
    @TempDir
    static Path context;
    private static DockerClient podman;
    private static String kver;
    private static String imageId;

    @BeforeAll
    static void load() throws Exception {
        String host = System.getenv("NODEIMAGE_PODMAN_HOST");
        if (host == null || host.isBlank()) {
            Ci.missing("CI is set but NODEIMAGE_PODMAN_HOST is not; .ci/run starts podman system service and sets it",
                    "NODEIMAGE_PODMAN_HOST is not set; skipped here, but a failure when CI is set");
        }
        podman = DockerClientProviderStrategy.getClientForConfig(TransportConfig.builder().dockerHost(URI.create(host)).build());
        Path tree = ModprobeOracleTest.kernelTree();
        kver = tree.getFileName().toString();
        LocalImages.build(Path.of("src/test/resources/kmod"), KMOD);
        for (String module : List.of("fat", "vfat")) {
            Path to = Files.createDirectories(context.resolve("modules/" + kver + "/kernel/fs/fat"));
            Files.copy(tree.resolve("kernel/fs/fat/" + module + ".ko"), to.resolve(module + ".ko"));
        }
        Files.createDirectories(context.resolve("modprobe.d"));
        Files.writeString(context.resolve("modprobe.d/site.conf"), "install fat /bin/false\nblacklist vfat\n");
        Files.writeString(context.resolve("Containerfile"), "FROM " + KMOD + "\nCOPY modules/ /usr/lib/modules/\n"
                + "COPY modprobe.d/ /etc/modprobe.d/\nRUN depmod " + kver + "\n");
        LocalImages.build(context, TAG);
        DockerClient docker = DockerClientFactory.instance().client();
        imageId = docker.inspectImageCmd(TAG).exec().getId();
        try (InputStream saved = docker.saveImageCmd(TAG).exec()) {
            podman.loadImageCmd(saved).exec();
        }
    }

    @AfterAll
    static void remove() {
        if (podman != null) {
            try {
                podman.removeImageCmd(imageId).withForce(true).exec();
            } catch (RuntimeException e) {
                // Not loaded.
            }
        }
        LocalImages.remove(List.of(), TAG);
    }

    @Test
    void podmansContainerOfTheImageAnswersAsDockersDoes() {
        Facts facts = InspectService.facts(TAG, Set.of(), ModuleTrust.NONE);
        Set<String> names = Set.of("fat", "vfat", "cramfs");
        KmodCrossCheck.Result onDocker = new KmodCrossCheck(DockerClientFactory.instance().client(), Duration.ofSeconds(120))
                .run(imageId, facts, names);
        KmodCrossCheck.Result onPodman = new KmodCrossCheck(podman, Duration.ofSeconds(120)).run(imageId, facts, names);
        assertThat(onPodman.ran()).as(onPodman.why()).isTrue();
        // vfat needs fat, whose install command runs first: modprobe's plan shows the command, then vfat.
        assertThat(onPodman.observations()).extracting(o -> o.module() + " " + o.observed())
                .containsExactly("cramfs absent", "fat install", "vfat after-install");
        assertThat(onPodman.observations()).isEqualTo(onDocker.observations());
        assertThat(onPodman.disagreements()).isEmpty();
        assertThat(podman.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nodeimage.role", KmodCrossCheck.ROLE)).exec()).isEmpty();
    }
}
