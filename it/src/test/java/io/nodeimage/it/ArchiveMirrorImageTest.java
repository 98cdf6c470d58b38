package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import io.nodeimage.support.TestCa;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * The distribution's own archive through the site's mirror, end to end: a Debian image built from the local
 * minbase, which has no CA bundle, with {@code archive} naming a mirror served over https under a certificate
 * only the site CA vouches for. The mirror is a proxy on loopback in front of the archive the base image
 * names (read from the image, so no host is written here). The build installs ca-certificates from the mirror,
 * checked with the site CA, then the profile's packages; every index and package came through the proxy, and
 * the image's apt sources name the mirror only.
 */
@ExtendWith(DockerRequired.class)
class ArchiveMirrorImageTest {

    private static final String TAG = "nodeimage-it/debian-12-archive-mirror:test";
    private static final TestCa SITE = TestCa.create("nodeimage test archive mirror root");

    @TempDir
    static Path work;

    private static HttpsServer server;
    /** Paths the mirror served with 200, in order: only requests that passed TLS arrive here. */
    private static final List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static GenericContainer<?> image;

    @BeforeAll
    static void serveTheMirrorAndBuild() throws Exception {
        String upstream = archiveOrigin();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        TestCa.Leaf leaf = SITE.issue("localhost");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("leaf", leaf.keys().getPrivate(), password,
                new java.security.cert.Certificate[] {leaf.certificate(), SITE.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            try {
                if (!exchange.getRequestMethod().equals("GET") || path.contains("..")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(upstream + path))
                        .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        exchange.sendResponseHeaders(response.statusCode(), -1);
                        return;
                    }
                    long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
                    exchange.sendResponseHeaders(200, length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        body.transferTo(out);
                    }
                    served.add(path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } catch (java.io.IOException e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();

        Path profiles = Files.createDirectories(work.resolve("profiles"));
        Files.writeString(profiles.resolve("debian-12-archive-mirror.yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: debian-12-archive-mirror
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "nodeimage/debian:12"}
                archive: {url: "mirror://site/debian", security: "mirror://site/debian-security"}
                trust:
                  certificates:
                    - name: mirror-root
                      pem: |
                """ + SITE.pem().lines().map(l -> "        " + l).reduce("", (a, b) -> a + b + "\n") + """
                packages: {install: [kmod]}
                outputs: [containerfile]
                """);
        Map<String, String> mirrors = Map.of("site", "https://localhost:" + server.getAddress().getPort() + "/");
        var resolved = new ProfileResolver(ProfileSources.withBundledCatalog(profiles, work), mirrors)
                .resolveAll(List.of("debian-12-archive-mirror"));
        Path out = work.resolve("out");
        new RenderService(mirrors, false).render(resolved, out);
        LocalImages.build(out.resolve("debian-12-archive-mirror"), TAG);
        image = LocalImages.start(TAG);
    }

    /** scheme://host of the archive the base image's sources.list names: where the proxy fetches from. */
    private static String archiveOrigin() throws Exception {
        GenericContainer<?> base = LocalImages.start("nodeimage/debian:12");
        try {
            String sources = base.execInContainer("cat", "/etc/apt/sources.list").getStdout();
            Matcher m = Pattern.compile("(?m)^deb (https?://[^/\\s]+)/debian ").matcher(sources);
            assertThat(m.find()).as("the local base names its archive: " + sources).isTrue();
            return m.group(1);
        } finally {
            base.stop();
        }
    }

    @AfterAll
    static void cleanUp() {
        if (server != null) {
            server.stop(0);
        }
        LocalImages.remove(java.util.Arrays.asList(image), TAG);
    }

    @Test
    void everyIndexAndPackageCameThroughTheMirror() {
        assertThat(served).contains("/debian/dists/bookworm/InRelease", "/debian/dists/bookworm-updates/InRelease",
                "/debian-security/dists/bookworm-security/InRelease");
        assertThat(served).anySatisfy(p -> assertThat(p).matches("/debian(-security)?/pool/(updates/)?main/c/ca-certificates/ca-certificates_.*\\.deb"));
        assertThat(served).anySatisfy(p -> assertThat(p).matches("/debian(-security)?/pool/(updates/)?main/k/kmod/kmod_.*\\.deb"));
    }

    @Test
    void theImagesSourcesNameTheMirrorWithTheDistributionsKeyring() throws Exception {
        String port = String.valueOf(server.getAddress().getPort());
        assertThat(image.execInContainer("cat", "/etc/apt/sources.list.d/debian.sources").getStdout())
                .contains("URIs: https://localhost:" + port + "/debian\nSuites: bookworm bookworm-updates\n")
                .contains("URIs: https://localhost:" + port + "/debian-security\nSuites: bookworm-security\n")
                .contains("Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n");
        assertThat(image.execInContainer("cat", "/etc/apt/sources.list").getStdout())
                .as("the base image's own line is gone").doesNotContain("deb ");
        assertThat(image.execInContainer("ls", "/tmp").getStdout()).doesNotContain("nodeimage-archive-ca");
    }

    @Test
    void theSiteCaIsInTheBundleAptNowUses() throws Exception {
        assertThat(image.execInContainer("cat", "/etc/ssl/certs/ca-certificates.crt").getStdout())
                .contains(SITE.pem().strip());
        assertThat(image.execInContainer("dpkg-query", "-W", "-f=${Status}", "kmod", "ca-certificates").getStdout())
                .isEqualTo("install ok installedinstall ok installed");
    }
}
