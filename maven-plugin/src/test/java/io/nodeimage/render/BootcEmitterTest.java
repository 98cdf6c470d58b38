package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order of the image-mode build, which the golden files show but do not explain. */
class BootcEmitterTest {

    @Test
    void builtModulesArriveBeforeDepmodAndTheInitramfsAndNothingElseOfTheBuilderDoes() {
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            String bootc = profile.getValue().get(BootcEmitter.FILE);
            if (bootc == null || !bootc.contains("AS driver-builder")) {
                continue;
            }
            int modules = bootc.indexOf("COPY --from=driver-builder " + BootcEmitter.STAGING + "/modules/ /usr/lib/modules/");
            int depmod = bootc.indexOf(Quoting.json(BootcEmitter.DEPMOD_SCRIPT));
            int initramfs = bootc.indexOf("\"initramfs\"]");
            assertThat(modules).as(profile.getKey()).isPositive().isLessThan(depmod);
            assertThat(depmod).isLessThan(initramfs);
            assertThat(bootc.lines().filter(l -> l.startsWith("COPY --from=driver-builder")))
                    .as(profile.getKey()).allMatch(l -> l.contains(" " + BootcEmitter.STAGING + "/"))
                    .noneMatch(l -> l.contains("mok.key"));
            assertThat(BootcEmitter.BUILDER_SCRIPT).endsWith("rm -f " + io.nodeimage.plan.Step.ModuleSigningKey.PRIVATE_KEY);
            checked++;
        }
        assertThat(checked).isGreaterThan(1);
    }

    @Test
    void theProfilesKernelReplacesTheDefaultInBothStages() {
        String rubin = CatalogRenders.all().get("site-rhel-10-vera-rubin").get(BootcEmitter.FILE);
        assertThat(rubin.lines().filter(l -> l.startsWith("RUN ") && l.contains("dnf install -y --setopt=install_weak_deps=False kernel-64k;")))
                .hasSize(2);
        // The swap comes first in each stage: the builder's kver and the final stage's modules are the 64k kernel's.
        String[] stages = rubin.split("\nFROM ");
        for (int i = 1; i < stages.length; i++) {
            assertThat(stages[i].lines().skip(1).filter(l -> l.startsWith("RUN ") || l.startsWith("COPY ")).findFirst().orElseThrow())
                    .contains("kernel-64k");
        }
        String hopper = CatalogRenders.all().get("rhel-9-nvidia-hopper").get(BootcEmitter.FILE);
        assertThat(hopper).doesNotContain("kernel replaces");
    }
}
