package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.ModuleFactsCache;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.layers.Platform;
import io.nodeimage.layers.Registry;
import io.nodeimage.layers.RegistryCredentials;
import io.nodeimage.support.Ci;
import io.nodeimage.support.OciImages;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One image, read six ways, gives the same facts apart from its name: through Docker's archive API,
 * through Podman (NODEIMAGE_PODMAN_HOST, which .ci/run starts), from its {@code docker save} archive,
 * from an OCI layout made of that archive, and from a real registry (Debian's docker-registry on
 * 127.0.0.1, which .ci/run installs) it was pushed to, once anonymous and once behind a basic-auth
 * login. The image ends with {@code USER nobody} and has an owner without a name: Podman's archive API
 * gives every entry the container user's numbers, so Podman's images are read from their export. The image has what layers make hard: a file removed
 * below (a whiteout), a folder emptied and refilled (an opaque directory), a hard link, owners and
 * groups (/etc/shadow root:shadow 0640), and a real kernel's module tree.
 */
@ExtendWith(DockerRequired.class)
class ImageSourcesTest {

    private static final String TAG = "nodeimage-it/sources:test";
    private static final String REGISTRY = "/usr/bin/docker-registry";
    @TempDir
    static Path dir;
    private static final List<Process> registries = new ArrayList<>();
    private static String anonymous;
    private static String withLogin;
    private static Path archive;
    private static Path layout;
    /** Milliseconds per source, printed for the record. */
    private static final Map<String, Long> took = new LinkedHashMap<>();

