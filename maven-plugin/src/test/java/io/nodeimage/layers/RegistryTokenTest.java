package io.nodeimage.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nodeimage.support.OciImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's token flow against a registry stand-in on 127.0.0.1 (the real registry, basic auth, is
 * ImageSourcesTest's): a 401 naming a realm, a token asked for there with the login, blobs redirected to
 * another host that must not see the token. The stand-in serves an OCI layout's blobs.
 */
class RegistryTokenTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private int port;
    private String manifest;
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        List<byte[]> layers = List.of(Tars.tar().file("etc/os-release", "ID=debian\n").bytes());
        manifest = OciImages.writeLayout(dir, layers, OciImages.config("amd64", layers), "1.0");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        String realm = "http://127.0.0.1:" + port + "/token";
        server.createContext("/token", x -> {
            tokenRequests.add(x.getRequestURI().getQuery());
            String basic = "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
            if (basic.equals(x.getRequestHeaders().getFirst("Authorization"))) {
                answer(x, 200, "{\"token\":\"good-token\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8), null);
            } else {
                answer(x, 401, "{}".getBytes(StandardCharsets.UTF_8), null);
            }
        });
        server.createContext("/v2/", x -> {
            if (!"Bearer good-token".equals(x.getRequestHeaders().getFirst("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"stand-in\",scope=\"repository:team/node:pull\"");
                answer(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            String path = x.getRequestURI().getPath();
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (path.startsWith("/v2/team/node/manifests/")) {
                String digest = last.equals("1.0") ? manifest : last;
                answer(x, 200, Files.readAllBytes(blob(digest)), "application/vnd.oci.image.manifest.v1+json");
            } else if (path.startsWith("/v2/team/node/blobs/")) {
                // Blob storage elsewhere (another host name for this machine), as registries redirect to it.
                x.getResponseHeaders().add("Location", "http://localhost:" + port + "/storage/" + last);
                answer(x, 307, new byte[0], null);
            } else {
                answer(x, 404, new byte[0], null);
            }
        });
        server.createContext("/storage/", x -> {
            if (x.getRequestHeaders().containsKey("Authorization")) {
                leaks.add(x.getRequestURI().getPath());
            }
            String path = x.getRequestURI().getPath();
            answer(x, 200, Files.readAllBytes(blob(path.substring(path.lastIndexOf('/') + 1))), null);
        });
        server.start();
    }

    private Path blob(String digest) {
        return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static void answer(HttpExchange x, int code, byte[] body, String type) throws IOException {
        if (type != null) {
            x.getResponseHeaders().add("Content-Type", type);
        }
        x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
        x.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Registry.Options login(String password) {
        return new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.of(
                Map.of("127.0.0.1:" + port, new RegistryCredentials.Login("ci", password))));
    }

    @Test
    void aTokenFromTheRealmTheChallengeNamesAndNoLoginForTheBlobStore() throws IOException {
        ImageLayers image = Registry.open("127.0.0.1:" + port + "/team/node:1.0", login("s3cret"), "docker://x");
        try (LayerTree tree = LayerTree.read(image, new LayerTree.Wanted(Set.of("/etc")), LayerTree.Limits.DEFAULT)) {
            assertThat(new TreeWalk(tree).stat("/etc/os-release")).isPresent();
        }
        assertThat(tokenRequests).singleElement().isEqualTo("service=stand-in&scope=repository:team/node:pull");
        assertThat(leaks).isEmpty();
        // By digest: the manifest's bytes are checked against it.
        assertThat(Registry.open("127.0.0.1:" + port + "/team/node@" + manifest, login("s3cret"), "docker://x").imageId())
                .isEqualTo(image.imageId());
        String other = "sha256:" + "3".repeat(64);
        Files.copy(blob(manifest), blob(other));
        assertThatThrownBy(() -> Registry.open("127.0.0.1:" + port + "/team/node@" + other, login("s3cret"), "docker://x"))
                .isInstanceOf(LayerException.class).hasMessageContaining("not " + other + " as it was named");
    }

    @Test
    void aRefusedTokenSaysWhetherALoginWasGiven() {
        assertThatThrownBy(() -> Registry.open("127.0.0.1:" + port + "/team/node:1.0", login("wrong"), "docker://x"))
                .isInstanceOf(LayerException.class).hasMessageContaining("refused a token to pull team/node (401) with the login given")
                .hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> Registry.open("127.0.0.1:" + port + "/team/node:1.0",
                new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.NONE), "docker://x"))
                .isInstanceOf(LayerException.class).hasMessageContaining("it needs a login");
    }

    @Test
    void plainHttpOnlyToThisMachineOrHostsAllowed() throws LayerException {
        assertThat(RegistryReference.parse("127.0.0.1:5000/team/node:1.0").loopback()).isTrue();
        assertThat(RegistryReference.parse("localhost/team/node").loopback()).isTrue();
        assertThat(RegistryReference.parse("registry.example.internal/team/node").loopback()).isFalse();
        assertThat(RegistryReference.parse("debian:12")).isEqualTo(new RegistryReference("docker.io", "library/debian", "12"));
        assertThat(RegistryReference.parse("host:5000/a/b@sha256:" + "a".repeat(64)).reference()).startsWith("sha256:");
        assertThatThrownBy(() -> RegistryReference.parse("Host/UPPER")).isInstanceOf(LayerException.class)
                .hasMessageContaining("is not an image reference");
    }
}
