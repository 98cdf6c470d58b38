package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.TestCa;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A site CA made by the test, given in a profile's trust.certificates, built into a Debian image from
 * the local minbase (which has no ca-certificates): the image's trust store holds it, openssl accepts
 * a leaf it signed and refuses one signed by a CA the profile never named, a TLS client in the image
 * connects to a server the CA vouches for with its default store, and the phase is idempotent.
 */
@ExtendWith(DockerRequired.class)
class SiteCaImageTest {

    private static final String TAG = "nodeimage-it/debian-12-site-ca:test";
    private static final TestCa SITE = TestCa.create("nodeimage test site root");
    private static final TestCa STRANGER = TestCa.create("nodeimage test stranger");

    @TempDir
    static Path work;

    private static GenericContainer<?> image;

    @BeforeAll
    static void renderAndBuild() throws Exception {
        Path profiles = Files.createDirectories(work.resolve("profiles"));
        String pem = SITE.pem().lines().map(l -> "        " + l).reduce("", (a, b) -> a + b + "\n");
        Files.writeString(profiles.resolve("debian-12-site-ca.yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: debian-12-site-ca
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "nodeimage/debian:12"}
                trust:
                  certificates:
                    - name: site-root
                      pem: |
                """ + pem + "outputs: [containerfile]\n");
        var resolved = new ProfileResolver(ProfileSources.withBundledCatalog(profiles, work))
                .resolveAll(List.of("debian-12-site-ca"));
        Path out = work.resolve("out");
        new RenderService(Map.of(), false).render(resolved, out);
        LocalImages.build(out.resolve("debian-12-site-ca"), TAG);
        image = new GenericContainer<>(DockerImageName.parse(TAG))
                .withNetworkMode("none")
                .withCopyToContainer(Transferable.of(TestCa.pem(SITE.sign("node.site.test"))), "/tmp/leaf.pem")
                .withCopyToContainer(Transferable.of(TestCa.pem(STRANGER.sign("node.site.test"))), "/tmp/stranger.pem")
                .withCommand("sleep", "600");
        image.start();
    }

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(java.util.Arrays.asList(image), TAG);
    }

    @Test
    void theCaIsInTheSystemBundle() throws Exception {
        Container.ExecResult bundle = image.execInContainer("cat", "/etc/ssl/certs/ca-certificates.crt");
        assertThat(bundle.getExitCode()).as(bundle.getStderr()).isZero();
        assertThat(bundle.getStdout()).contains(SITE.pem().strip());
        Container.ExecResult file = image.execInContainer("stat", "-c", "%a %U",
                "/usr/local/share/ca-certificates/site-root.crt");
        assertThat(file.getStdout()).isEqualTo("644 root\n");
    }

    @Test
    void opensslAcceptsALeafTheCaSignedAndRefusesAStrangersLeaf() throws Exception {
        Container.ExecResult signed = image.execInContainer("openssl", "verify", "-CAfile",
                "/etc/ssl/certs/ca-certificates.crt", "/tmp/leaf.pem");
        assertThat(signed.getExitCode()).as(signed.getStdout() + signed.getStderr()).isZero();
        assertThat(signed.getStdout()).isEqualTo("/tmp/leaf.pem: OK\n");
        // By the hashed directory too, as TLS clients that use CApath look it up.
        Container.ExecResult byPath = image.execInContainer("openssl", "verify", "-CApath", "/etc/ssl/certs",
                "/tmp/leaf.pem");
        assertThat(byPath.getExitCode()).as(byPath.getStdout() + byPath.getStderr()).isZero();
        Container.ExecResult stranger = image.execInContainer("openssl", "verify", "-CAfile",
                "/etc/ssl/certs/ca-certificates.crt", "/tmp/stranger.pem");
        assertThat(stranger.getExitCode()).isNotZero();
    }

    @Test
    void aTlsClientInTheImageTrustsAServerTheCaSigned() throws Exception {
        TestCa.Leaf leaf = SITE.issue("localhost");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("leaf", leaf.keys().getPrivate(), password,
                new java.security.cert.Certificate[] {leaf.certificate(), SITE.certificate()});
        var keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        var tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        var server = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        // The host's loopback, as a mirror on the site network would be: the engine has no bridge.
        GenericContainer<?> client = new GenericContainer<>(DockerImageName.parse(TAG)).withNetworkMode("host")
                .withCommand("sleep", "600");
        try {
            client.start();
            String connect = "127.0.0.1:" + server.getAddress().getPort();
            Container.ExecResult result = client.execInContainer("sh", "-c", "openssl s_client -connect " + connect
                    + " -servername localhost -verify_hostname localhost -verify_return_error </dev/null 2>&1");
            assertThat(result.getStdout()).as(result.getStdout()).contains("Verify return code: 0 (ok)");
            assertThat(result.getExitCode()).as(result.getStdout()).isZero();
        } finally {
            client.stop();
            server.stop(0);
        }
    }

    @Test
    void theTrustPhaseRunsAgainWithoutChangingTheStore() throws Exception {
        String files = "/usr/local/share/ca-certificates/site-root.crt /etc/ssl/certs/ca-certificates.crt";
        String before = asRoot("sha256sum " + files);
        assertThat(asRoot("bash /usr/local/libexec/nodeimage/provision.sh trust >/dev/null && echo TRUSTED"))
                .isEqualTo("TRUSTED\n");
        assertThat(asRoot("sha256sum " + files)).isEqualTo(before);
    }

    private static String asRoot(String script) throws Exception {
        return LocalImages.execAsRoot(image, "sh", "-c", script);
    }
}
