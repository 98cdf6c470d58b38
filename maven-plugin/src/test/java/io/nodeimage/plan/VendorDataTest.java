package io.nodeimage.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.support.SiteVendor;
import io.nodeimage.yaml.YamlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendor data and what plans make of it: sources, pinned keys, and no package from nowhere. */
class VendorDataTest {

    private static List<ResolvedProfile> catalog() {
        ProfileSources sources = ProfileSources.withBundledCatalog(null, null);
        return new ProfileResolver(sources).resolveAll(sources.catalogNames()).stream()
                .filter(r -> !r.profile().isAbstract()).toList();
    }

    @Test
    void everyCatalogEntryCitesItsSourceAndEveryVendorKeyIsPinned() {
        VendorCatalog c = VendorCatalog.bundled();
        assertThat(c.files()).hasSizeGreaterThanOrEqualTo(7);
        for (VendorCatalog.File f : c.files()) {
            VendorData d = f.data();
            d.repositories().forEach(r -> {
                assertThat(r.source().url()).as(f.shownAs() + " " + r.name()).startsWith("https://");
                if (!r.distributionComponents()) {
                    assertThat(r.key()).as(f.shownAs() + " " + r.name() + " key").isNotNull();
                    assertThat(r.key().fingerprint()).as(r.name()).matches("[0-9A-F]{40}");
                }
            });
            d.drivers().forEach(x -> assertThat(x.source().read()).isEqualTo("2026-11-27"));
            d.addons().forEach(x -> assertThat(x.source().title()).isNotBlank());
        }
    }

    @Test
    void everyPackageOfEveryCatalogPlanComesFromARepositoryThePlanConfiguresOrTheDistribution() {
        for (ResolvedProfile r : catalog()) {
            Plan plan = new Planner(Map.of(), SiteVendor.catalog()).plan(r.profile());
            Set<String> configured = new HashSet<>();
            plan.steps(Step.AddRepository.class).forEach(a -> configured.add(a.name()));
            plan.steps(Step.EnableComponents.class).forEach(e -> configured.add(e.name()));
            for (Step.Package p : plan.packages()) {
                assertThat(p.from().equals(Step.Package.DISTRIBUTION) || configured.contains(p.from()))
                        .as(r.name() + ": " + p.name() + " from " + p.from()).isTrue();
            }
            for (Step.AddRepository a : plan.steps(Step.AddRepository.class)) {
                assertThat(a.fingerprint()).as(r.name() + ": key of " + a.name()).isNotNull();
            }
        }
    }

