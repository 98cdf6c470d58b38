package io.nodeimage.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** An engine's export read as it streams, its layers found by diff id: one export in the usual order. */
class StreamedArchiveTest {

    private final AtomicInteger exports = new AtomicInteger();

    private static byte[] export(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private ImageLayers layers(byte[] export, List<String> diffIds) throws LayerException {
        return StreamedArchive.layers("image x (an export)", "sha256:" + "0".repeat(64), "linux", "amd64", diffIds, () -> {
            exports.incrementAndGet();
            return new ByteArrayInputStream(export);
        });
    }

    @Test
    void layersInOrderAndARepeatedEmptyLayerCostOneExport() throws IOException {
        // The base is too large to keep when it passes by before it is needed.
        byte[] base = Tars.tar().file("etc/a", "a").file("etc/b", "b").bytes("etc/big", new byte[2 << 20]).bytes();
        byte[] empty = Tars.tar().bytes();
        byte[] upper = Tars.tar().whiteout("etc/a").bytes();
        String b = Digest.sha256(base);
        String e = Digest.sha256(empty);
        String u = Digest.sha256(upper);
        // As Podman writes it: each layer once, named by its diff id; the repeated one only once.
        byte[] stream = export(new java.util.LinkedHashMap<>(Map.of()) {{
                put(b.substring(7) + ".tar", base);
                put(e.substring(7) + ".tar", empty);
                put(u.substring(7) + ".tar", upper);
                put("manifest.json", "[]".getBytes());
            }});
        try (LayerTree tree = LayerTree.read(layers(stream, List.of(b, e, u, e)), new LayerTree.Wanted(Set.of("/etc")),
                LayerTree.Limits.DEFAULT)) {
            assertThat(new TreeWalk(tree).stat("/etc/a")).isEmpty();
            assertThat(new TreeWalk(tree).stat("/etc/b")).isPresent();
        }
        assertThat(exports).hasValue(1);
        // A large layer out of the export's order is found by asking for the export again.
        exports.set(0);
        try (LayerTree tree = LayerTree.read(layers(stream, List.of(u, b)), new LayerTree.Wanted(Set.of("/etc")),
                LayerTree.Limits.DEFAULT)) {
            assertThat(new TreeWalk(tree).stat("/etc/a")).isPresent();
        }
        assertThat(exports).hasValue(2);
        // An export that has no such layer, or other bytes under its name, names the layer.
        assertThatThrownBy(() -> LayerTree.read(layers(stream, List.of(b, "sha256:" + "2".repeat(64))),
                new LayerTree.Wanted(Set.of("/etc")), LayerTree.Limits.DEFAULT))
                .isInstanceOf(LayerException.class).hasMessageContaining("export has no layer sha256:2222");
        byte[] lying = export(Map.of(b.substring(7) + ".tar", upper));
        assertThatThrownBy(() -> LayerTree.read(layers(lying, List.of(b)), new LayerTree.Wanted(Set.of("/etc")),
                LayerTree.Limits.DEFAULT)).isInstanceOf(LayerException.class).hasMessageContaining("layer 1 of 1 (" + b + ")");
    }
}
