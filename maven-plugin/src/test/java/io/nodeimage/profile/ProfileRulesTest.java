package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileRulesTest {

    @TempDir
    Path project;

    private List<String> problems(String body) {
        return new ProfileFixtures(project).profile("node", body).problems("node");
    }

    @Test
    void blackwellRefusesTheProprietaryModules() {
        assertThat(problems(MINIMAL_BODY + """
                accelerators:
                  - {vendor: nvidia, family: blackwell, driver: {branch: "580", flavor: proprietary}}
                """)).containsExactly("profiles/node.yaml:7:73: accelerators[0].driver.flavor: NVIDIA blackwell GPUs "
                + "run only with the open kernel modules; set driver.flavor to open");
    }

    @Test
    void hopperOnGraceRefusesTheProprietaryModules() {
        assertThat(problems("""
                os: {family: ubuntu, release: "24.04", arch: aarch64}
                base: {image: "ubuntu:24.04"}
                platform: {cpu: grace}
                accelerators:
                  - {vendor: nvidia, family: hopper, driver: {branch: "580", flavor: proprietary}}
                """)).singleElement().asString().contains("NVIDIA GPUs on grace run only with the open kernel modules");
    }

    @Test
    void hopperOnX86AcceptsEitherFlavour() {
        assertThat(problems(MINIMAL_BODY + """
                accelerators:
                  - {vendor: nvidia, family: hopper, driver: {branch: "535", flavor: proprietary}}
                """)).isEmpty();
    }

    @Test
    void nvswitchNeedsFabricManagerAndMultiNodeNvlinkNeedsImex() {
        assertThat(problems(MINIMAL_BODY + """
                platform: {nvswitch: true, multiNodeNvlink: true}
                accelerators:
                  - {vendor: nvidia, family: hopper, driver: {branch: "580", flavor: open}}
                """)).containsExactly(
                "profiles/node.yaml:6:22: platform.nvswitch: an NVSwitch system needs NVIDIA Fabric Manager to bring "
                        + "up its GPUs; set fabricManager: true on the NVIDIA accelerator",
                "profiles/node.yaml:6:45: platform.multiNodeNvlink: multi-node NVLink needs the NVIDIA IMEX service "
                        + "to share GPU memory across nodes; set imex: true on the NVIDIA accelerator");
    }

    @Test
    void graceIsArmAnd64kPagesAreArmOnly() {
        assertThat(problems(MINIMAL_BODY + """
                platform: {cpu: grace}
                kernel: {pageSize: 64k}
                """)).containsExactly(
                "profiles/node.yaml:6:17: platform.cpu: cpu 'grace' does not run x86_64 images; Grace and Vera are "
                        + "Arm CPUs: set os.arch to aarch64",
                "profiles/node.yaml:7:20: kernel.pageSize: 64k pages exist only on aarch64; remove pageSize or set "
                        + "os.arch to aarch64");
    }

    @Test
    void vendorsAndFlavoursMustAgree() {
        assertThat(problems(MINIMAL_BODY + """
                accelerators:
                  - {vendor: amd, family: hopper, driver: {branch: "6.4", flavor: open}, imex: true}
                """)).containsExactly(
                "profiles/node.yaml:7:27: accelerators[0].family: 'hopper' is not a amd GPU family",
                "profiles/node.yaml:7:67: accelerators[0].driver.flavor: flavor 'open' is not a amd driver flavor; "
                        + "use dkms or inbox",
                "profiles/node.yaml:7:80: accelerators[0].imex: imex is an NVIDIA component; this accelerator is amd; "
                        + "remove it");
    }

    @Test
    void unknownReleaseListsTheKnownOnes() {
        assertThat(problems("""
                os: {family: rhel, release: "8.10", arch: x86_64}
                base: {image: "ubi9/ubi:9.6"}
                """)).containsExactly("profiles/node.yaml:4:29: os.release: release '8.10' is not a known rhel "
                + "release; use one of 9, 9.N, 10, 10.N");
    }

    @Test
    void outputsMustSuitTheFamily() {
        assertThat(problems(MINIMAL_BODY + "outputs: [containerfile, kickstart]\n")).containsExactly(
                "profiles/node.yaml:6:26: outputs[1]: kickstart is a RHEL format; this profile is ubuntu; "
                        + "remove 'kickstart' from outputs");
    }

    @Test
    void contradictionsAreCaughtTreatingDashAndUnderscoreAlike() {
        assertThat(problems(MINIMAL_BODY + """
                kernel: {modules: {load: [usb_storage], disable: [usb-storage]}}
                packages: {install: [telnet], remove: [telnet]}
                files:
                  - {path: /etc/a, content: x}
                  - {path: /etc/a, content: y}
                """)).containsExactly(
                "profiles/node.yaml:6:51: kernel.modules.disable[0]: 'usb-storage' is both loaded and disabled; "
                        + "keep it in one list only",
                "profiles/node.yaml:7:40: packages.remove[0]: 'telnet' is both installed and removed; keep it in one "
                        + "list only",
                "profiles/node.yaml:10:12: files[1].path: '/etc/a' appears twice; each path may appear once");
    }

    @Test
    void pathsCannotClimbOrCarryShellCharacters() {
        assertThat(problems(MINIMAL_BODY + """
                files:
                  - {path: /etc/../root/.ssh/authorized_keys, content: x}
                  - {path: "/etc/*.conf", content: x}
                  - {path: relative/file, content: x}
                """)).hasSize(3).allSatisfy(p -> assertThat(p).contains("is not an absolute path"));
    }

    @Test
    void anArchiveTakesTheKeysOfItsFamilyOnly() {
        assertThat(problems(MINIMAL_BODY + """
                archive:
                  url: https://mirror.example.internal/ubuntu
                  baseos: https://mirror.example.internal/rhel/BaseOS
                """)).containsExactly("profiles/node.yaml:8:11: archive.baseos: 'baseos' is a RHEL archive key; this "
                + "profile is ubuntu; give the archive's root as url (and security)");
        assertThat(problems("""
                os: {family: rhel, release: "9.6", arch: x86_64}
                base: {image: "ubi9/ubi:9.6"}
                archive: {url: "https://mirror.example.internal/rhel", appstream: "https://mirror.example.internal/as"}
                """)).containsExactly(
                "profiles/node.yaml:6:10: archive: a RHEL archive needs the baseos repository's base URL; add baseos: with "
                        + "the URL of the mirror's directory that holds repodata/",
                "profiles/node.yaml:6:16: archive.url: 'url' is a Debian/Ubuntu archive key; this profile is rhel; give "
                        + "the repositories' base URLs as baseos, appstream (and codeready)");
    }

    @Test
    void debianNamesItsSecurityArchiveAndAnUnknownSuiteMustBeWritten() {
        assertThat(problems("""
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "debian:12"}
                archive: {url: "mirror://site/debian"}
                """)).containsExactly("profiles/node.yaml:6:10: archive: Debian's security updates are an archive of their "
                + "own (debian-security); add security: with the URL of your mirror of it");
        assertThat(problems("""
                os: {family: ubuntu, release: "26.04", arch: x86_64}
                base: {image: "ubuntu:26.04"}
                archive: {url: "mirror://site/ubuntu"}
                """)).isEmpty();
    }

    @Test
    void plainHttpNeedsTheProfilesConsent() {
        String body = MINIMAL_BODY + """
                archive:
                  url: http://mirror.example.internal/ubuntu
                  security: https://mirror.example.internal/ubuntu
                """;
        assertThat(problems(body)).containsExactly("profiles/node.yaml:7:8: archive.url: 'http://mirror.example.internal/"
                + "ubuntu' is plain HTTP; use https:// or mirror://, or set archive.allowHttp: true where the site allows an "
                + "unencrypted mirror (apt and dnf still check the distribution's signatures)");
        assertThat(problems(body + "  allowHttp: true\n")).isEmpty();
        assertThat(problems(MINIMAL_BODY + "archive: {url: \"ftp://mirror.example.internal/ubuntu\"}\n"))
                .singleElement().asString().contains("archive.url").contains("http:// where archive.allowHttp allows it");
    }
}
