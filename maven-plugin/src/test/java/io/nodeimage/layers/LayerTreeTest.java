package io.nodeimage.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

/** Layers applied as a container runtime applies them, from tars made in memory: no engine. */
class LayerTreeTest {

    private static final LayerTree.Wanted ETC_AND_MODULES = new LayerTree.Wanted(Set.of("/etc", "/usr/lib/modules"));
    private final AtomicInteger opens = new AtomicInteger();

    /** Layers stored as given (tar, gzip or zstd), with the digests a manifest and configuration would name. */
    private ImageLayers image(byte[]... stored) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < stored.length; i++) {
            byte[] bytes = stored[i];
            byte[] tar = expand(bytes);
            layers.add(new Layer(i, stored.length, Digest.sha256(bytes), Digest.sha256(tar), bytes.length, () -> {
                opens.incrementAndGet();
                return new ByteArrayInputStream(bytes);
            }));
        }
        return new ImageLayers("test image", "sha256:" + "0".repeat(64), "linux", "amd64", layers);
    }

    private static byte[] expand(byte[] stored) {
        try {
            if ((stored[0] & 0xff) == 0x1f) {
                return new java.util.zip.GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes();
            }
            if ((stored[0] & 0xff) == 0x28) {
                return new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(stored)).readAllBytes();
            }
            return stored;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Path to "type mode uid:gid [-> link] [content]" for everything at and below {@code path}. */
    private static Map<String, String> walk(LayerTree tree, String path) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        new TreeWalk(tree).walk(path, (p, e, in) -> {
            String type = e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : e.isLink() ? "h" : e.isFile() ? "f" : "?";
            String text = type + " " + String.format("%04o", e.getMode()) + " " + e.getLongUserId() + ":" + e.getLongGroupId();
            if (e.isSymbolicLink() || e.isLink()) {
                text += " -> " + e.getLinkName();
            } else if (e.isFile()) {
                text += " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            out.put(p, text);
        });
        return out;
    }

    @Test
    void whiteoutsRemoveAndOpaqueDirectoriesHideWhatLowerLayersHad() throws IOException {
        byte[] base = Tars.tar().dir("etc", 0755).file("etc/shadow", 0640, 0, 42, "root:*:1::::::\n")
                .file("etc/removed.conf", "old").dir("etc/modprobe.d", 0755).file("etc/modprobe.d/a.conf", "a")
                .file("etc/modprobe.d/b.conf", "b").dir("etc/keep", 0700).file("etc/keep/x", "x").bytes();
        // Upper layer: removes one file, makes modprobe.d opaque but adds c.conf in the same layer, before
        // the marker; re-declares etc/keep with other attributes (its lower content stays).
        byte[] upper = Tars.tar().whiteout("etc/removed.conf").dir("etc/modprobe.d", 0750)
                .file("etc/modprobe.d/c.conf", "c").opaque("etc/modprobe.d").dir("etc/keep", 0755).bytes();
        try (LayerTree tree = LayerTree.read(image(Tars.gzip(base), Tars.zstd(upper)), ETC_AND_MODULES,
                LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/etc")).containsExactly(
                    Map.entry("/etc", "d 0755 0:0"),
                    Map.entry("/etc/keep", "d 0755 0:0"),
                    Map.entry("/etc/keep/x", "f 0644 0:0 x"),
                    Map.entry("/etc/modprobe.d", "d 0750 0:0"),
                    Map.entry("/etc/modprobe.d/c.conf", "f 0644 0:0 c"),
                    Map.entry("/etc/shadow", "f 0640 0:42 root:*:1::::::\n"));
        }
        assertThat(opens).hasValue(2);
    }

    @Test
    void aWhiteoutOfADirectoryRemovesItsTreeAndAFileReplacesADirectory() throws IOException {
        byte[] base = Tars.tar().file("opt/a/one", "1").file("opt/b/two", "2").file("opt/c", "3").bytes();
        byte[] upper = Tars.tar().whiteout("opt/a").file("opt/b", "now a file").dir("opt/c", 0700)
                .file("opt/c/inside", "i").bytes();
        try (LayerTree tree = LayerTree.read(image(base, upper), new LayerTree.Wanted(Set.of("/opt")), LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/opt")).containsExactly(
                    Map.entry("/opt", "d 0755 0:0"),
                    Map.entry("/opt/b", "f 0644 0:0 now a file"),
                    Map.entry("/opt/c", "d 0700 0:0"),
                    Map.entry("/opt/c/inside", "f 0644 0:0 i"));
            assertThat(new TreeWalk(tree).walk("/opt/a", (p, e, in) -> { })).isFalse();
        }
    }

    @Test
    void hardLinksAreTheSameFileAndComeAsTheEngineSendsThem() throws IOException {
        byte[] base = Tars.tar().file("etc/a", 0600, 7, 8, "same bytes").hardlink("etc/z", "etc/a").bytes();
        byte[] upper = Tars.tar().hardlink("etc/m", "etc/a").bytes();
        try (LayerTree tree = LayerTree.read(image(base, upper), ETC_AND_MODULES, LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/etc")).containsExactly(
                    Map.entry("/etc", "d 0755 0:0"),
                    Map.entry("/etc/a", "f 0600 7:8 same bytes"),
                    Map.entry("/etc/m", "h 0600 7:8 -> /etc/a"),
                    Map.entry("/etc/z", "h 0600 7:8 -> /etc/a"));
            // Walked on its own, a hard link is the file.
            assertThat(walk(tree, "/etc/z")).containsExactly(Map.entry("/etc/z", "f 0600 7:8 same bytes"));
        }
        byte[] dangling = Tars.tar().hardlink("etc/x", "etc/nothing").bytes();
        assertThatThrownBy(() -> LayerTree.read(image(dangling), ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1").hasMessageContaining("etc/nothing");
    }

    @Test
    void aHardLinkToASymbolicLinkIsThatLinkAgain() throws IOException {
        byte[] base = Tars.tar().symlink("etc/alternatives/editor", "/usr/bin/vi")
                .hardlink("etc/alternatives/vi", "etc/alternatives/editor").bytes();
        try (LayerTree tree = LayerTree.read(image(base), ETC_AND_MODULES, LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/etc/alternatives/vi")).containsExactly(
                    Map.entry("/etc/alternatives/vi", "l 0777 0:0 -> /usr/bin/vi"));
        }
        byte[] toDirectory = Tars.tar().dir("etc/d", 0755).hardlink("etc/h", "etc/d").bytes();
        assertThatThrownBy(() -> LayerTree.read(image(toDirectory), ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("hard link /etc/h").hasMessageContaining("etc/d");
    }

    @Test
    void anEntryBelowALinkedDirectoryLandsWhereTheLinkLeads() throws IOException {
        // As a runtime unpacking the upper layer writes lib/modules/... through the lower layer's lib link.
        byte[] base = Tars.tar().symlink("lib", "usr/lib").file("usr/lib/modules/6.1/modules.dep", "dep").bytes();
        byte[] upper = Tars.tar().file("lib/modules/6.1/extra.ko", "ko").bytes();
        try (LayerTree tree = LayerTree.read(image(base, upper), ETC_AND_MODULES, LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/lib")).containsExactly(Map.entry("/lib", "l 0777 0:0 -> usr/lib"));
            assertThat(walk(tree, "/usr/lib/modules/6.1")).containsExactly(
                    Map.entry("/usr/lib/modules/6.1", "d 0755 0:0"),
                    Map.entry("/usr/lib/modules/6.1/extra.ko", "f 0644 0:0 ko"),
                    Map.entry("/usr/lib/modules/6.1/modules.dep", "f 0644 0:0 dep"));
        }
    }

    @Test
    void linksAreFollowedInsideTheImageOnly() throws IOException {
        byte[] base = Tars.tar().symlink("lib", "usr/lib").file("usr/lib/modules/6.1/modules.dep", "dep")
                .symlink("etc/escape", "../../../../../usr/lib/modules").symlink("etc/abs", "/usr/lib/modules/6.1")
                .symlink("etc/loop", "loop2").symlink("loop2", "etc/loop").bytes();
        try (LayerTree tree = LayerTree.read(image(base), ETC_AND_MODULES, LayerTree.Limits.DEFAULT)) {
            // /lib/modules is walked through the /lib link; entries keep the path asked for.
            assertThat(walk(tree, "/lib/modules")).containsExactly(
                    Map.entry("/lib/modules", "d 0755 0:0"),
                    Map.entry("/lib/modules/6.1", "d 0755 0:0"),
                    Map.entry("/lib/modules/6.1/modules.dep", "f 0644 0:0 dep"));
            // The link itself, not followed; through it (a parent), the tree inside the image's root.
            assertThat(walk(tree, "/etc/escape")).containsExactly(
                    Map.entry("/etc/escape", "l 0777 0:0 -> ../../../../../usr/lib/modules"));
            assertThat(walk(tree, "/etc/escape/6.1/modules.dep")).containsExactly(
                    Map.entry("/etc/escape/6.1/modules.dep", "f 0644 0:0 dep"));
            assertThat(walk(tree, "/etc/abs/modules.dep")).hasSize(1);
            assertThat(new TreeWalk(tree).walk("/etc/loop/x", (p, e, in) -> { })).isFalse();
        }
    }

    @Test
    void contentOutsideTheWantedRootsIsReadAgainFromItsLayerOnlyWhenAsked() throws IOException {
        byte[] base = Tars.tar().file("etc/kept", "k").file("usr/share/doc/big", "not kept").bytes();
        byte[] upper = Tars.tar().file("usr/share/other", "o").bytes();
        try (LayerTree tree = LayerTree.read(image(base, upper), ETC_AND_MODULES, LayerTree.Limits.DEFAULT)) {
            assertThat(opens).hasValue(2);
            assertThat(walk(tree, "/etc/kept")).containsValue("f 0644 0:0 k");
            assertThat(opens).hasValue(2);
            // Headers only were kept: a stat costs nothing, reading the bytes opens the layer again once.
            assertThat(new TreeWalk(tree).stat("/usr/share/doc/big")).get().extracting(TarArchiveEntry::getSize).isEqualTo(8L);
            assertThat(opens).hasValue(2);
            assertThat(walk(tree, "/usr/share/doc/big")).containsValue("f 0644 0:0 not kept");
            assertThat(walk(tree, "/usr/share/doc/big")).containsValue("f 0644 0:0 not kept");
            assertThat(opens).hasValue(3);
        }
    }

    @Test
    void aWantedRootBehindALinkKeepsWhereTheLinkLeads() throws IOException {
        // Merged /usr: /lib is a link, and /lib/modules is what inspect asks for; a later layer moves nothing.
        byte[] base = Tars.tar().symlink("lib", "usr/lib").dir("usr/lib/modules", 0755).bytes();
        byte[] upper = Tars.tar().file("usr/lib/modules/6.1/modules.dep", "dep").file("usr/lib/other", "o").bytes();
        try (LayerTree tree = LayerTree.read(image(base, upper), new LayerTree.Wanted(Set.of("/lib/modules")),
                LayerTree.Limits.DEFAULT)) {
            assertThat(walk(tree, "/lib/modules/6.1/modules.dep")).containsValue("f 0644 0:0 dep");
            assertThat(opens).hasValue(2);
            assertThat(walk(tree, "/usr/lib/other")).containsValue("f 0644 0:0 o");
            assertThat(opens).as("not kept: read again from its layer").hasValue(3);
        }
    }

    @Test
    void aLayerWhoseBytesAreNotItsDigestIsAnErrorNamingIt() {
        byte[] good = Tars.gzip(Tars.tar().file("etc/a", "a").bytes());
        ImageLayers image = image(good);
        Layer l = image.layers().get(0);
        byte[] tampered = Tars.gzip(Tars.tar().file("etc/a", "b").bytes());
        ImageLayers swapped = new ImageLayers("test image", image.imageId(), "linux", "amd64",
                List.of(new Layer(0, 1, l.digest(), l.diffId(), tampered.length, () -> new ByteArrayInputStream(tampered))));
        assertThatThrownBy(() -> LayerTree.read(swapped, ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class)
                .hasMessageContaining("layer 1 of 1 (" + l.digest() + ") of test image is sha256:")
                .hasMessageContaining("not what its digest says");
        // Right stored bytes, wrong diff id (a legacy docker save archive names only that one).
        ImageLayers wrongDiff = new ImageLayers("test image", image.imageId(), "linux", "amd64",
                List.of(new Layer(0, 1, null, "sha256:" + "1".repeat(64), -1, () -> new ByteArrayInputStream(good))));
        assertThatThrownBy(() -> LayerTree.read(wrongDiff, ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:1111")
                .hasMessageContaining("its configuration names sha256:1111");
        // More bytes than the manifest declares stop the read there.
        ImageLayers longer = new ImageLayers("test image", image.imageId(), "linux", "amd64",
                List.of(new Layer(0, 1, l.digest(), l.diffId(), 10, () -> new ByteArrayInputStream(good))));
        assertThatThrownBy(() -> LayerTree.read(longer, ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("more bytes than the 10 its manifest declares");
    }

    @Test
    void boundsStopLayersMadeToExhaustTheReader() {
        // A gzip bomb: 64 MiB of zeros in a file, compressed to about 64 KiB.
        byte[] bomb = Tars.gzip(Tars.tar().bytes("etc/zeros", new byte[64 << 20]).bytes());
        assertThat(bomb.length).isLessThan(1 << 20);
        LayerTree.Limits small = new LayerTree.Limits(16 << 20, 100, 1 << 20, 4 << 20, 256);
        assertThatThrownBy(() -> LayerTree.read(image(bomb), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1").hasMessageContaining("expands past 16777216");
        Tars many = Tars.tar();
        for (int i = 0; i < 101; i++) {
            many.file("etc/f" + i, "");
        }
        assertThatThrownBy(() -> LayerTree.read(image(many.bytes()), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("past 100 entries");
        // Kept content is bounded in all; a file past the per-file bound keeps its header only.
        byte[] kept = Tars.tar().bytes("etc/a", new byte[3 << 20]).bytes("etc/b", new byte[3 << 20]).bytes();
        LayerTree.Limits spool = new LayerTree.Limits(16 << 20, 100, 4 << 20, 4 << 20, 256);
        assertThatThrownBy(() -> LayerTree.read(image(kept), ETC_AND_MODULES, spool))
                .isInstanceOf(LayerException.class).hasMessageContaining("past 4194304 bytes");
        byte[] escape = Tars.tar().file("etc/../../../root/.ssh/authorized_keys", "key").bytes();
        assertThatThrownBy(() -> LayerTree.read(image(escape), ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("leaves the image's root");
        byte[] notTar = Tars.gzip("this is not a tar archive, only text long enough to be read as one".repeat(20)
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> LayerTree.read(image(notTar), ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1").hasMessageContaining("not a readable tar layer");
    }
    @Test
    void headersAreBoundedBeforeTheyAreReadIntoMemory() {
        // 300 MiB declared in each kind of header commons-compress reads whole into memory, streamed lazily:
        // refused at the header, after a few KiB, whatever the heap.
        long huge = 300L << 20;
        for (char type : new char[] {'L', 'K', 'x', 'g'}) {
            long[] served = {0};
            ImageLayers lazy = lazyImage(raw("././@LongLink", type, huge, new byte[0]), "a", huge, served);
            assertThatThrownBy(() -> LayerTree.read(lazy, ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                    .as("type %s", type).isInstanceOf(LayerException.class)
                    .hasMessageContaining("layer 1 of 1 (sha256:" + "1".repeat(64) + ") of test image has a ")
                    .hasMessageContaining(" of 314572800 bytes, more than the 1048576 a tar header may take here");
            assertThat(served[0]).as("type %s", type).isLessThan(1 << 16);
        }
        // A PAX 1.0 sparse file's map: commons-compress lists it whole, read before the entry is returned.
        long[] served = {0};
        byte[] sparse = concat(raw("PaxHeaders/x", 'x', -1, concat(pax("GNU.sparse.major", "1"), pax("GNU.sparse.minor", "0"),
                pax("GNU.sparse.name", "etc/sparse"), pax("GNU.sparse.realsize", "1"))),
                raw("etc/GNUSparseFile.0/sparse", '0', huge, new byte[0]), "99999999\n".getBytes(StandardCharsets.US_ASCII));
        ImageLayers lazyMap = lazyImage(sparse, "0\n0\n", huge, served);
        assertThatThrownBy(() -> LayerTree.read(lazyMap, ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class)
                .hasMessage("layer 1 of 1 (sha256:" + "1".repeat(64) + ") of test image has a sparse file whose map takes "
                        + "more than 1048576 bytes; not read");
        assertThat(served[0]).isLessThan(2 << 20);
        // The same bound, small enough to pass with real headers: a PAX path of 2000 bytes against 1 KiB.
        LayerTree.Limits small = new LayerTree.Limits(16 << 20, 100, 1 << 20, 4 << 20, 256, 1024);
        byte[] paxPath = layer(raw("PaxHeaders/x", 'x', -1, pax("path", "etc/" + "p".repeat(1990))),
                raw("etc/short", '0', 0, new byte[0]));
        assertThatThrownBy(() -> LayerTree.read(image(paxPath), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:")
                .hasMessageContaining("has a PAX header of 2005 bytes, more than the 1024");
        byte[] longName = layer(raw("././@LongLink", 'L', -1, ("etc/" + "n".repeat(600) + "\0").getBytes(StandardCharsets.UTF_8)),
                raw("etc/short", '0', 0, new byte[0]));
        assertThatThrownBy(() -> LayerTree.read(image(longName), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:")
                .hasMessageContaining("has an entry name longer than 256 characters");
        // Global PAX headers are merged into one map kept to the layer's end: bounded in all.
        byte[] globals = layer(raw("PaxHeaders/g", 'g', -1, pax("comment.a", "g".repeat(580))),
                raw("PaxHeaders/g", 'g', -1, pax("comment.b", "g".repeat(580))), raw("etc/short", '0', 0, new byte[0]));
        assertThatThrownBy(() -> LayerTree.read(image(globals), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:")
                .hasMessageContaining("has global PAX headers of more than 1024 bytes in all");
        // Within both bounds the same headers are read as before.
        byte[] fine = layer(raw("PaxHeaders/x", 'x', -1, pax("path", "etc/" + "p".repeat(200))),
                raw("etc/short", '0', 1, "x".getBytes(StandardCharsets.UTF_8)));
        assertThatCode(() -> LayerTree.read(image(fine), ETC_AND_MODULES, small).close()).doesNotThrowAnyException();
    }

    @Test
    void linkAndOwnerNamesAreBoundedAsEntryNamesAre() {
        LayerTree.Limits small = new LayerTree.Limits(16 << 20, 100, 1 << 20, 4 << 20, 256);
        byte[] link = layer(raw("PaxHeaders/x", 'x', -1, pax("linkpath", "/" + "l".repeat(300))),
                raw("etc/link", '2', 0, new byte[0]));
        assertThatThrownBy(() -> LayerTree.read(image(link), ETC_AND_MODULES, small))
                .isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:")
                .hasMessageContaining("has an entry /etc/link linking to a name longer than 256 characters");
        for (String key : List.of("uname", "gname")) {
            byte[] owner = layer(raw("PaxHeaders/x", 'x', -1, pax(key, "u".repeat(257))), raw("etc/f", '0', 0, new byte[0]));
            assertThatThrownBy(() -> LayerTree.read(image(owner), ETC_AND_MODULES, LayerTree.Limits.DEFAULT))
                    .as(key).isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (sha256:")
                    .hasMessageContaining("has an entry /etc/f whose owner's user or group name is longer than 256 characters");
        }
        byte[] fine = layer(raw("PaxHeaders/x", 'x', -1, pax("uname", "u".repeat(256))), raw("etc/f", '0', 0, new byte[0]));
        assertThatCode(() -> LayerTree.read(image(fine), ETC_AND_MODULES, small).close()).doesNotThrowAnyException();
    }

    /** One layer with no digest to check but a diff id to name it, whose bytes are a header, then {@code size} bytes of {@code fill} repeated, made as read. */
    private static ImageLayers lazyImage(byte[] header, String fill, long size, long[] served) {
        byte[] pattern = fill.getBytes(StandardCharsets.US_ASCII);
        Layer layer = new Layer(0, 1, null, "sha256:" + "1".repeat(64), -1, () -> new java.io.SequenceInputStream(
                new ByteArrayInputStream(header), new java.io.InputStream() {
                    private long left = size + 1024;
                    private long at;

                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0];
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        for (int i = 0; i < n; i++, at++) {
                            b[off + i] = left - i > 1024 ? pattern[(int) (at % pattern.length)] : 0;
                        }
                        left -= n;
                        served[0] += n;
                        return n;
                    }
                }));
        return new ImageLayers("test image", "sha256:" + "0".repeat(64), "linux", "amd64", List.of(layer));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Raw tar records, then the end of the archive. */
    private static byte[] layer(byte[]... records) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** A ustar header of {@code type} declaring {@code size} bytes (-1: the data's), then the data, padded to a record. */
    private static byte[] raw(String name, char type, long size, byte[] data) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size < 0 ? data.length : size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** One PAX record: its length (counting itself), key=value and a newline. */
    private static byte[] pax(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.length() + 1;
        while (String.valueOf(length).length() + body.length() != length) {
            length++;
        }
        return (length + body).getBytes(StandardCharsets.UTF_8);
    }
}
