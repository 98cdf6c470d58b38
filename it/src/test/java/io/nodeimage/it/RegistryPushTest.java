package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import io.nodeimage.ConfigurationException;
import io.nodeimage.ViolationException;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.layers.OciJson;
import io.nodeimage.layers.Platform;
import io.nodeimage.layers.Registry;
import io.nodeimage.layers.RegistryCredentials;
import io.nodeimage.layers.RegistryWriter;
import io.nodeimage.provenance.CertificateCheck;
import io.nodeimage.provenance.CertificateEnvelope;
import io.nodeimage.provenance.RegistryCertificate;
import io.nodeimage.push.Attachment;
import io.nodeimage.push.ImagePush;
import io.nodeimage.push.PushRecord;
import io.nodeimage.signing.SigningKey;
import io.nodeimage.signing.VerificationKey;
import io.nodeimage.yaml.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push, attach and check against Debian's real docker-registry (distribution 2.8, which has no referrers
 * API) on 127.0.0.1: what push and attach wrote is read back with plain HTTP calls, and by the pull-side
 * reader; a registry with TLS (a CA made here) and basic auth takes the login and the CA file; a read-only
 * registry, wrong credentials, an untrusted certificate and a registry that goes away mid-push each give
 * one error with a hint and no stack trace. Envelopes are signed by keys openssl makes, and a wrong key, an
 * edited envelope and an envelope of another digest each fail with their reason.
 */
@ExtendWith(DockerRequired.class)
class RegistryPushTest {

