package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.support.TestCa;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's case end to end: an apt repository served over https with a certificate only the
 * site CA vouches for. With the CA under trust.certificates the Debian image builds (curl fetches the
 * key and apt updates from the repository); without it the same build fails at the repositories phase.
 */
@ExtendWith(DockerRequired.class)
class SiteMirrorImageTest {

    private static final String TAG = "nodeimage-it/debian-12-site-mirror:test";
    private static final String UNTRUSTED_TAG = "nodeimage-it/debian-12-site-mirror-untrusted:test";
    private static final TestCa SITE = TestCa.create("nodeimage test mirror root");

    @TempDir
    static Path work;

    private static HttpsServer server;
    /** Paths the repository served, in order: a request appears here only once TLS was accepted. */
    private static final List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static String fingerprint;

    @BeforeAll
    static void serveASignedRepository() throws Exception {
        Path repo = Files.createDirectories(work.resolve("repo"));
        signedFlatRepository(repo);
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
        server.createContext("/repo/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/repo/".length());
            served.add(name);
            Path file = repo.resolve(name).normalize();
            if (name.isEmpty() || !file.startsWith(repo) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void cleanUp() {
        if (server != null) {
            server.stop(0);
        }
        LocalImages.remove(List.of(), TAG, UNTRUSTED_TAG);
    }

    /** A flat repository with no packages, its InRelease signed by a key made here; the key beside it. */
    private static void signedFlatRepository(Path repo) throws Exception {
        Path gnupg = Files.createTempDirectory(Path.of("/tmp"), "gpg");
        try {
            String[] gpg = {"gpg", "--homedir", gnupg.toString(), "--batch", "--pinentry-mode", "loopback",
                    "--passphrase", ""};
            LocalImages.run(repo, concat(gpg, "--quick-gen-key", "nodeimage test repository", "rsa3072", "sign", "never"));
            LocalImages.run(repo, concat(gpg, "--armor", "--output", "key.asc", "--export"));
            // The repository key's fingerprint, as a site pins it in its profile.
            fingerprint = LocalImages.run(repo, concat(gpg, "--with-colons", "--list-keys")).lines()
                    .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            Files.writeString(repo.resolve("Packages"), "");
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
            Files.writeString(repo.resolve("Release"), "Origin: nodeimage-test\nLabel: nodeimage-test\nDate: "
                    + DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1))
                    + "\nSHA256:\n " + sha256 + " 0 Packages\n", StandardCharsets.UTF_8);
            LocalImages.run(repo, concat(gpg, "--output", "InRelease", "--clearsign", "Release"));
        } finally {
            LocalImages.run(work, "gpgconf", "--homedir", gnupg.toString(), "--kill", "all");
            LocalImages.run(work, "rm", "-rf", gnupg.toString());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Path render(String name, boolean trusted) throws Exception {
        return render(name, trusted, fingerprint);
    }

    private static Path render(String name, boolean trusted, String pin) throws Exception {
        Path profiles = Files.createDirectories(work.resolve("profiles-" + name));
        String base = "https://localhost:" + server.getAddress().getPort() + "/repo";
        String trust = "";
        if (trusted) {
            trust = "trust:\n  certificates:\n    - name: mirror-root\n      pem: |\n"
                    + SITE.pem().lines().map(l -> "        " + l).reduce("", (x, y) -> x + y + "\n");
        }
        Files.writeString(profiles.resolve(name + ".yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: %s
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "nodeimage/debian:12"}
                repositories:
                  - {name: site, url: "%s", key: "%s/key.asc", fingerprint: %s}
                outputs: [containerfile]
                """.formatted(name, base, base, pin) + trust);
        var resolved = new ProfileResolver(ProfileSources.withBundledCatalog(profiles, work)).resolveAll(List.of(name));
        Path out = work.resolve("out-" + name);
        new RenderService(Map.of(), false).render(resolved, out);
        return out.resolve(name);
    }

    @Test
    void aRepositoryBehindTheSiteCaIsUsableOnceTheCaIsTrusted() throws Exception {
        served.clear();
        LocalImages.build(render("site-mirror", true), TAG);
        assertThat(served).as("curl fetched the key, apt the signed index").contains("key.asc", "InRelease");
        var image = LocalImages.start(TAG);
        try {
            assertThat(image.execInContainer("cat", "/etc/apt/sources.list.d/site.list").getStdout())
                    .startsWith("# Written by nodeimage\ndeb [signed-by=/etc/apt/keyrings/site.gpg] https://localhost:");
        } finally {
            image.stop();
        }
    }

    @Test
    void aKeyWithAnotherFingerprintThanThePinnedOneFailsTheBuildNamingBoth() throws Exception {
        served.clear();
        String wrong = "0123456789ABCDEF0123456789ABCDEF01234567";
        Path context = render("site-mirror-wrong-key", true, wrong);
        assertThatThrownBy(() -> LocalImages.build(context, UNTRUSTED_TAG))
                .hasMessageContaining("is not the pinned one: expected " + wrong + ", found " + fingerprint);
        assertThat(served).as("the key was fetched, the index never").contains("key.asc").doesNotContain("InRelease");
    }

    @Test
    void withoutTheCaTheSameRepositoryFailsTheBuild() throws Exception {
        served.clear();
        Path context = render("site-mirror-untrusted", false);
        assertThatThrownBy(() -> LocalImages.build(context, UNTRUSTED_TAG)).hasMessageContaining("provision.sh")
                .hasMessageContaining("trust repositories packages");
        assertThat(served).as("the TLS handshake failed, so no request reached the repository").isEmpty();
    }
}
