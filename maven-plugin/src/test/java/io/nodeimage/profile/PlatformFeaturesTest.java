package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.plan.PlatformSupport;
import io.nodeimage.plan.VendorCatalog;
import io.nodeimage.support.RepositoryFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-tenant keys of platform (hmm, numaBalancing, nestedVirtualization, mpam): what validate refuses, at
 * the file, line and column of the key, with the reason and the release or fix needed.
 */
class PlatformFeaturesTest {

    @TempDir
    Path project;

    /** validate as the goal runs it: the profile's own rules, then the catalog's vendor data. */
    private static List<String> validate(ProfileSources sources, String name) {
        return ProfileValidation.run(sources, List.of(name), false, Map.of(),
                        new PlatformSupport(VendorCatalog.bundled()))
                .problems().stream().map(p -> p.format()).toList();
    }

    private List<String> validate(String body) {
        ProfileFixtures fixtures = new ProfileFixtures(project).profile("node", body);
        return validate(fixtures.sourcesWithCatalog(), "node");
    }

    @Test
    void mpamAndArmNestedVirtualizationOnACatalogKernelFailWithTheReleaseNeeded() {
        Path resources = RepositoryFiles.root().resolve("maven-plugin/src/test/resources");
        List<String> problems = validate(ProfileSources.withBundledCatalog(resources.resolve("platform-profiles"),
                resources), "vera-rubin-mpam-on-noble");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("platform-profiles/vera-rubin-mpam-on-noble.yaml:8:25: "
                + "platform.nestedVirtualization: arm64 KVM nested virtualization (kvm-arm.mode=nested) needs Linux 6.16 "
                + "or later ([GIT PULL] KVM/arm64 updates for 6.16").contains(
                "but linux-nvidia-64k on ubuntu 24.04 aarch64 ships 6.8 (Ubuntu Packages, noble-updates: linux-image-nvidia-64k");
        assertThat(problems.get(1)).startsWith("platform-profiles/vera-rubin-mpam-on-noble.yaml:10:5: platform.mpam: "
                + "Arm MPAM through resctrl needs Linux 7.1 or later").contains("ships 6.8")
                .endsWith("; name a kernel.package of release 7.1 or later (with a kernels entry in your project's vendor "
                        + "folder), or remove it for this target");
    }

    @Test
    void mpamOnX86IsRefused() {
        assertThat(validate(MINIMAL_BODY + """
                platform:
                  mpam: {groups: [{name: tenant-a, cache: "0=ff"}]}
                """)).containsExactly("profiles/node.yaml:7:9: platform.mpam: MPAM is Arm's memory partitioning; this "
                + "profile is x86_64; remove platform.mpam, or set os.arch: aarch64");
    }

    @Test
    void hmmNeedsAnNvidiaAcceleratorAndItsOpenModules() {
        assertThat(validate(MINIMAL_BODY + """
                platform: {hmm: required}
                accelerators:
                  - {vendor: amd, family: cdna3, driver: {branch: "7.0", flavor: dkms}}
                """)).containsExactly("profiles/node.yaml:6:17: platform.hmm: hmm is a setting of NVIDIA's UVM driver "
                + "(nvidia_uvm), and this profile has no NVIDIA accelerator to use it; remove platform.hmm, or add the "
                + "NVIDIA accelerator");
        assertThat(validate(MINIMAL_BODY + """
                platform: {hmm: required}
                accelerators:
                  - {vendor: nvidia, family: hopper, driver: {branch: "580", flavor: proprietary}}
                """)).singleElement().asString().startsWith("profiles/node.yaml:6:17: platform.hmm: HMM needs NVIDIA's "
                + "open kernel modules");
    }

    @Test
    void hmmRequiredOnGraceIsRefusedBecauseTheDriverDoesNotDoItThere() {
        assertThat(validate("""
                extends: ubuntu-24.04-nvidia-gb200
                platform: {hmm: required}
                """)).singleElement().asString().startsWith("profiles/node.yaml:5:17: platform.hmm: HMM in NVIDIA's UVM "
                + "driver does not work on aarch64: NVIDIA's UVM driver implements HMM for x86_64 only");
    }

    @Test
    void hmmRequiredOnAnX86KernelThatHasItPasses() {
        assertThat(validate("""
                extends: ubuntu-24.04-nvidia-hopper
                platform: {hmm: required, nestedVirtualization: true, numaBalancing: enabled}
                """)).isEmpty();
    }

    @Test
    void hmmRequiredOnRhel9sKernelNamesTheReleaseNeeded() {
        assertThat(validate("""
                extends: rhel-9-nvidia-hopper
                platform: {hmm: required}
                """)).singleElement().asString().startsWith("profiles/node.yaml:5:17: platform.hmm: HMM in NVIDIA's UVM "
                + "driver needs Linux 6.3 or later").contains("but the default kernel of rhel 9.6 x86_64 ships 5.14");
    }