    private static final String IMAGE = "nodeimage/debian:12";
    private static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    @TempDir
    static Path dir;
    private static final List<LocalRegistry> registries = new ArrayList<>();
    private static LocalRegistry open;
    private static DockerClient docker;
    private static String imageId;
    private static SigningKey signer;
    private static SigningKey other;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        LocalRegistry.required();
        docker = DockerEngine.client("the test image cannot be pushed");
        imageId = DockerEngine.imageId(docker, IMAGE);
        assertThat(imageId).as(IMAGE + " (seeded by scripts/seed-base-image.sh)").isNotNull();
        open = LocalRegistry.start(dir.resolve("open"), null, null, false);
        registries.add(open);
        signer = key("signer");
        other = key("other");
    }

    @AfterAll
    static void stop() {
        registries.forEach(LocalRegistry::close);
    }

    static SigningKey key(String name) throws Exception {
        Path file = dir.resolve(name + ".pem");
        run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.toString()));
        return SigningKey.read(Files.readString(file), file.toString(), () -> null);
    }

    static RegistryWriter.Connection anonymous() {
        return new RegistryWriter.Connection(RegistryCredentials.NONE, null, false);
    }

    static PushRecord push(String repository, RegistryWriter.Connection connection, List<String> log) {
        return ImagePush.push(docker, IMAGE, repository, "it", connection, log::add);
    }

    /** A statement like certify's, for the subject given, with the engine's image id in its predicate. */
    static String statement(String subjectName, String subjectDigest) {
        return Json.write(Map.of("_type", "https://in-toto.io/Statement/v1",
                "subject", List.of(Map.of("name", subjectName, "digest", Map.of("sha256", subjectDigest.substring(7)))),
                "predicateType", "urn:nodeimage:certificate:v1",
                "predicate", Map.of("image", Map.of("name", IMAGE, "id", imageId)))) + "\n";
    }

    static byte[] envelope(String statement, SigningKey key) {
        return CertificateEnvelope.sign(statement, key).strip().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPushedImageAndItsAttachedCertificateAreWhatTheRegistryServes() throws Exception {
        List<String> log = new ArrayList<>();
        long started = System.nanoTime();
        PushRecord pushed = push(open.host() + "/nodes/debian", anonymous(), log);
        long pushMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(pushed.repository()).isEqualTo(open.host() + "/nodes/debian");
        assertThat(pushed.imageId()).isEqualTo(imageId);

        // The manifest by its tag, with plain HTTP: the digest the registry answers, the bytes' own digest.
        HttpResponse<byte[]> manifest = get(open, "/v2/nodes/debian/manifests/it", OciJson.MANIFEST);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(pushed.digest());
        assertThat("sha256:" + sha256(manifest.body())).isEqualTo(pushed.digest());
        JsonNode m = Json.read(manifest.body(), "manifest");
        // The configuration's digest is the engine's image id: the same image, not a copy of it.
        assertThat(m.at("/config/digest").asText()).isEqualTo(imageId);
        for (JsonNode layer : m.get("layers")) {
            HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + open.host()
                    + "/v2/nodes/debian/blobs/" + layer.get("digest").asText())).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(layer.get("size").asLong());
        }
        // The pull-side reader takes what push wrote: the same image id, from the registry alone.
        Registry.Options options = new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.NONE);
        assertThat(io.nodeimage.inspect.InspectService.imageId("docker://" + pushed.byDigest(), options)).isEqualTo(imageId);

        // Again: nothing sent twice, the same manifest digest.
        List<String> again = new ArrayList<>();
        assertThat(push(open.host() + "/nodes/debian", anonymous(), again).digest()).isEqualTo(pushed.digest());
        assertThat(again).allMatch(l -> l.startsWith("  had "));

        // Attach: distribution 2.8 has no referrers API (404), so the fallback tag lists the artifact.
        RegistryWriter registry = RegistryWriter.open(pushed.repository(), anonymous());
        byte[] signed = envelope(statement(pushed.repository(), pushed.digest()), signer);
        Attachment.Attached attached = Attachment.attach(registry, pushed, signed);
        String hex = pushed.digest().substring(7);
        assertThat(attached.fallbackTag()).isEqualTo("sha256-" + hex);
        assertThat(get(open, "/v2/nodes/debian/referrers/" + pushed.digest(), OciJson.INDEX).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> index = get(open, "/v2/nodes/debian/manifests/sha256-" + hex, OciJson.INDEX);
        assertThat(index.statusCode()).isEqualTo(200);
        JsonNode listed = Json.read(index.body(), "index");
        assertThat(listed.get("mediaType").asText()).isEqualTo(OciJson.INDEX);
        assertThat(listed.get("manifests")).hasSize(1);
        assertThat(listed.at("/manifests/0/digest").asText()).isEqualTo(attached.artifact());
        assertThat(listed.at("/manifests/0/artifactType").asText()).isEqualTo(DSSE);
        JsonNode artifact = Json.read(get(open, "/v2/nodes/debian/manifests/" + attached.artifact(), OciJson.MANIFEST).body(), "a");
        assertThat(artifact.get("artifactType").asText()).isEqualTo(DSSE);
        assertThat(artifact.at("/subject/digest").asText()).isEqualTo(pushed.digest());
        assertThat(artifact.at("/subject/size").asLong()).isEqualTo(manifest.body().length);
        assertThat(artifact.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(artifact.at("/config/digest").asText()).isEqualTo("sha256:" + sha256("{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(artifact.at("/layers/0/mediaType").asText()).isEqualTo(DSSE);
        HttpResponse<byte[]> blob = get(open, "/v2/nodes/debian/blobs/" + artifact.at("/layers/0/digest").asText(), "*/*");
        assertThat(blob.body()).isEqualTo(signed);
        // The envelope verified by the test itself: the JDK's Signature over the PAE it builds.
        JsonNode env = Json.read(blob.body(), "envelope");
        byte[] payload = Base64.getDecoder().decode(env.get("payload").asText());
        String type = env.get("payloadType").asText();
        byte[] pae = concat(("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ").getBytes(StandardCharsets.UTF_8), payload);
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(signer.publicKey());
        jdk.update(pae);
        assertThat(jdk.verify(Base64.getDecoder().decode(env.at("/signatures/0/sig").asText()))).isTrue();

        // A second certificate (another signer) is appended; the first stays listed.
        Attachment.Attached second = Attachment.attach(registry, pushed, envelope(statement(pushed.repository(),
                pushed.digest()), other));
        JsonNode both = Json.read(get(open, "/v2/nodes/debian/manifests/sha256-" + hex, OciJson.INDEX).body(), "index");
        assertThat(both.get("manifests")).extracting(n -> n.get("digest").asText())
                .containsExactly(attached.artifact(), second.artifact());

        // Checked knowing only the digest and a public key: each signer's key finds its own envelope.
        CertificateCheck.Claims claims = RegistryCertificate.trusted(pushed.byDigest(), anonymous(),
                VerificationKey.of(signer), l -> { });
        assertThat(claims.subjectDigest()).isEqualTo(hex);
        assertThat(claims.digest()).isEqualTo(imageId.substring(7));
        assertThat(RegistryCertificate.trusted(pushed.byDigest(), anonymous(), VerificationKey.of(other), l -> { })
                .subjectDigest()).isEqualTo(hex);
        System.out.printf("[registry push] %s pushed in %d ms (%d layers), manifest %s, artifact %s%n", IMAGE, pushMs,
                m.get("layers").size(), pushed.digest(), attached.artifact());
    }

    @Test
    void aWrongKeyAnEditedEnvelopeAndAnotherDigestEachFailWithTheirReason() throws Exception {
        PushRecord unknown = push(open.host() + "/nodes/unknown-key", anonymous(), new ArrayList<>());
        Attachment.attach(RegistryWriter.open(unknown.repository(), anonymous()), unknown,
                envelope(statement(unknown.repository(), unknown.digest()), other));
        assertThatThrownBy(() -> RegistryCertificate.trusted(unknown.byDigest(), anonymous(), VerificationKey.of(signer), l -> { }))
                .isInstanceOf(ViolationException.class).hasMessageContaining("none is signed by the key given")
                .hasMessageContaining("an unknown key").satisfies(RegistryPushTest::print);

        PushRecord edited = push(open.host() + "/nodes/edited", anonymous(), new ArrayList<>());
        String good = statement(edited.repository(), edited.digest());
        JsonNode signed = Json.read(envelope(good, signer), "envelope");
        String tampered = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"" + Base64.getEncoder().encodeToString(
                good.replace(IMAGE, "nodeimage/other:1").getBytes(StandardCharsets.UTF_8)) + "\",\"signatures\":["
                + signed.at("/signatures/0").toString() + "]}";
        Attachment.attach(RegistryWriter.open(edited.repository(), anonymous()), edited, tampered.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> RegistryCertificate.trusted(edited.byDigest(), anonymous(), VerificationKey.of(signer), l -> { }))
                .isInstanceOf(ViolationException.class).hasMessageContaining("edited after signing")
                .hasMessageNotContaining("an unknown key").satisfies(RegistryPushTest::print);

        PushRecord elsewhere = push(open.host() + "/nodes/other-digest", anonymous(), new ArrayList<>());
        String otherDigest = "sha256:" + "0f".repeat(32);
        Attachment.attach(RegistryWriter.open(elsewhere.repository(), anonymous()), elsewhere,
                envelope(statement(elsewhere.repository(), otherDigest), signer));
        assertThatThrownBy(() -> RegistryCertificate.trusted(elsewhere.byDigest(), anonymous(), VerificationKey.of(signer), l -> { }))
                .isInstanceOf(ViolationException.class).hasMessageContaining("an envelope for another digest")
                .hasMessageContaining("certifies " + otherDigest).satisfies(RegistryPushTest::print);

        PushRecord none = push(open.host() + "/nodes/nothing-attached", anonymous(), new ArrayList<>());
        assertThatThrownBy(() -> RegistryCertificate.trusted(none.byDigest(), anonymous(), VerificationKey.of(signer), l -> { }))
                .isInstanceOf(ViolationException.class).hasMessageContaining("no signed certificate is attached");
    }

    @Test
    void aRegistryWithTlsAndALoginTakesTheCaFileAndTheLoginAndRefusesOtherwise() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", tls.resolve("ca.key").toString(), "-out", tls.resolve("ca.pem").toString(), "-days", "2",
                "-subj", "/CN=nodeimage-it CA"));
        run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", tls.resolve("server.key").toString(), "-out", tls.resolve("server.csr").toString(),
                "-subj", "/CN=127.0.0.1"));
        Files.writeString(tls.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        run(List.of("openssl", "x509", "-req", "-in", tls.resolve("server.csr").toString(), "-CA", tls.resolve("ca.pem").toString(),
                "-CAkey", tls.resolve("ca.key").toString(), "-CAcreateserial", "-out", tls.resolve("server.pem").toString(),
                "-days", "2", "-extfile", tls.resolve("san.cnf").toString()));
        Path htpasswd = tls.resolve("htpasswd");
        Files.writeString(htpasswd, "ci:" + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y",
                "s3cret".toCharArray(), new byte[16], 5) + "\n");
        LocalRegistry closed = LocalRegistry.start(dir.resolve("closed"), htpasswd,
                new Path[] {tls.resolve("server.pem"), tls.resolve("server.key")}, false);
        registries.add(closed);
        Path ca = tls.resolve("ca.pem");
        RegistryCredentials login = RegistryCredentials.of(Map.of(closed.host(), new RegistryCredentials.Login("ci", "s3cret")));

        PushRecord pushed = push(closed.host() + "/nodes/debian", new RegistryWriter.Connection(login, ca, false), new ArrayList<>());
        HttpClient tlsHttp = HttpClient.newBuilder().sslContext(trusting(ca)).build();
        HttpResponse<byte[]> manifest = tlsHttp.send(HttpRequest.newBuilder(URI.create("https://" + closed.host()
                        + "/v2/nodes/debian/manifests/it")).header("Accept", OciJson.MANIFEST)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat("sha256:" + sha256(manifest.body())).isEqualTo(pushed.digest());

        // Attached and checked there too: the attachments and the image read with the CA file and the login.
        Attachment.attach(RegistryWriter.open(pushed.repository(), new RegistryWriter.Connection(login, ca, false)), pushed,
                envelope(statement(pushed.repository(), pushed.digest()), signer));
        assertThat(RegistryCertificate.trusted(pushed.byDigest(), new RegistryWriter.Connection(login, ca, false),
                VerificationKey.of(signer), l -> { }).subjectDigest()).isEqualTo(pushed.digest().substring(7));
        assertThat(io.nodeimage.inspect.InspectService.imageId("docker://" + pushed.byDigest(),
                new Registry.Options(Platform.host(), Set.of(), login, ca))).isEqualTo(imageId);
        assertThatThrownBy(() -> io.nodeimage.inspect.InspectService.imageId("docker://" + pushed.byDigest(),
                new Registry.Options(Platform.host(), Set.of(), login))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TLS with registry " + closed.host() + " failed");

        RegistryCredentials wrong = RegistryCredentials.of(Map.of(closed.host(), new RegistryCredentials.Login("ci", "wrong")));
        assertThatThrownBy(() -> push(closed.host() + "/nodes/debian", new RegistryWriter.Connection(wrong, ca, false),
                new ArrayList<>())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("refused").hasMessageContaining("(401) with the login given")
                .hasMessageNotContaining("wrong").hasNoCause().satisfies(RegistryPushTest::print);
        assertThatThrownBy(() -> push(closed.host() + "/nodes/debian", new RegistryWriter.Connection(RegistryCredentials.NONE,
                ca, false), new ArrayList<>())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("it needs a login (a settings.xml <server> whose id is " + closed.host()).hasNoCause();
        assertThatThrownBy(() -> push(closed.host() + "/nodes/debian", new RegistryWriter.Connection(login, null, false),
                new ArrayList<>())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TLS with registry " + closed.host() + " failed")
                .hasMessageContaining("the CA file given").hasNoCause().satisfies(RegistryPushTest::print);
    }

    @Test
    void aReadOnlyRegistryRefusesThePushWithAHint() throws Exception {
        LocalRegistry readOnly = LocalRegistry.start(dir.resolve("read-only"), null, null, true);
        registries.add(readOnly);
        assertThatThrownBy(() -> push(readOnly.host() + "/nodes/debian", anonymous(), new ArrayList<>()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("push of " + IMAGE + " to " + readOnly.host() + "/nodes/debian:it failed")
                .hasMessageContaining("does not accept writes").hasNoCause().satisfies(RegistryPushTest::print)
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("nothing was recorded"));
    }

    @Test
    void aRegistryThatGoesAwayMidPushIsOneErrorWithAHint() throws Exception {
        LocalRegistry behind = LocalRegistry.start(dir.resolve("behind"), null, null, false);
        registries.add(behind);
        // Forwards to the real registry, then, after 4 MiB of the upload, closes every connection and stops listening.
        try (CutOff proxy = new CutOff(behind.port, 4L << 20)) {
            assertThatThrownBy(() -> push("127.0.0.1:" + proxy.port() + "/nodes/debian", anonymous(), new ArrayList<>()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("stopped answering")
                    .hasMessageContaining("push again").hasNoCause().satisfies(RegistryPushTest::print);
        }
    }

    /** A TCP relay that cuts everything after {@code limit} bytes from the client, as a registry that dies would. */
    static final class CutOff implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicLong sent = new AtomicLong();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        CutOff(int target, long limit) throws Exception {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        sockets.add(client);
                        sockets.add(upstream);
                        pump(client.getInputStream(), upstream.getOutputStream(), limit);
                        pump(upstream.getInputStream(), client.getOutputStream(), Long.MAX_VALUE);
                    }
                } catch (Exception e) {
                    // Closed.
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void pump(InputStream in, OutputStream out, long limit) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        if (limit != Long.MAX_VALUE && sent.addAndGet(n) > limit) {
                            close();
                            return;
                        }
                    }
                } catch (Exception e) {
                    close();
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (Exception e) {
                // Closed already.
            }
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (Exception e) {
                    // Closed already.
                }
            }
        }
    }

    static void print(Throwable e) {
        System.out.println("[registry push] " + e.getMessage().replace(System.lineSeparator(), " / ")
                + (e instanceof io.nodeimage.NodeimageException n ? " | hint: " + n.hint() : ""));
    }

    static HttpResponse<byte[]> get(LocalRegistry r, String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + r.host() + path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    }
}
