package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decompression bombs beside Debian's real modules: "modules" of a few hundred kilobytes that expand to
 * gigabytes, in zstd (declaring its size, and not), xz and gzip. Inspect runs in a JVM of its own with
 * a 256 MB heap: every real module's facts come out, and each bomb is a finding naming the file and
 * the limit, refused before its size is allocated.
 */
@ExtendWith(DockerRequired.class)
class InspectBombsTest {

    private static final String TAG = "nodeimage-it/bombs:test";
    private static final long GIB = 1024L * 1024 * 1024;
    @TempDir
    static Path context;
    private static String kver;
    private static int realModules;

    @BeforeAll
    static void build() throws Exception {
        Path tree = ModprobeOracleTest.kernelTree();
        kver = tree.getFileName().toString();
        Path target = context.resolve("modules").resolve(kver);
        LocalImages.linkTree(tree, target);
        try (Stream<Path> walk = Files.walk(tree)) {
            realModules = (int) walk.filter(p -> p.toString().endsWith(".ko")).count();
        }
        Path bombs = Files.createDirectories(target.resolve("kernel/bombs"));
        shell(bombs, "head -c " + 2 * GIB + " /dev/zero | zstd -1 -q --stream-size=" + 2 * GIB + " -c > declared.ko.zst");
        shell(bombs, "head -c " + 2 * GIB + " /dev/zero | zstd -1 -q -c > undeclared.ko.zst");
        shell(bombs, "head -c " + GIB + " /dev/zero | xz -0 -T1 -c > zeros.ko.xz");
        shell(bombs, "head -c " + GIB + " /dev/zero | gzip -1 -c > zeros.ko.gz");
        LocalImages.buildWithModules(context, TAG);
    }

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), TAG);
    }

    private static void shell(Path dir, String command) throws Exception {
        LocalImages.run(dir, "sh", "-c", command);
    }

    @Test
    void bombsAreFindingsAndEveryRealModuleIsReadInA256MegabyteHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                InspectMain.class.getName(), TAG).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).doesNotContain("OutOfMemoryError").contains("modules " + realModules + "\n");
        String prefix = "finding /usr/lib/modules/" + kver + "/kernel/bombs/";
        String limit = "a module may have at most " + io.nodeimage.inspect.Decompressor.DEFAULT_LIMIT + " bytes";
        assertThat(out.lines().filter(l -> l.startsWith("finding ")).toList()).containsExactlyInAnyOrder(
                prefix + "declared.ko.zst: a decompression bomb or no module: the zst data declares " + 2 * GIB
                        + " bytes, and " + limit + "; not read further",
                prefix + "undeclared.ko.zst: a decompression bomb or no module: the zst data expands past it, and "
                        + limit + "; not read further",
                prefix + "zeros.ko.xz: a decompression bomb or no module: the xz data declares " + GIB + " bytes, and "
                        + limit + "; not read further",
                prefix + "zeros.ko.gz: a decompression bomb or no module: the gzip data declares " + GIB + " bytes, and "
                        + limit + "; not read further");
    }
}
