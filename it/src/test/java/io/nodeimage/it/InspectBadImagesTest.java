package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images built to be awkward: no shell at all (FROM scratch), /lib/modules a link pointing elsewhere,
 * a corrupt module, a module that expands without bound, an absolute link. Each becomes a finding.
 */
@ExtendWith(DockerRequired.class)
class InspectBadImagesTest {

    private static final String TAG = "nodeimage-it/bad-image:test";

    @TempDir
    Path context;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(java.util.List.of(), TAG);
    }

    @Test
    void awkwardImagesGiveFindingsNotCrashes() throws Exception {
        // Links are made inside a build stage: a build context would carry the link's target instead.
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12 AS stage
                RUN set -e; t=/out/usr/lib/modules/6.1.0-9-amd64/kernel; mkdir -p $t /out/lib /out/etc; \\
                    printf '\\177ELF\\002\\001\\001\\000' > $t/truncated.ko; \\
                    echo 'this is not xz' > $t/garbage.ko.xz; \\
                    ln -s /etc/passwd $t/absolute.ko; \\
                    ln -s /etc /out/lib/modules; \\
                    printf 'ID=scratchy\\nVERSION_ID="1"\\n' > /out/etc/os-release
                FROM scratch
                COPY --from=stage /out/ /
                """);
        LocalImages.build(context, TAG);

        Facts facts = InspectService.inspect(TAG, context.resolve("out")).facts();
        assertThat(facts.osRelease()).containsEntry("ID", "scratchy").containsEntry("VERSION_ID", "1");
        assertThat(facts.kernels()).singleElement().satisfies(k -> assertThat(k.modules()).isEmpty());
        assertThat(facts.findings()).extracting(f -> f.path() + ": " + f.message()).containsExactlyInAnyOrder(
                "/usr/lib/modules/6.1.0-9-amd64/kernel/truncated.ko: not an ELF file",
                "/usr/lib/modules/6.1.0-9-amd64/kernel/garbage.ko.xz: corrupt or truncated xz data: "
                        + "XZFormatException Input is not in the XZ format",
                "/usr/lib/modules/6.1.0-9-amd64/kernel/absolute.ko: module file is a link to /etc/passwd; not read",
                "/lib/modules: is a link to /etc; module trees behind it are not read");
        assertThat(context.resolve("out/inspect/nodeimage-it_bad-image_test/facts.json")).isRegularFile();
    }
}