    @Test
    void aTargetWhoseRepositoryKeyIsNotPinnedIsRefusedWithTheWayOut() {
        ProfileSources sources = ProfileSources.withBundledCatalog(
                io.nodeimage.support.RepositoryFiles.root().resolve("maven-plugin/src/test/resources/site-profiles"), null);
        ResolvedProfile rubin = new ProfileResolver(sources).resolve("site-rhel-10-vera-rubin");
        assertThatThrownBy(() -> new Planner(Map.of()).plan(rubin.profile()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("comes from the repository 'nvidia-cuda', which the vendor data does not define for rhel 10")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("fingerprint"));
    }

    @Test
    void aTransitionalBranchIsRefusedNamingTheBranchTheNodeGets() throws Exception {
        assertThatThrownBy(() -> new Planner(Map.of()).plan(profile("""
                accelerators: [{vendor: nvidia, family: blackwell, driver: {branch: "590", flavor: open}}]
                """)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("transitional")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("\"595\""));
    }

    @Test
    void dkmsModulesNeedASecureBootChoice() throws Exception {
        assertThatThrownBy(() -> new Planner(Map.of()).plan(profile("""
                accelerators: [{vendor: nvidia, family: hopper, driver: {branch: "580", flavor: open, modules: dkms}}]
                """)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nothing signs them for Secure Boot");
        Plan signed = new Planner(Map.of()).plan(profile("""
                accelerators: [{vendor: nvidia, family: hopper, driver: {branch: "580", flavor: open, modules: dkms}}]
                secureBoot: {mok: generated, mokName: "Example GPU nodes MOK"}
                """));
        assertThat(signed.steps(Step.ModuleSigningKey.class)).singleElement()
                .satisfies(k -> assertThat(k.commonName()).isEqualTo("Example GPU nodes MOK"));
        assertThat(signed.packages()).extracting(Step.Package::name).contains("nvidia-dkms-580-server-open")
                .doesNotContain("linux-modules-nvidia-580-server-open-generic");
        Plan precompiled = new Planner(Map.of()).plan(profile("""
                accelerators: [{vendor: nvidia, family: hopper, driver: {branch: "580", flavor: open}}]
                """));
        assertThat(precompiled.steps(Step.ModuleSigningKey.class)).isEmpty();
        assertThat(precompiled.packages()).extracting(Step.Package::name).contains("linux-modules-nvidia-580-server-open-generic");
    }

    @Test
    void imexGetsItsNodeListAndItsPortAndContainersOnSelinuxTheirDevices() throws Exception {
        Plan plan = new Planner(Map.of()).plan(profile("""
                accelerators: [{vendor: nvidia, family: blackwell, driver: {branch: "580", flavor: open}, imex: true,
                                containerToolkit: true, imexNodes: [10.0.0.11, 10.0.0.12, "fd00::13"]}]
                """));
        assertThat(plan.steps(Step.WriteFile.class)).filteredOn(f -> f.path().equals("/etc/nvidia-imex/nodes_config.cfg"))
                .singleElement().satisfies(f -> assertThat(f.content()).isEqualTo("10.0.0.11\n10.0.0.12\nfd00::13\n"));
        assertThat(plan.steps(Step.OpenPort.class)).extracting(Step.OpenPort::port).containsExactly("50000/tcp");
        assertThat(plan.steps(Step.SelinuxBoolean.class)).as("Ubuntu has no SELinux policy").isEmpty();
        Plan rhel = new Planner(Map.of()).plan(profileOn("{family: rhel, release: \"9\", arch: x86_64}", """
                accelerators: [{vendor: nvidia, family: hopper, driver: {branch: "580", flavor: open, modules: dkms},
                                containerToolkit: true}]
                secureBoot: {mok: generated}
                """));
        assertThat(rhel.steps(Step.SelinuxBoolean.class)).extracting(Step.SelinuxBoolean::name)
                .containsExactly("container_use_devices");
    }

    @Test
    void anEntryWithoutASourceIsALoadErrorWithItsPlace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("site.yaml"), """
                apiVersion: nodeimage/v1
                kind: VendorData
                repositories:
                  - name: site-cuda
                    for: {family: ubuntu}
                    url: https://mirror.example.internal/cuda/
                    key: {url: https://mirror.example.internal/cuda/key.pub, fingerprint: EB693B3035CD5710E231E123A4B469963BF863CC}
                """);
        assertThatThrownBy(() -> VendorCatalog.load(dir, dir, VendorCatalog.class.getClassLoader()))
                .isInstanceOf(YamlException.class)
                .hasMessageContaining("site.yaml:4:")
                .hasMessageContaining("source");
    }

    @TempDir
    Path project;

    private io.nodeimage.profile.Profile profile(String extra) throws Exception {
        return profileOn("{family: ubuntu, release: \"24.04\", arch: x86_64}", extra);
    }

    private io.nodeimage.profile.Profile profileOn(String os, String extra) throws Exception {
        Path dir = Files.createDirectories(project.resolve("profiles"));
        Files.writeString(dir.resolve("gpu.yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: gpu
                base: {image: "ubuntu:24.04"}
                """ + "os: " + os + "\n" + extra);
        return new ProfileResolver(new ProfileSources(dir, project, null)).resolve("gpu").profile();
    }
}