    @BeforeAll
    static void image() throws Exception {
        if (!Files.isExecutable(Path.of(REGISTRY))) {
            Ci.missing("CI is set but " + REGISTRY + " is missing; .ci/run installs docker-registry",
                    REGISTRY + " is missing (apt-get install docker-registry); skipped here, but a failure when CI is set");
        }
        Path context = Files.createDirectories(dir.resolve("context"));
        LocalImages.linkTree(ModprobeOracleTest.kernelTree(), context.resolve("modules/" + ModprobeOracleTest.kernelTree().getFileName()));
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                COPY modules/ /usr/lib/modules/
                RUN rm -f /etc/debian_version \\
                 && rm -rf /etc/update-motd.d && mkdir /etc/update-motd.d && echo '#!/bin/sh' > /etc/update-motd.d/10-site \\
                 && mkdir -p /etc/modprobe.d && echo 'blacklist floppy' > /etc/modprobe.d/site.conf \\
                 && chmod 0600 /etc/modprobe.d/site.conf && chown 0:42 /etc/modprobe.d/site.conf \\
                 && ln /etc/modprobe.d/site.conf /etc/modprobe.d/site-hard.conf \\
                 && ln -s ../../usr/lib/os-release /etc/os-release-link \
                 && touch /etc/unnamed-owner && chown 1234:4321 /etc/unnamed-owner
                USER nobody
                """);
        LocalImages.build(context, TAG);
        archive = dir.resolve("image.tar");
        run(List.of("docker", "save", "-o", archive.toString(), TAG));
        layout = dir.resolve("layout");
        OciImages.layoutFromDockerArchive(archive, layout, "test");

        int open = port();
        registries.add(registry(dir.resolve("open"), open, null));
        anonymous = "127.0.0.1:" + open + "/nodeimage-it/sources:test";
        push(anonymous, null);

        int closed = port();
        Path htpasswd = dir.resolve("htpasswd");
        // bcrypt, as the registry's htpasswd reads it.
        Files.writeString(htpasswd, "ci:" + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y",
                "s3cret".toCharArray(), new byte[16], 5) + "\n");
        registries.add(registry(dir.resolve("closed"), closed, htpasswd));
        withLogin = "127.0.0.1:" + closed + "/nodeimage-it/sources:test";
        push(withLogin, "127.0.0.1:" + closed);
    }

    @AfterAll
    static void stop() {
        registries.forEach(Process::destroy);
        LocalImages.remove(List.of(), TAG);
        for (String ref : new String[] {anonymous, withLogin}) {
            if (ref != null) {
                LocalImages.remove(List.of(), ref);
            }
        }
    }

    private static int port() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A registry on 127.0.0.1 with a throwaway configuration and storage; basic auth when an htpasswd file is given. */
    private static Process registry(Path root, int port, Path htpasswd) throws Exception {
        Files.createDirectories(root);
        Path config = root.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + root.resolve("data") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n"
                + (htpasswd == null ? "" : "auth:\n  htpasswd:\n    realm: nodeimage-it\n    path: " + htpasswd + "\n"));
        Process p = new ProcessBuilder(REGISTRY, "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the registry did not listen on " + port + ": "
                + Files.readString(root.resolve("registry.log")));
    }

    /** docker push to the loopback registry (an insecure registry engines allow on 127.0.0.1), with a login of its own. */
    private static void push(String ref, String loginHost) throws Exception {
        Path config = Files.createDirectories(dir.resolve("docker-config-" + Math.abs(ref.hashCode())));
        run(List.of("docker", "tag", TAG, ref));
        if (loginHost != null) {
            run(List.of("docker", "--config", config.toString(), "login", "-u", "ci", "--password-stdin", loginHost), "s3cret");
        }
        run(List.of("docker", "--config", config.toString(), "push", ref));
    }

    private static void run(List<String> command) throws Exception {
        run(command, null);
    }

    private static void run(List<String> command, String input) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    }

    private static Facts facts(String label, String image, Registry.Options options) {
        long start = System.nanoTime();
        Facts f = InspectService.facts(image, Set.of(), ModuleTrust.NONE,
                ModuleFactsCache.DISABLED, options);
        took.put(label, (System.nanoTime() - start) / 1_000_000);
        try {
            // Kept for a diff when they differ.
            Path out = Files.createDirectories(Path.of("target/image-sources"));
            Files.writeString(out.resolve(label.replace(' ', '-') + ".json"), json(f));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return f;
    }

    /** The image moved into Podman through both engines' APIs, and inspected there in a JVM whose DOCKER_HOST is Podman's. */
    private static String podmanJson() throws Exception {
        String host = System.getenv("NODEIMAGE_PODMAN_HOST");
        if (host == null || host.isBlank()) {
            Ci.missing("CI is set but NODEIMAGE_PODMAN_HOST is not; .ci/run starts podman system service and sets it",
                    "NODEIMAGE_PODMAN_HOST is not set: Podman not compared here, but a failure when CI is set");
        }
        var podman = org.testcontainers.dockerclient.DockerClientProviderStrategy.getClientForConfig(
                org.testcontainers.dockerclient.TransportConfig.builder().dockerHost(java.net.URI.create(host)).build());
        try (java.io.InputStream saved = Files.newInputStream(archive)) {
            podman.loadImageCmd(saved).exec();
        }
        Path out = dir.resolve("podman-facts.json");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                InspectMain.class.getName(), TAG, out.toString()).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        long start = System.nanoTime();
        Process p = pb.start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        took.put("podman (own JVM)", (System.nanoTime() - start) / 1_000_000);
        try {
            podman.removeImageCmd(TAG).withForce(true).exec();
        } catch (RuntimeException e) {
            // Left for the next run to replace.
        }
        String text = Files.readString(out).replace("\"" + TAG + "\"", "\"<image>\"");
        Files.writeString(Files.createDirectories(Path.of("target/image-sources")).resolve("podman.json"), text);
        return text;
    }

    private static String json(Facts f) {
        return FactsJson.write(f).replace("\"" + f.image() + "\"", "\"<image>\"");
    }

    @Test
    void everySourceGivesTheSameFacts() throws Exception {
        Registry.Options none = new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.NONE);
        Facts docker = facts("docker", TAG, none);
        Facts saved = facts("docker-archive", "docker-archive:" + archive, none);
        Facts oci = facts("oci", "oci:" + layout + ":test", none);
        Facts pulled = facts("registry", "docker://" + anonymous, none);
        Facts loggedIn = facts("registry with login", "docker://" + withLogin, new Registry.Options(Platform.host(), Set.of(),
                RegistryCredentials.of(Map.of(withLogin.substring(0, withLogin.indexOf('/')),
                        new RegistryCredentials.Login("ci", "s3cret")))));
        String podman = podmanJson();
        System.out.println("[ImageSourcesTest] inspect time per source, ms: " + took);

        String expected = json(docker);
        assertThat(json(saved)).isEqualTo(expected);
        assertThat(json(oci)).isEqualTo(expected);
        assertThat(json(pulled)).isEqualTo(expected);
        assertThat(json(loggedIn)).isEqualTo(expected);
        assertThat(podman).isEqualTo(expected);

        // What was compared holds what layers make hard.
        assertThat(docker.files()).filteredOn(f -> f.path().equals("/etc/shadow")).singleElement()
                .satisfies(f -> assertThat(f.owner() + ":" + f.group() + " " + f.mode()).isEqualTo("root:shadow 0640"));
        assertThat(docker.files()).filteredOn(f -> f.path().equals("/etc/modprobe.d/site.conf")).singleElement()
                .satisfies(f -> assertThat(f.uid() + ":" + f.group() + " " + f.mode()).isEqualTo("0:shadow 0600"));
        assertThat(docker.files()).filteredOn(f -> f.path().equals("/etc/unnamed-owner")).singleElement()
                .satisfies(f -> assertThat(f.owner() + ":" + f.group()).isEqualTo("1234:4321"));
        assertThat(docker.files()).extracting(Facts.FileEntry::path).doesNotContain("/etc/debian_version")
                .contains("/etc/update-motd.d/10-site", "/etc/modprobe.d/site-hard.conf", "/etc/os-release-link");
        assertThat(docker.kernels()).singleElement().satisfies(k -> assertThat(k.modules()).hasSizeGreaterThan(1000));
        assertThat(docker.packages()).isNotEmpty();

        // And so the same verdicts: the bundled policies judge every source's facts alike, rule by rule.
        List<String> verdict = verdict(docker);
        assertThat(verdict).hasSizeGreaterThan(20).anySatisfy(r -> assertThat(r).startsWith("fail "))
                .anySatisfy(r -> assertThat(r).startsWith("pass "));
        for (Facts other : List.of(saved, oci, pulled, loggedIn)) {
            assertThat(verdict(other)).isEqualTo(verdict);
        }
    }

    /** Each bundled rule's status and message on these facts, as verify would report them for a Debian 12 image. */
    private static List<String> verdict(Facts facts) {
        var evaluator = new io.nodeimage.policy.Evaluator(java.time.LocalDate.parse("2026-11-27"));
        return evaluator.evaluate(io.nodeimage.policy.PolicyLoader.load(null, null, true).policies(), facts,
                        new io.nodeimage.policy.Evaluator.Target(null, "debian", "12", "x86_64"))
                .stream().map(r -> r.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " "
                        + r.policy() + "/" + r.rule().id() + ": " + r.message()).toList();
    }

    @Test
    void aRegistryBehindALoginSaysSoWithoutOne() {
        Registry.Options none = new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.NONE);
        assertThatThrownBy(() -> InspectService.facts("docker://" + withLogin, Set.of(), ModuleTrust.NONE,
                ModuleFactsCache.DISABLED, none))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("registry 127.0.0.1:").hasMessageContaining("refused nodeimage-it/sources (401)")
                .hasMessageContaining("it needs a login");
        assertThatThrownBy(() -> InspectService.facts("docker://" + anonymous.replace(":test", ":absent"), Set.of(),
                ModuleTrust.NONE, ModuleFactsCache.DISABLED, none))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no manifest absent in nodeimage-it/sources");
    }
}
