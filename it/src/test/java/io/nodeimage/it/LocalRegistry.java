package io.nodeimage.it;

import io.nodeimage.support.Ci;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a throwaway configuration and storage:
 * open, behind basic auth (a bcrypt htpasswd), with TLS (a certificate made by the test), or read-only.
 */
final class LocalRegistry implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";

    final int port;
    final Path root;
    private final Process process;

    private LocalRegistry(int port, Path root, Process process) {
        this.port = port;
        this.root = root;
        this.process = process;
    }

    /** Fails in CI, skips elsewhere, when the registry is not installed. */
    static void required() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            Ci.missing("CI is set but " + BINARY + " is missing; .ci/run installs docker-registry",
                    BINARY + " is missing (apt-get install docker-registry); skipped here, but a failure when CI is set");
        }
    }

    /**
     * @param htpasswd a bcrypt htpasswd file for basic auth; null for none
     * @param tls the certificate and key files (PEM) to serve TLS with; null for plain HTTP
     */
    static LocalRegistry start(Path root, Path htpasswd, Path[] tls, boolean readOnly) throws Exception {
        Files.createDirectories(root);
        int port = freePort();
        StringBuilder config = new StringBuilder("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ")
                .append(root.resolve("data")).append('\n');
        if (readOnly) {
            config.append("  maintenance:\n    readonly:\n      enabled: true\n");
        }
        config.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (tls != null) {
            config.append("  tls:\n    certificate: ").append(tls[0]).append("\n    key: ").append(tls[1]).append('\n');
        }
        if (htpasswd != null) {
            config.append("auth:\n  htpasswd:\n    realm: nodeimage-it\n    path: ").append(htpasswd).append('\n');
        }
        Path file = root.resolve("config.yml");
        Files.writeString(file, config);
        Process p = new ProcessBuilder(BINARY, "serve", file.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new LocalRegistry(port, root, p);
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroy();
        throw new IllegalStateException("the registry did not listen on " + port + ": " + Files.readString(root.resolve("registry.log")));
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
