package io.nodeimage.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.profile.Profile.Cpu;
import io.nodeimage.profile.Profile.Flavor;
import io.nodeimage.profile.Profile.GpuFamily;
import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The bundled catalog: every profile resolves, and the profiles say what their hardware needs. */
class CatalogTest {

    private final ProfileSources sources = ProfileSources.withBundledCatalog(null, null);

    private List<ResolvedProfile> all() {
        return new ProfileResolver(sources).resolveAll(sources.catalogNames());
    }

    @Test
    void indexListsEveryFileOfTheCatalog() throws IOException {
        List<String> files;
        try (Stream<Path> list = Files.list(RepositoryFiles.catalogSources())) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(sources.catalogNames()).isEqualTo(files);
    }

    @Test
    void noBundledProfileDropsWhatItsParentListed() {
        assertThat(new ProfileResolver(sources).check(sources.catalogNames()).warnings()).isEmpty();
    }

    @Test
    void everyBundledProfileResolves() {
        assertThat(all()).hasSize(sources.catalogNames().size());
        assertThat(sources.catalogNames()).contains("ubuntu-22.04-base", "ubuntu-24.04-base", "rhel-9-base",
                "rhel-10-base", "debian-12-base", "debian-12-demo", "ubuntu-24.04-nvidia-hopper",
                "ubuntu-24.04-nvidia-blackwell-b200", "ubuntu-24.04-nvidia-gb200", "ubuntu-24.04-nvidia-vera-rubin",
                "rhel-10-nvidia-vera-rubin", "ubuntu-24.04-amd-mi300x");
    }

    @Test
    void nvidiaTargetsDisableNouveauAndBlackwellGraceRubinRunOpenModules() {
        for (ResolvedProfile r : all()) {
            Profile p = r.profile();
            for (Profile.Accelerator a : p.accelerators()) {
                if (a.vendor() != Profile.Vendor.NVIDIA) {
                    continue;
                }
                assertThat(p.kernel().modules().disable()).as(r.name()).contains("nouveau");
                if (a.family() != GpuFamily.HOPPER || p.platform().cpu() == Cpu.GRACE || p.platform().cpu() == Cpu.VERA) {
                    assertThat(a.driver().flavor()).as(r.name()).isEqualTo(Flavor.OPEN);
                }
            }
        }
    }

    @Test
    void armTargetsUse64kKernelsAndEveryGpuTargetCarriesRdma() {
        for (ResolvedProfile r : all()) {
            Profile p = r.profile();
            if (p.platform().cpu() == Cpu.GRACE || p.platform().cpu() == Cpu.VERA) {
                assertThat(p.os().arch()).as(r.name()).isEqualTo(Profile.Arch.AARCH64);
                assertThat(p.kernel().pageSize()).as(r.name()).isEqualTo(Profile.PageSize.SIZE_64K);
            }
            if (!p.accelerators().isEmpty()) {
                assertThat(p.network().rdma()).as(r.name()).isTrue();
            }
        }
    }

    @Test
    void everyHardwareSettingCitesAVendorDocument() throws IOException {
        for (ResolvedProfile r : all()) {
            if (r.profile().accelerators().isEmpty()) {
                continue;
            }
            String text = Files.readString(RepositoryFiles.catalogSources().resolve(r.name() + ".yaml"));
            assertThat(text).as(r.name()).containsPattern("# (NVIDIA|AMD) [A-Z][^\\n]*(Guide|optimization|guide)");
        }
    }

    @Test
    void demoProfileBuildsFromTheLocallySeededBase() {
        Profile demo = new ProfileResolver(sources).resolve("debian-12-demo").profile();
        assertThat(demo.base().image()).isEqualTo("nodeimage/debian:12");
        assertThat(demo.os().family()).isEqualTo(Profile.Family.DEBIAN);
        assertThat(demo.isAbstract()).isFalse();
    }
}
