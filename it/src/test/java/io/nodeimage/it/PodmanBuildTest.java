package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.image.ImageBuilder;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import io.nodeimage.support.Ci;
import io.nodeimage.yaml.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * The build goal's core on Podman's Docker-compatible service (NODEIMAGE_PODMAN_HOST, which .ci/run
 * starts, rootful): a Debian site profile is rendered and built by BuildService through a client of
 * Podman's socket, on the base moved there from Docker; Podman's image then has the build's labels,
 * the build record names Podman's full image id, and a container of it (run by Podman, no network)
 * shows the profile's sysctl file and a file with its mode and owner. Skipped without Podman, except in CI.
 */
@ExtendWith(DockerRequired.class)
class PodmanBuildTest {

    private static final String BASE = "nodeimage/debian:12";
    private static final String IMAGE = BuildService.imageName("nodeimage-it", "podman-site", "test");
    private static final String FAILING = "nodeimage-it/podman-build-failure:test";
    private static DockerClient podman;

    @TempDir
    static Path project;

    @BeforeAll
    static void connect() throws Exception {
        String host = System.getenv("NODEIMAGE_PODMAN_HOST");
        if (host == null || host.isBlank()) {
            Ci.missing("CI is set but NODEIMAGE_PODMAN_HOST is not; .ci/run starts podman system service and sets it",
                    "NODEIMAGE_PODMAN_HOST is not set; skipped here, but a failure when CI is set");
        }
        podman = DockerClientProviderStrategy.getClientForConfig(TransportConfig.builder().dockerHost(URI.create(host)).build());
        // The base is left in Podman afterwards: a concurrent run may be building on it.
        try (InputStream saved = DockerClientFactory.instance().client().saveImageCmd(BASE).exec()) {
            podman.loadImageCmd(saved).exec();
        }
    }

    @AfterAll
    static void remove() {
        if (podman != null) {
            for (String image : List.of(IMAGE, FAILING)) {
                try {
                    podman.removeImageCmd(image).withForce(true).exec();
                } catch (RuntimeException e) {
                    // Never built.
                }
            }
        }
    }

