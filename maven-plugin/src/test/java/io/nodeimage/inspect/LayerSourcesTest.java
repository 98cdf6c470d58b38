package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.layers.ImageLayers;
import io.nodeimage.layers.LayerException;
import io.nodeimage.layers.OciLayout;
import io.nodeimage.layers.Platform;
import io.nodeimage.support.OciImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Facts of an image read from its layers, from an OCI layout and a docker save archive: no engine. */
class LayerSourcesTest {

    @TempDir
    Path dir;

    private static byte[] tar(Object[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Object[] e : entries) {
                String name = (String) e[0];
                boolean link = e.length > 4 && "link".equals(e[4]);
                TarArchiveEntry entry = new TarArchiveEntry(name, link ? TarArchiveEntry.LF_SYMLINK
                        : name.endsWith("/") ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
                entry.setMode((int) e[1]);
                entry.setUserId((int) e[2]);
                entry.setGroupId((int) e[3]);
                byte[] content = new byte[0];
                if (link) {
                    entry.setLinkName((String) e[5]);
                } else if (e.length > 4) {
                    content = ((String) e[4]).getBytes(StandardCharsets.UTF_8);
                }
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static Object[] e(Object... fields) {
        return fields;
    }

    /** A small Debian-like image: os-release through a link, owners, a whiteout and an opaque directory above. */
    static List<byte[]> layers() throws IOException {
        byte[] base = tar(e("etc/", 0755, 0, 0), e("usr/", 0755, 0, 0), e("usr/lib/", 0755, 0, 0),
                e("usr/lib/os-release", 0644, 0, 0, "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n"),
                e("etc/os-release", 0777, 0, 0, "link", "../usr/lib/os-release"),
                e("etc/passwd", 0644, 0, 0, "root:x:0:0:root:/root:/bin/bash\n"),
                e("etc/group", 0644, 0, 0, "root:x:0:\nshadow:x:42:\n"),
                e("etc/shadow", 0640, 0, 42, "root:*:19000:0:99999:7:::\n"),
                e("etc/modprobe.d/", 0755, 0, 0), e("etc/modprobe.d/old.conf", 0644, 0, 0, "blacklist floppy\n"),
                e("etc/sysctl.d/", 0755, 0, 0), e("etc/sysctl.d/10-base.conf", 0644, 0, 0, "kernel.kptr_restrict = 1\n"),
                e("var/lib/dpkg/status", 0644, 0, 0, "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2\n"
                        + "Architecture: amd64\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: amd64\n"),
                e("usr/lib/firmware/", 0755, 0, 0), e("usr/lib/firmware/old.bin", 0644, 0, 0, "x"));
        byte[] upper = tar(e("etc/modprobe.d/.wh.old.conf", 0644, 0, 0, ""),
                e("etc/modprobe.d/site.conf", 0640, 0, 0, "install usb_storage /bin/false\n"),
                e("etc/sysctl.d/99-site.conf", 0644, 0, 0, "kernel.kptr_restrict = 2\n"),
                e("usr/lib/firmware/.wh..wh..opq", 0644, 0, 0, ""), e("usr/lib/firmware/new.bin", 0644, 0, 0, "y"),
                e("etc/systemd/system/multi-user.target.wants/", 0755, 0, 0),
                e("etc/systemd/system/multi-user.target.wants/site.service", 0777, 0, 0, "link", "/usr/lib/systemd/system/site.service"));
        return List.of(base, upper);
    }

    private static String json(Facts f, String image) {
        return FactsJson.write(f).replace("\"" + image + "\"", "\"<image>\"");
    }

    @Test
    void anOciLayoutAndADockerSaveArchiveGiveTheSameFacts() throws IOException {
        List<byte[]> layers = layers();
        byte[] config = OciImages.config("amd64", layers);
        Path layout = Files.createDirectories(dir.resolve("layout"));
        OciImages.writeLayout(layout, layers, config, "1.0");
        Path archive = dir.resolve("image.tar");
        OciImages.dockerArchive(archive, layers, config, "example/node:1.0");

        String fromLayout = "oci:" + layout + ":1.0";
        String fromArchive = "docker-archive:" + archive + ":example/node:1.0";
        Facts a = InspectService.facts(fromLayout, Set.of("/usr/lib/firmware/new.bin"));
        Facts b = InspectService.facts(fromArchive, Set.of("/usr/lib/firmware/new.bin"));
        assertThat(json(b, fromArchive)).isEqualTo(json(a, fromLayout));

        assertThat(a.imageId()).isEqualTo(OciImages.sha256(config));
        assertThat(a.architecture()).isEqualTo("amd64");
        assertThat(a.osRelease()).containsEntry("ID", "debian").containsEntry("VERSION_ID", "12");
        assertThat(a.files()).filteredOn(f -> f.path().equals("/etc/shadow")).singleElement()
                .satisfies(f -> assertThat(f.owner() + ":" + f.group() + " " + f.mode()).isEqualTo("root:shadow 0640"));
        // The whiteout removed old.conf; the opaque firmware folder hides old.bin.
        assertThat(a.files()).extracting(Facts.FileEntry::path).contains("/etc/modprobe.d/site.conf", "/usr/lib/firmware/new.bin")
                .doesNotContain("/etc/modprobe.d/old.conf");
        assertThat(a.firmware()).containsExactly("/usr/lib/firmware/new.bin");
        assertThat(a.modprobeFiles()).extracting(Object::toString).noneMatch(s -> s.contains("floppy"));
        assertThat(a.sysctl().get("kernel.kptr_restrict").value()).isEqualTo("2");
        assertThat(a.packages()).extracting(p -> p.name() + " " + p.version()).containsExactly("bash 5.2.15-2");
        assertThat(a.enabledUnits()).containsExactly("site.service");
    }

    @Test
    void anIndexResolvesToThePlatformAskedFor() throws IOException {
        List<byte[]> layers = layers();
        Path layout = Files.createDirectories(dir.resolve("multi"));
        byte[] amd = OciImages.config("amd64", layers);
        byte[] arm = OciImages.config("arm64", layers);
        String amdManifest = OciImages.writeLayout(layout, layers, amd, "amd");
        String armManifest = OciImages.writeLayout(layout, layers, arm, "arm");
        byte[] index = OciImages.json(Map.of("schemaVersion", 2, "mediaType", "application/vnd.oci.image.index.v1+json",
                "manifests", List.of(
                        Map.of("mediaType", "application/vnd.oci.image.manifest.v1+json", "digest", amdManifest, "size", 1,
                                "platform", Map.of("os", "linux", "architecture", "amd64")),
                        Map.of("mediaType", "application/vnd.oci.image.manifest.v1+json", "digest", armManifest, "size", 1,
                                "platform", Map.of("os", "linux", "architecture", "arm64", "variant", "v8")))));
        String indexDigest = OciImages.writeBlob(layout, index);
        Files.write(layout.resolve("index.json"), OciImages.json(Map.of("schemaVersion", 2, "manifests", List.of(
                Map.of("mediaType", "application/vnd.oci.image.index.v1+json", "digest", indexDigest, "size", index.length,
                        "annotations", Map.of("org.opencontainers.image.ref.name", "multi")),
                Map.of("mediaType", "application/vnd.oci.image.manifest.v1+json", "digest", amdManifest, "size", 1,
                        "annotations", Map.of("org.opencontainers.image.ref.name", "amd"))))));
        ImageLayers onArm = OciLayout.open(layout, "multi", Platform.ofArch("aarch64"), "oci:multi");
        assertThat(onArm.imageId()).isEqualTo(OciImages.sha256(arm));
        assertThat(onArm.architecture()).isEqualTo("arm64");
        assertThat(OciLayout.open(layout, "multi", Platform.ofArch("x86_64"), "oci:multi").imageId()).isEqualTo(OciImages.sha256(amd));
        assertThatThrownBy(() -> OciLayout.open(layout, "multi", Platform.ofArch("riscv64"), "oci:multi"))
                .isInstanceOf(LayerException.class).hasMessageContaining("has no image for linux/riscv64; it has linux/amd64, linux/arm64/v8");
        assertThatThrownBy(() -> OciLayout.open(layout, null, Platform.host(), "oci:multi"))
                .isInstanceOf(LayerException.class).hasMessageContaining("2 images in its index.json (it names multi, amd)").hasMessageContaining("oci:<dir>:<name>");
    }

    @Test
    void aLayerTamperedWithInTheLayoutStopsInspectNamingIt() throws IOException {
        List<byte[]> layers = layers();
        byte[] config = OciImages.config("amd64", layers);
        Path layout = Files.createDirectories(dir.resolve("tampered"));
        OciImages.writeLayout(layout, layers, config, "1.0");
        String upper = OciImages.sha256(OciImages.gzip(layers.get(1)));
        Path blob = layout.resolve("blobs/sha256").resolve(upper.substring(7));
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1;
        Files.write(blob, bytes);
        assertThatThrownBy(() -> InspectService.facts("oci:" + layout))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("layer 2 of 2 (" + upper + ")");
        assertThatThrownBy(() -> InspectService.facts("oci:" + dir.resolve("nothing")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not an OCI image layout");
    }
}
