package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A root file system read as an image: links stay inside the root, walks come in one order, headers as tar's. */
class DirectoryFilesTest {

    @TempDir
    Path dir;

    private Path root() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("usr/lib/modules/6.8.0/kernel"));
        Files.writeString(root.resolve("usr/lib/modules/6.8.0/kernel/b.ko"), "bb");
        Files.writeString(root.resolve("usr/lib/modules/6.8.0/kernel/a.ko"), "a");
        // Merged /usr with an absolute link: it means the root's /usr/lib, not this machine's.
        Files.createSymbolicLink(root.resolve("lib"), Path.of("/usr/lib"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\n");
        Files.setPosixFilePermissions(root.resolve("etc/os-release"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(root.resolve("etc/os-link"), Path.of("../../etc/os-release"));
        // Out of the root: a link climbing past it lands on the root's own path, which does not exist.
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/secret"), "not the node's");
        Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../outside"));
        return root;
    }

    @Test
    void walksThroughLinksInTheParentsInSortedOrder() throws Exception {
        try (DirectoryFiles files = new DirectoryFiles(root(), "amd64")) {
            List<String> seen = new ArrayList<>();
            assertThat(files.walk("/lib/modules", (p, e, in) -> seen.add(p + (e.isDirectory() ? "/" : " " + e.getSize()
                    + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8))))).isTrue();
            assertThat(seen).containsExactly("/lib/modules/", "/lib/modules/6.8.0/", "/lib/modules/6.8.0/kernel/",
                    "/lib/modules/6.8.0/kernel/a.ko 1 a", "/lib/modules/6.8.0/kernel/b.ko 2 bb");
        }
    }

    @Test
    void linksResolveInsideTheRootAndHeadersAreTheFilesOwn() throws Exception {
        Path root = root();
        try (DirectoryFiles files = new DirectoryFiles(root, "arm64")) {
            assertThat(files.read("/etc/os-link", 1024)).hasValueSatisfying(b ->
                    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("ID=debian\n"));
            assertThat(files.stat("/etc/os-link")).hasValueSatisfying(e -> {
                assertThat(e.isSymbolicLink()).isTrue();
                assertThat(e.getLinkName()).isEqualTo("../../etc/os-release");
            });
            int uid = (Integer) Files.getAttribute(root.resolve("etc/os-release"), "unix:uid");
            assertThat(files.stat("/etc/os-release")).hasValueSatisfying(e -> {
                assertThat(e.getMode()).isEqualTo(0640);
                assertThat(e.getLongUserId()).isEqualTo(uid);
            });
            assertThat(files.walk("/etc/up/secret", (p, e, in) -> { })).isFalse();
            assertThat(files.read("/etc/up/secret", 1024)).isEmpty();
            assertThat(files.walk("/nowhere", (p, e, in) -> { })).isFalse();
            assertThat(files.architecture()).isEqualTo("arm64");
            assertThat(files.unreadable()).isEmpty();
        }
    }

    @Test
    void aLinkLoopInTheParentsReadsAsAbsentAndIsNamed() throws Exception {
        Path root = root();
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        try (DirectoryFiles files = new DirectoryFiles(root, "amd64")) {
            assertThat(files.walk("/loop/x", (p, e, in) -> { })).isFalse();
            assertThat(files.unreadable()).containsExactly("/loop/x");
        }
    }
}
