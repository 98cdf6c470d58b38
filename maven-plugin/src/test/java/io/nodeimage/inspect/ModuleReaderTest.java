package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.support.ExternalTool;
import io.nodeimage.support.KernelTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module facts read in Java, against modinfo over the same real files from Debian's kernel package. */
class ModuleReaderTest {

    private static Path modules;
    private static List<Path> files;

    @TempDir
    Path dir;

    @BeforeAll
    static void tree() throws Exception {
        modules = KernelTree.modules();
        files = KernelTree.moduleFiles(modules);
    }

    @Test
    void everyModuleOfTheKernelPackageMatchesModinfo() throws Exception {
        assertThat(files).hasSizeGreaterThan(1000);
        List<String> command = new ArrayList<>(List.of("modinfo"));
        files.forEach(f -> command.add(f.toString()));
        ExternalTool.Result result = ExternalTool.run(dir, command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, Map<String, List<String>>> oracle = parseModinfo(result.output());
        assertThat(oracle).hasSameSizeAs(files);

        ModuleReader reader = new ModuleReader();
        int signed = 0;
        for (Path file : files) {
            KernelModule m = reader.read(file.toString(), Files.readAllBytes(file));
            Map<String, List<String>> expected = oracle.get(file.toString());
            String what = file.getFileName().toString();
            assertThat(m.name()).as(what).isEqualTo(one(expected, "name"));
            assertThat(m.license()).as(what).isEqualTo(one(expected, "license"));
            assertThat(m.vermagic()).as(what).isEqualTo(one(expected, "vermagic"));
            assertThat(m.srcversion()).as(what).isEqualTo(one(expected, "srcversion"));
            assertThat(m.version()).as(what).isEqualTo(one(expected, "version"));
            String depends = one(expected, "depends");
            assertThat(m.depends()).as(what).isEqualTo(depends == null || depends.isEmpty() ? List.of()
                    : Arrays.asList(depends.split(",")));
            assertThat(m.firmware()).as(what).isEqualTo(expected.getOrDefault("firmware", List.of()));
            if (expected.containsKey("signer")) {
                signed++;
                assertThat(m.signature()).as(what).isPresent();
                ModuleSignature s = m.signature().orElseThrow();
                assertThat(s.signer()).as(what).isEqualTo(one(expected, "signer"));
                assertThat(s.keyId()).as(what).isEqualTo(one(expected, "sig_key"));
                assertThat(s.hashAlgorithm()).as(what).isEqualTo(one(expected, "sig_hashalgo"));
            } else {
                assertThat(m.signature()).as(what).isEmpty();
            }
        }
        assertThat(signed).as("Debian signs its modules").isEqualTo(files.size());
    }

    @Test
    void zstdXzAndGzipCopiesGiveTheSameFacts() throws Exception {
        ModuleReader reader = new ModuleReader();
        List<Path> sample = new ArrayList<>();
        for (int i = 0; i < files.size(); i += 25) {
            sample.add(files.get(i));
        }
        for (Path original : sample) {
            KernelModule plain = reader.read(original.toString(), Files.readAllBytes(original));
            for (String[] tool : new String[][] {{"zstd", ".ko.zst", "-q", "-19", "-o"}, {"xz", ".ko.xz"}, {"gzip", ".ko.gz"}}) {
                Path copy = dir.resolve(original.getFileName() + tool[1].substring(3));
                byte[] compressed = compress(original, tool);
                Files.write(copy, compressed);
                KernelModule m = reader.read(copy.toString(), compressed);
                assertThat(m.compression()).isEqualTo(Compression.ofFileName(copy.toString()));
                assertThat(m.name()).isEqualTo(plain.name());
                assertThat(m.srcversion()).isEqualTo(plain.srcversion());
                assertThat(m.depends()).isEqualTo(plain.depends());
                assertThat(m.signature()).isEqualTo(plain.signature());
            }
        }
    }

    @Test
    void brokenFilesAreReportedNotThrownFromInside() throws Exception {
        ModuleReader reader = new ModuleReader(16 * 1024 * 1024);
        byte[] fat = Files.readAllBytes(files.stream().filter(f -> f.endsWith("fat.ko")).findFirst().orElseThrow());

        byte[] unsigned = ModuleSignature.split(fat).module();
        assertThat(reader.read("/lib/modules/x/fat.ko", unsigned).signature()).isEmpty();

        byte[] truncated = Arrays.copyOf(unsigned, unsigned.length / 2);
        assertThatThrownBy(() -> reader.read("/lib/modules/x/fat.ko", truncated))
                .isInstanceOf(ModuleFormatException.class).hasMessageContaining("outside the file");

        byte[] badSignature = fat.clone();
        Arrays.fill(badSignature, fat.length - 28 - 12 - 600, fat.length - 28 - 12, (byte) 0x5a);
        assertThatThrownBy(() -> reader.read("/lib/modules/x/fat.ko", badSignature))
                .isInstanceOf(ModuleFormatException.class).hasMessageContaining("PKCS#7");

        assertThatThrownBy(() -> reader.read("/lib/modules/x/notelf.ko", "hello".repeat(20).getBytes()))
                .hasMessage("not an ELF file");
        assertThatThrownBy(() -> reader.read("/lib/modules/x/garbage.ko.zst", "not zstd at all".getBytes()))
                .isInstanceOf(ModuleFormatException.class).hasMessageContaining("corrupt or truncated zst data");
        byte[] xz = compress(files.get(0), new String[] {"xz", ".ko.xz"});
        assertThatThrownBy(() -> reader.read("/lib/modules/x/cut.ko.xz", Arrays.copyOf(xz, xz.length - 40)))
                .isInstanceOf(ModuleFormatException.class).hasMessageContaining("corrupt or truncated xz data");
    }

    @Test
    void aModuleThatExpandsWithoutBoundIsStoppedAtTheLimit() throws Exception {
        // 64 MiB of zeros compresses to a few kilobytes.
        Path zeros = dir.resolve("zeros.ko");
        Files.write(zeros, new byte[64 * 1024 * 1024]);
        byte[] bomb = compress(zeros, new String[] {"zstd", ".ko.zst", "-q", "-o"});
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> new ModuleReader(8 * 1024 * 1024).read("/lib/modules/x/bomb.ko.zst", bomb))
                .isInstanceOf(ModuleFormatException.class).hasMessage("a decompression bomb or no module: the zst data "
                        + "declares 67108864 bytes, and a module may have at most 8388608 bytes; not read further");
    }

    private byte[] compress(Path original, String[] tool) throws Exception {
        Path out = dir.resolve("c-" + original.getFileName() + tool[1].substring(3));
        Files.deleteIfExists(out);
        ExternalTool.Result r = switch (tool[0]) {
            case "zstd" -> ExternalTool.run(dir, "zstd", "-q", "-f", original.toString(), "-o", out.toString());
            case "xz" -> ExternalTool.run(dir, "sh", "-c", "xz -c -q \"$0\" > \"$1\"", original.toString(), out.toString());
            default -> ExternalTool.run(dir, "sh", "-c", "gzip -c -n \"$0\" > \"$1\"", original.toString(), out.toString());
        };
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Files.readAllBytes(out);
    }

    private static String one(Map<String, List<String>> info, String key) {
        List<String> values = info.get(key);
        return values == null ? null : values.get(0);
    }

    /** modinfo's output: "key:   value" lines, a block per file starting at filename, signature continued on tab lines. */
    static Map<String, Map<String, List<String>>> parseModinfo(String output) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("\t") || line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue; // a multi-line parameter description
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).stripLeading();
            if (key.equals("filename")) {
                current = new HashMap<>();
                out.put(value, current);
            }
            current.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