    @Test
    void aSiteProfileBuildsOnPodmanWithItsLabelsAndSettings() throws Exception {
        Files.createDirectories(project.resolve("profiles"));
        Files.writeString(project.resolve("profiles/podman-site.yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: podman-site
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "nodeimage/debian:12"}
                outputs: [containerfile]
                sysctl: {kernel.kptr_restrict: "2", vm.swappiness: "10"}
                files:
                  - {path: /etc/site/agent.conf, mode: "0640", owner: nobody, group: nogroup, content: "endpoint = local\\n"}
                """);
        var resolved = new ProfileResolver(ProfileSources.withBundledCatalog(project.resolve("profiles"), project))
                .resolveAll(List.of("podman-site"));
        Path out = project.resolve("target/nodeimage");
        new RenderService(Map.of(), false).render(resolved, out);
        BuildService builds = new BuildService(podman, "nodeimage-it", "test", new BuildService.Stamp(
                "https://example.invalid/site.git", "abc123", Instant.parse("2026-11-27T00:00:00Z"), "1790000000"), 1);
        List<String> log = new ArrayList<>();
        long start = System.nanoTime();
        List<BuildService.Built> built = builds.build(resolved, out, log::add);
        System.out.printf("podman build of podman-site: %d ms, %d log lines%n", (System.nanoTime() - start) / 1_000_000, log.size());
        log.forEach(System.out::println);

        String id = built.get(0).imageId();
        assertThat(id).matches("sha256:[0-9a-f]{64}");
        var inspected = podman.inspectImageCmd(IMAGE).exec();
        assertThat(inspected.getId()).isEqualTo(id);
        assertThat(DockerEngine.imageId(DockerClientFactory.instance().client(), IMAGE)).as("built in Podman, not Docker").isNull();
        assertThat(log).anyMatch(l -> l.startsWith("[podman-site] Step 1/") && l.endsWith(": FROM nodeimage/debian:12"));
        assertThat(Files.readString(out.resolve("podman-site").resolve(BuildService.OUTPUT_LOG))).contains("FROM nodeimage/debian:12");
        Map<String, String> labels = inspected.getConfig().getLabels();
        assertThat(labels)
                .containsEntry("org.opencontainers.image.source", "https://example.invalid/site.git")
                .containsEntry("org.opencontainers.image.revision", "abc123")
                .containsEntry("org.opencontainers.image.created", "2026-11-27T00:00:00Z")
                .containsEntry("org.opencontainers.image.version", "test")
                .hasEntrySatisfying("io.nodeimage.profile.digest", d -> assertThat(d).matches("sha256:[0-9a-f]{64}"));
        var record = Json.read(out.resolve("podman-site").resolve(BuildService.RECORD), "build.json");
        assertThat(record.get("imageId").asText()).isEqualTo(id);
        assertThat(record.get("image").asText()).isEqualTo(IMAGE);
        assertThat(record.get("profileDigest").asText()).isEqualTo(labels.get("io.nodeimage.profile.digest"));
        record.get("labels").fields().forEachRemaining(e -> assertThat(labels).containsEntry(e.getKey(), e.getValue().asText()));

        String shown = runInPodman(id, "grep -rh . /etc/sysctl.d/ | grep -v '^#' | sort;"
                + " stat -c '%a %U %G %Y %n' /etc/site/agent.conf; cat /etc/site/agent.conf");
        System.out.print(shown);
        // The file's time is SOURCE_DATE_EPOCH: the build argument reached provision.sh.
        assertThat(shown).contains("kernel.kptr_restrict = 2", "vm.swappiness = 10")
                .contains("640 nobody nogroup 1790000000 /etc/site/agent.conf\nendpoint = local\n");
    }

    @Test
    void aFailedStepOnPodmanFailsWithItsOutputAndTheEarlierImageStays(@TempDir Path context) throws Exception {
        ImageBuilder builder = new ImageBuilder(podman);
        Files.writeString(context.resolve("good"), "FROM nodeimage/debian:12\nRUN echo good > /good\n");
        String good = builder.build(new ImageBuilder.Request("site", context, context.resolve("good"), FAILING, Map.of(), null),
                line -> { });
        assertThat(good).matches("sha256:[0-9a-f]{64}");
        Files.writeString(context.resolve("bad"), "FROM nodeimage/debian:12\n"
                + "RUN echo 'fetching the driver'; echo 'E: Unable to locate package nvidia-open' >&2; exit 100\n"
                + "RUN echo never\n");
        List<String> steps = new ArrayList<>();
        assertThatThrownBy(() -> builder.build(new ImageBuilder.Request("site", context, context.resolve("bad"), FAILING,
                Map.of(), null), steps::add))
                .isInstanceOf(ImageBuilder.BuildFailedException.class)
                .hasMessageStartingWith("building site failed at Step 2/3 : RUN echo 'fetching the driver';")
                .hasMessageContaining("E: Unable to locate package nvidia-open")
                .hasMessageContaining("exit status 100")
                .hasMessageNotContaining("never");
        assertThat(steps).containsExactly("[site] Step 1/3 : FROM nodeimage/debian:12",
                "[site] Step 2/3 : RUN echo 'fetching the driver'; echo 'E: Unable to locate package nvidia-open' >&2; exit 100");
        assertThat(DockerEngine.imageId(podman, FAILING)).as("the earlier image keeps its tag").isEqualTo(good);
    }

    /** What a shell command printed in a container of the image that Podman runs without a network, then removes. */
    private static String runInPodman(String image, String script) throws Exception {
        String container = podman.createContainerCmd(image).withCmd("sh", "-c", script)
                // Podman's default limits exceed what this machine allows a container (as KmodCrossCheck finds).
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withUlimits(List.of(
                        new Ulimit("nofile", 1024L, 1024L), new Ulimit("nproc", 4096L, 4096L))))
                .withLabels(Map.of("io.nodeimage.role", "podman-build-test")).exec().getId();
        try {
            podman.startContainerCmd(container).exec();
            int code = podman.waitContainerCmd(container).start().awaitStatusCode(120, TimeUnit.SECONDS);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            podman.logContainerCmd(container).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    bytes.writeBytes(frame.getPayload());
                }
            }).awaitCompletion(60, TimeUnit.SECONDS);
            String text = bytes.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            return text;
        } finally {
            podman.removeContainerCmd(container).withForce(true).exec();
        }
    }
}
