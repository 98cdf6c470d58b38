package io.nodeimage.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push client against a registry stand-in on 127.0.0.1 that asks for Docker's token flow (the real
 * registry with basic auth and TLS is it/'s RegistryPushTest): the token asked for with push scope and
 * the login, the upload sequence of the distribution specification (HEAD, POST, PUT with the digest), the
 * registry's digest checked, an upload sent elsewhere refused, and OCI-Subject heard.
 */
class RegistryWriterTest {

    private HttpServer server;
    private int port;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> tokenScopes = new CopyOnWriteArrayList<>();
    private volatile String answeredDigest;
    private volatile String uploadLocation = "/v2/team/node/blobs/uploads/u-1?state=x";
    private volatile boolean subjectHeader;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        String realm = "http://127.0.0.1:" + port + "/token";
        server.createContext("/token", x -> {
            tokenScopes.add(x.getRequestURI().getQuery());
            String basic = "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
            answer(x, basic.equals(x.getRequestHeaders().getFirst("Authorization")) ? 200 : 401,
                    "{\"token\":\"push-token\"}".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/v2/", x -> {
            String path = x.getRequestURI().getPath();
            requests.add(x.getRequestMethod() + " " + path + (x.getRequestURI().getQuery() == null ? "" : "?" + x.getRequestURI().getQuery()));
            byte[] body = x.getRequestBody().readAllBytes();
            if (!"Bearer push-token".equals(x.getRequestHeaders().getFirst("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"stand-in\",scope=\"repository:team/node:pull,push\"");
                answer(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (path.contains("/blobs/uploads/") && x.getRequestMethod().equals("POST")) {
                x.getResponseHeaders().add("Location", uploadLocation);
                answer(x, 202, new byte[0]);
            } else if (path.contains("/blobs/uploads/") && x.getRequestMethod().equals("PUT")) {
                String digest = x.getRequestURI().getQuery().replaceFirst(".*digest=", "");
                if (!digest.equals(Digest.sha256(body))) {
                    answer(x, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                blobs.put(digest, body);
                answer(x, 201, new byte[0]);
            } else if (path.contains("/blobs/")) {
                byte[] b = blobs.get(last);
                answer(x, b == null ? 404 : 200, x.getRequestMethod().equals("HEAD") || b == null ? new byte[0] : b);
            } else if (path.contains("/manifests/") && x.getRequestMethod().equals("PUT")) {
                manifests.put(last, body);
                x.getResponseHeaders().add("Docker-Content-Digest", answeredDigest != null ? answeredDigest : Digest.sha256(body));
                if (subjectHeader) {
                    x.getResponseHeaders().add("OCI-Subject", "sha256:" + "ab".repeat(32));
                }
                answer(x, 201, new byte[0]);
            } else {
                answer(x, 404, new byte[0]);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange x, int code, byte[] body) throws IOException {
        x.sendResponseHeaders(code, body.length == 0 || x.getRequestMethod().equals("HEAD") ? -1 : body.length);
        if (body.length > 0 && !x.getRequestMethod().equals("HEAD")) {
            x.getResponseBody().write(body);
        }
        x.close();
    }

    private RegistryWriter writer(String user, String secret) throws IOException {
        return RegistryWriter.open("127.0.0.1:" + port + "/team/node", new RegistryWriter.Connection(
                RegistryCredentials.of(Map.of("127.0.0.1:" + port, new RegistryCredentials.Login(user, secret))), null, false));
    }

    @Test
    void aBlobIsSentOnceWithATokenForPushAndTheManifestDigestIsTheRegistrys() throws Exception {
        RegistryWriter registry = writer("ci", "s3cret");
        byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
        String digest = registry.putBlob(layer, "the layer");

        assertThat(blobs.get(digest)).isEqualTo(layer);
        assertThat(tokenScopes).hasSize(1).allMatch(q -> q.contains("scope=repository:team/node:pull,push"));
        // The distribution specification's sequence: HEAD, then POST to open the upload, PUT with the digest to close it.
        assertThat(requests)
                .containsSubsequence("HEAD /v2/team/node/blobs/" + digest, "POST /v2/team/node/blobs/uploads/",
                        "PUT /v2/team/node/blobs/uploads/u-1?state=x&digest=" + digest);
        requests.clear();
        registry.putBlob(layer, "the layer");
        assertThat(requests).containsExactly("HEAD /v2/team/node/blobs/" + digest);

        byte[] manifest = OciJson.imageManifest(OciJson.emptyConfig(), List.of());
        RegistryWriter.Put put = registry.putManifest("1.0", OciJson.MANIFEST, manifest, "the manifest");
        assertThat(put.digest()).isEqualTo(Digest.sha256(manifest));
        assertThat(put.subjectProcessed()).isFalse();
        assertThat(manifests.get("1.0")).isEqualTo(manifest);
        subjectHeader = true;
        assertThat(registry.putManifest("1.1", OciJson.MANIFEST, manifest, "the manifest").subjectProcessed()).isTrue();
    }

    @Test
    void aRegistryThatStoresOtherBytesThanWereSentIsAnError() throws Exception {
        answeredDigest = "sha256:" + "00".repeat(32);
        assertThatThrownBy(() -> writer("ci", "s3cret").putManifest("1.0", OciJson.MANIFEST,
                OciJson.imageManifest(OciJson.emptyConfig(), List.of()), "the manifest of x"))
                .isInstanceOf(LayerException.class)
                .hasMessageContaining("stored the manifest of x as sha256:" + "00".repeat(32) + ", but its bytes are sha256:");
    }

    @Test
    void anUploadSentToAnotherHostIsRefusedAndTheLoginStaysHere() throws Exception {
        uploadLocation = "http://198.51.100.7/upload/u-1";
        assertThatThrownBy(() -> writer("ci", "s3cret").putBlob("x".getBytes(StandardCharsets.UTF_8), "the layer"))
                .isInstanceOf(LayerException.class)
                .hasMessageContaining("sent the upload to 198.51.100.7, another host");
    }

    @Test
    void aWrongLoginIsRefusedByTheTokenServiceWithoutShowingIt() {
        assertThatThrownBy(() -> writer("ci", "not-it").putBlob("x".getBytes(StandardCharsets.UTF_8), "the layer"))
                .isInstanceOf(LayerException.class)
                .hasMessageContaining("the token service of registry 127.0.0.1:" + port + " (127.0.0.1) refused a token to look for blob")
                .hasMessageContaining("with the login given").hasMessageNotContaining("not-it");
    }
}
