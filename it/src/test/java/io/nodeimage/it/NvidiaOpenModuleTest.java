package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.RuleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real NVIDIA open kernel module: built from Debian's non-free nvidia-open-kernel-source (535.x, with
 * its prebuilt nv-kernel.o) against Debian's cloud kernel headers, installed under the file name
 * Debian's packaging gives it (nvidia-current-open.ko), beside Debian's GSP firmware. Its name comes
 * from .modinfo, its flavour from its licence, and the catalog's NVIDIA baseline judges it. The build
 * takes a few minutes the first time; the engine's build cache keeps it for the next runs.
 */
@ExtendWith(DockerRequired.class)
class NvidiaOpenModuleTest {

    private static final String TAG = "nodeimage-it/nvidia-open-535:test";

    @TempDir
    Path context;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), TAG);
    }

    @Test
    void theOpenModuleIsNamedFromModinfoAndJudgedByTheBaseline() throws Exception {
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12 AS build
                RUN sed -i 's/ main$/ main contrib non-free non-free-firmware/' /etc/apt/sources.list \\
                    && apt-get update -q \\
                    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \\
                       nvidia-open-kernel-source firmware-nvidia-gsp linux-headers-cloud-amd64 make gcc libc6-dev xz-utils binutils
                RUN set -e; kout=$(ls -d /usr/src/linux-headers-*-cloud-amd64); ksrc=$(ls -d /usr/src/linux-headers-*-common); \\
                    kver=${kout#/usr/src/linux-headers-}; mkdir /build; cd /build; tar xf /usr/src/nvidia-open-kernel.tar.xz; \\
                    cd modules/nvidia-open-kernel; \\
                    make -j2 modules SYSSRC="$ksrc" SYSOUT="$kout" KERNEL_UNAME="$kver" >/build/make.log 2>&1 || { tail -40 /build/make.log; exit 1; }; \\
                    strip --strip-debug nvidia.ko; \\
                    mkdir -p /out/usr/lib/modules/$kver/updates/dkms /out/usr/lib/firmware; \\
                    cp nvidia.ko /out/usr/lib/modules/$kver/updates/dkms/nvidia-current-open.ko; \\
                    cp -a /lib/firmware/nvidia /out/usr/lib/firmware/
                FROM nodeimage/debian:12
                COPY --from=build /out/ /
                """);
        LocalImages.build(context, TAG);

        Facts facts = InspectService.facts(TAG);

        assertThat(facts.findings()).isEmpty();
        Facts.KernelTree tree = facts.kernels().get(0);
        KernelModule nvidia = tree.modules().stream().filter(m -> m.path().endsWith("/nvidia-current-open.ko"))
                .findFirst().orElseThrow();
        assertThat(nvidia.name()).as("the name from .modinfo, not the file name").isEqualTo("nvidia");
        assertThat(nvidia.version()).startsWith("535.");
        assertThat(nvidia.license()).isEqualTo("Dual MIT/GPL");
        assertThat(nvidia.vermagic()).startsWith(tree.version() + " SMP");
        assertThat(nvidia.firmware()).contains("nvidia/" + nvidia.version() + "/gsp_ga10x.bin");
        assertThat(nvidia.signature()).as("built here, so unsigned").isEmpty();
        assertThat(facts.modules()).anySatisfy(s -> {
            assertThat(s.module()).isEqualTo("nvidia");
            assertThat(s.state()).isEqualTo("loadable");
        });
        assertThat(facts.drivers()).singleElement().satisfies(d -> {
            assertThat(d.vendor()).isEqualTo("nvidia");
            assertThat(d.version()).isEqualTo(nvidia.version());
            assertThat(d.branch()).isEqualTo("535");
            assertThat(d.flavor()).isEqualTo("open");
            assertThat(d.gspFirmware()).as("Debian's firmware-nvidia-gsp for the same version").isTrue();
        });

        // The catalog's baseline: open flavour passes, branch 535 is older than the supported ones;
        // the unsigned module fails Secure Boot signing.
        Map<String, RuleResult> results = new Evaluator(LocalDate.now())
                .evaluate(PolicyLoader.load(null, null, true).policies(), facts,
                        // No profile: the NVIDIA policy applies because the image carries the driver.
                        new Evaluator.Target(null, "debian", "12", "x86_64"))
                .stream().collect(Collectors.toMap(r -> r.policy() + "/" + r.ruleId(), r -> r));
        assertThat(results.get("nvidia-driver-baseline/NODE-NV-001").message())
                .isEqualTo("nvidia driver " + nvidia.version() + " is outside >=570 (kernel " + tree.version() + ")");
        assertThat(results.get("nvidia-driver-baseline/NODE-NV-002").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(results.values().stream().filter(r -> r.policy().equals("secure-boot-module-signing")
                && r.status() == RuleResult.Status.FAIL).map(RuleResult::message).toList())
                .anySatisfy(m -> assertThat(m).contains("nvidia-current-open.ko (nvidia): unsigned"));
    }
}