    @Test
    void aKernelTheVendorDataDoesNotKnowIsAnErrorWithTheFix() {
        assertThat(validate("""
                extends: ubuntu-24.04-nvidia-vera-rubin
                kernel: {package: linux-nvidia-64k-hwe-24.04}
                platform: {nestedVirtualization: true}
                """)).singleElement().asString().isEqualTo("profiles/node.yaml:6:34: platform.nestedVirtualization: "
                + "arm64 KVM nested virtualization (kvm-arm.mode=nested) needs Linux 6.16 or later, and the vendor data "
                + "does not know which release linux-nvidia-64k-hwe-24.04 on ubuntu 24.04 aarch64 ships; add a kernels "
                + "entry for it (for, packages, release, source) to your project's vendor folder (docs/profiles.md, "
                + "'Multi-tenant features')");
    }

    @Test
    void groupNamesAndValuesOfTheWrongShapeAreRefused() {
        assertThat(validate("""
                os: {family: ubuntu, release: "24.04", arch: aarch64}
                base: {image: "ubuntu:24.04"}
                platform:
                  mpam:
                    groups:
                      - {name: "Tenant A", cache: "0=ff"}
                      - {name: tenant-b, cache: "0=ff;1=zz"}
                """)).containsExactly(
                "profiles/node.yaml:9:16: platform.mpam.groups[0].name: 'Tenant A' is not a resctrl group name: "
                        + "lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 32",
                "profiles/node.yaml:10:33: platform.mpam.groups[1].cache: '0=ff;1=zz' is not cache domains and bitmasks "
                        + "such as \"0=00ff;1=00ff\" (domain id=hex capacity bitmask)");
    }

    @Test
    void reservedDuplicateEmptyAndOverfullGroupsAreRefused() {
        assertThat(validate("""
                os: {family: ubuntu, release: "24.04", arch: aarch64}
                base: {image: "ubuntu:24.04"}
                platform:
                  mpam:
                    groups:
                      - {name: info, cache: "0=ff"}
                      - {name: tenant-c, bandwidth: "0=150"}
                      - {name: tenant-c}
                """)).containsExactly(
                "profiles/node.yaml:9:16: platform.mpam.groups[0].name: 'info' is one of resctrl's own directories "
                        + "(info, mon_groups, mon_data); choose another group name",
                "profiles/node.yaml:10:37: platform.mpam.groups[1].bandwidth: bandwidth '0=150' is not a percentage "
                        + "from 1 to 100 (resctrl's MB schemata, mounted without mba_MBps); write domain=percent, such as 0=50",
                "profiles/node.yaml:11:9: platform.mpam.groups[2]: group 'tenant-c' partitions nothing; give it cache, "
                        + "bandwidth or both",
                "profiles/node.yaml:11:16: platform.mpam.groups[2].name: 'tenant-c' appears twice; each group name may "
                        + "appear once");
    }

    @Test
    void aSettingWrittenTwiceIsRefused() {
        assertThat(validate("""
                extends: ubuntu-24.04-nvidia-hopper
                platform: {hmm: required, numaBalancing: disabled, nestedVirtualization: false}
                sysctl: {kernel.numa_balancing: 0}
                kernel:
                  modules:
                    options: {nvidia_uvm: "uvm_disable_hmm=1", kvm-intel: "nested=1 enable_apicv=1"}
                """)).containsExactly(
                "profiles/node.yaml:6:33: sysctl[\"kernel.numa_balancing\"]: automatic NUMA balancing is set twice: "
                        + "platform.numaBalancing and sysctl kernel.numa_balancing; keep platform.numaBalancing and "
                        + "remove the sysctl entry",
                "profiles/node.yaml:9:27: kernel.modules.options.nvidia_uvm: nvidia_uvm uvm_disable_hmm is set twice: "
                        + "platform.hmm and kernel.modules.options; keep platform.hmm and remove uvm_disable_hmm from the "
                        + "options of nvidia_uvm",
                "profiles/node.yaml:9:59: kernel.modules.options.kvm-intel: kvm_intel nested is set twice: "
                        + "platform.nestedVirtualization and kernel.modules.options; keep platform.nestedVirtualization "
                        + "and remove nested from the options of kvm-intel");
    }

    @Test
    void armNestedVirtualizationAndACommandLineModeConflict() {
        assertThat(validate("""
                extends: ubuntu-24.04-nvidia-vera-rubin
                platform: {nestedVirtualization: false}
                kernel: {cmdline+: [kvm-arm.mode=protected]}
                """)).singleElement().asString().isEqualTo("profiles/node.yaml:6:21: kernel.cmdline[1]: "
                + "'kvm-arm.mode=protected' is set twice: platform.nestedVirtualization renders kvm-arm.mode; remove it "
                + "from kernel.cmdline");
    }
}
