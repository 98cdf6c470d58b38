package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.profile.Profile.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileResolverTest {

    @TempDir
    Path project;

    private ProfileFixtures fixtures() {
        return new ProfileFixtures(project);
    }

    @Test
    void minimalProfileLoads() {
        Profile p = fixtures().profile("node", MINIMAL_BODY).resolve("node").profile();
        assertThat(p.os().family()).isEqualTo(Profile.Family.UBUNTU);
        assertThat(p.os().release()).isEqualTo("24.04");
        assertThat(p.kernel().modules().disable()).isEmpty();
    }

    @Test
    void unknownKeyIsLocatedWithASuggestion() {
        List<String> problems = fixtures().profile("node", MINIMAL_BODY + """
                kernel:
                  modules:
                    disabel: [nouveau]
                """).problems("node");
        assertThat(problems).containsExactly("profiles/node.yaml:8:5: kernel.modules.disabel: unknown key 'disabel'; "
                + "did you mean 'disable'?");
    }

    @Test
    void badValuesAreLocatedByKeyPathAndAllReportedTogether() {
        List<String> problems = fixtures().profile("node", MINIMAL_BODY + """
                kernel:
                  cmdline: ["iommu=pt; rm -rf /"]
                  modules:
                    disable: [cramfs, usb-storage, "nouveau$(id)"]
                packages: {install: [chrony, "bad package"]}
                sysctl: {kernel.kptr_restrict: "2\\n"}
                services: {enable: true}
                """).problems("node");
        assertThat(problems).containsExactly(
                "profiles/node.yaml:7:13: kernel.cmdline[0]: 'iommu=pt; rm -rf /' is not a kernel argument such as "
                        + "iommu=pt or init_on_alloc=0 (no spaces or quotes)",
                "profiles/node.yaml:9:36: kernel.modules.disable[2]: 'nouveau$(id)' is not a kernel module name: "
                        + "letters, digits, '_' or '-'",
                "profiles/node.yaml:10:30: packages.install[1]: 'bad package' is not a package name: letters, digits "
                        + "and '.', '_', '+', '-', starting with a letter or digit",
                "profiles/node.yaml:11:32: sysctl[\"kernel.kptr_restrict\"]: '2\\n' is not a sysctl value: words of "
                        + "letters, digits and '.', ':', ',', '/', '-' separated by single spaces",
                "profiles/node.yaml:12:20: services.enable: expected a list, found the boolean true");
    }

    @Test
    void aBadKeyAndABadValueInOneFileAreReportedInOneRun() {
        ProfileFixtures f = fixtures()
                .profile("base", MINIMAL_BODY + "kernel: {cmdline: [iommu=pt]}\n")
                .profile("child", """
                        extends: base
                        kernel:
                          cmdline+: quiet
                          modules:
                            disabel: [nouveau]
                            load: ["nvidia;id"]
                        """)
                .file("odd.yaml", ProfileFixtures.HEADER + "name: even\n" + MINIMAL_BODY + """
                        packges: {install: [chrony]}
                        sysctl: {kernel.kptr_restrict: "2 $(id)"}
                        """);
        assertThat(f.problems("child", "odd")).containsExactly(
                "profiles/child.yaml:6:13: kernel.cmdline: 'cmdline+' appends a list, but its value is the text "
                        + "'quiet'; write a list, or 'cmdline:' to replace",
                "profiles/child.yaml:8:5: kernel.modules.disabel: unknown key 'disabel'; did you mean 'disable'?",
                "profiles/child.yaml:9:12: kernel.modules.load[0]: 'nvidia;id' is not a kernel module name: letters, "
                        + "digits, '_' or '-'",
                "profiles/odd.yaml:3:7: name: 'even' differs from the file name 'odd'; rename the file or the profile "
                        + "so that they match",
                "profiles/odd.yaml:6:1: packges: unknown key 'packges'; did you mean 'packages'?",
                "profiles/odd.yaml:7:32: sysctl[\"kernel.kptr_restrict\"]: '2 $(id)' is not a sysctl value: words of "
                        + "letters, digits and '.', ':', ',', '/', '-' separated by single spaces");
    }

    @Test
    void wrongTypesAndEnumsAreNamed() {
        List<String> problems = fixtures().profile("node", """
                os: {family: ubunto, release: "24.04", arch: [x86_64]}
                base: "ubuntu:24.04"
                """).problems("node");
        assertThat(problems).containsExactly(
                "profiles/node.yaml:4:14: os.family: 'ubunto' is not one of ubuntu, rhel, debian; did you mean 'ubuntu'?",
                "profiles/node.yaml:4:46: os.arch: expected one of x86_64, aarch64, found a list",
                "profiles/node.yaml:5:7: base: expected a mapping, found the text 'ubuntu:24.04'");
    }

    @Test
    void baseImagesFromASiteRegistryLoad() {
        String digest = "@sha256:" + "0123456789abcdef".repeat(4);
        Profile p = fixtures().profile("node", """
                os: {family: ubuntu, release: "24.04", arch: x86_64}
                base: {image: "registry.example.internal:5000/library/ubuntu:24.04%s", bootc: "localhost:5000/x"}
                """.formatted(digest)).resolve("node").profile();
        assertThat(p.base().image()).isEqualTo("registry.example.internal:5000/library/ubuntu:24.04" + digest);
        assertThat(p.base().bootc()).isEqualTo("localhost:5000/x");
        List<String> problems = fixtures().profile("upper", """
                os: {family: ubuntu, release: "24.04", arch: x86_64}
                base: {image: "registry.example.internal:5000/Library/ubuntu:24.04"}
                """).problems("upper");
        assertThat(problems).singleElement().asString()
                .startsWith("profiles/upper.yaml:5:15: base.image: 'registry.example.internal:5000/Library/ubuntu:24.04' "
                        + "is not an image reference")
                .contains("the repository path is lower-case");
    }

    @Test
    void mirrorsNamedByAProfileMustBeConfigured() {
        ProfileFixtures f = fixtures().profile("node", MINIMAL_BODY + """
                repositories:
                  - {name: cuda, url: "mirror://nvidai/cuda/ubuntu2404", key: "mirror://nvidia/cuda/ubuntu2404/k.pub"}
                  - {name: rocm, url: "mirror://nope/rocm", key: "https://repo.example.internal/rocm.gpg"}
                """);
        List<String> problems = new ProfileResolver(f.sources(), Set.of("nvidia", "ubuntu")).check(List.of("node"))
                .problems().stream().map(p -> p.format()).toList();
        assertThat(problems).containsExactly(
                "profiles/node.yaml:7:23: repositories[0].url: repository 'cuda' uses mirror 'nvidai', which is not "
                        + "configured; did you mean 'mirror://nvidia/'? configured mirrors: nvidia, ubuntu; set "
                        + "<mirrors><nvidai>https://...</nvidai></mirrors> in the plugin's configuration (validate and "
                        + "render share it)",
                "profiles/node.yaml:8:23: repositories[1].url: repository 'rocm' uses mirror 'nope', which is not "
                        + "configured; configured mirrors: nvidia, ubuntu; set <mirrors><nope>https://...</nope>"
                        + "</mirrors> in the plugin's configuration (validate and render share it)");
        assertThat(new ProfileResolver(f.sources(), Set.of()).check(List.of("node")).problems())
                .hasSize(3).allSatisfy(p -> assertThat(p.hint()).contains("no mirrors are configured"));
        ProfileFixtures archive = fixtures().profile("archived", MINIMAL_BODY + "archive: {url: \"mirror://ubuntoo/ubuntu\"}\n");
        assertThat(new ProfileResolver(archive.sources(), Set.of("nvidia", "ubuntu")).check(List.of("archived")).problems())
                .singleElement().satisfies(p -> assertThat(p.format()).startsWith("profiles/archived.yaml:6:16: archive.url: "
                        + "archive.url uses mirror 'ubuntoo', which is not configured; did you mean 'mirror://ubuntu/'?"));
        // validate knows the mirrors' base URLs too: an archive through a plain-HTTP mirror needs the profile's consent.
        ProfileFixtures http = fixtures().profile("plain", MINIMAL_BODY + "archive: {url: \"mirror://ubuntu/ubuntu\"}\n");
        assertThat(new ProfileResolver(http.sources(), Map.of("ubuntu", "http://mirror.example.internal/"))
                .check(List.of("plain")).problems()).singleElement().satisfies(p -> assertThat(p.format()).isEqualTo(
                        "profiles/plain.yaml:6:16: archive.url: 'mirror://ubuntu/ubuntu' is plain HTTP through mirror "
                                + "'ubuntu'; use https:// or mirror:// with an https:// mirror, or set archive.allowHttp: "
                                + "true where the site allows an unencrypted mirror (apt and dnf still check the "
                                + "distribution's signatures)"));
        assertThat(new ProfileResolver(http.sources(), Map.of("ubuntu", "https://mirror.example.internal/"))
                .check(List.of("plain")).problems()).isEmpty();
        // Goals that never resolve mirror:// URLs do not judge them.
        assertThat(f.problems("node")).isEmpty();
        assertThat(new ProfileResolver(f.sources(), Set.of("nvidia", "nvidai", "nope")).check(List.of("node"))
                .problems()).isEmpty();
    }

    @Test
    void yamlOneOneBooleansAreNotBooleans() {
        List<String> problems = fixtures().profile("node", MINIMAL_BODY + "network: {rdma: yes}\n").problems("node");
        assertThat(problems).containsExactly(
                "profiles/node.yaml:6:17: network.rdma: expected true or false, found the boolean yes");
    }

    @Test
    void missingRequiredKeysAreNamed() {
        List<String> problems = fixtures().profile("node", "os: {family: ubuntu, arch: x86_64}\n").problems("node");
        assertThat(problems).containsExactly(
                "profiles/node.yaml:1:1: missing required key 'base'; add 'base:' with a mapping",
                "profiles/node.yaml:4:5: os: missing required key 'release'; add 'release:' with a word of letters, "
                        + "digits and '.', '_', '+', '-'");
    }

    @Test
    void extendsMergesMapsReplacesListsAndAppendsWithPlus() {
        ProfileFixtures f = fixtures()
                .profile("base", MINIMAL_BODY + """
                        kernel:
                          cmdline: [quiet]
                          modules: {disable: [cramfs], load: [nvidia]}
                        packages: {install: [chrony, auditd]}
                        sysctl: {kernel.kptr_restrict: 2}
                        """)
                .profile("child", """
                        extends: base
                        os: {arch: aarch64}
                        kernel:
                          cmdline: [iommu=pt]
                          modules: {disable+: [nouveau]}
                        packages: {install+: [kmod]}
                        sysctl: {kernel.dmesg_restrict: 1}
                        """);
        ResolvedProfile resolved = f.resolve("child");
        Profile p = resolved.profile();
        assertThat(p.os().arch()).isEqualTo(Profile.Arch.AARCH64);
        assertThat(p.os().release()).isEqualTo("24.04");
        assertThat(p.kernel().cmdline()).containsExactly("iommu=pt");
        assertThat(p.kernel().modules().disable()).containsExactly("cramfs", "nouveau");
        assertThat(p.kernel().modules().load()).containsExactly("nvidia");
        assertThat(p.packages().install()).containsExactly("chrony", "auditd", "kmod");
        assertThat(p.sysctl()).containsEntry("kernel.kptr_restrict", "2").containsEntry("kernel.dmesg_restrict", "1");
        assertThat(p.parent()).isEqualTo("base");
        assertThat(resolved.chain()).containsExactly("base", "child");
        assertThat(resolved.sources()).containsExactly("profiles/base.yaml", "profiles/child.yaml");
    }

    @Test
    void abstractIsNotInherited() {
        ProfileFixtures f = fixtures().profile("base", "abstract: true\n" + MINIMAL_BODY).profile("child", "extends: base\n");
        assertThat(f.resolve("base").profile().isAbstract()).isTrue();
        assertThat(f.resolve("child").profile().isAbstract()).isFalse();
    }

    @Test
    void aMisplacedPlusSuggestsTheAppendingKey() {
        ProfileFixtures f = fixtures()
                .profile("base", MINIMAL_BODY + """
                        kernel: {cmdline: [iommu=pt]}
                        packages: {install: [openssh-server]}
                        """)
                .profile("child", """
                        extends: base
                        kernel:
                          +cmdline: [quiet]
                        packages:
                          install +: [kmod]
                          remove++: [telnet]
                        """);
        assertThat(f.problems("child")).containsExactly(
                "profiles/child.yaml:6:3: kernel.+cmdline: unknown key '+cmdline'; did you mean 'cmdline+'? "
                        + "('cmdline+:' appends to the inherited list; 'cmdline:' replaces it)",
                "profiles/child.yaml:8:3: packages[\"install +\"]: unknown key 'install +'; did you mean 'install+'? "
                        + "('install+:' appends to the inherited list; 'install:' replaces it)",
                "profiles/child.yaml:9:3: packages.remove++: unknown key 'remove++'; did you mean 'remove+'? "
                        + "('remove+:' appends to the inherited list; 'remove:' replaces it)");
        // Following the hint keeps what the parent had.
        Profile fixed = fixtures().profile("child", """
                extends: base
                kernel: {cmdline+: [quiet]}
                packages: {install+: [kmod]}
                """).resolve("child").profile();
        assertThat(fixed.kernel().cmdline()).containsExactly("iommu=pt", "quiet");
        assertThat(fixed.packages().install()).containsExactly("openssh-server", "kmod");
    }

    @Test
    void replacingAnInheritedListWithEntriesIsAWarning() {
        ProfileFixtures f = fixtures()
                .profile("base", MINIMAL_BODY + """
                        kernel: {cmdline: [iommu=pt, init_on_alloc=0]}
                        packages: {install: [openssh-server], remove: [telnet]}
                        services: {enable: [chrony]}
                        """)
                .profile("child", """
                        extends: base
                        kernel:
                          cmdline: [quiet, iommu=pt]
                        packages: {install+: [kmod], remove: []}
                        """)
                .profile("grandchild", """
                        extends: child
                        services:
                          enable:
                            - sshd
                        """);
        ProfileResolver.Result result = new ProfileResolver(f.sources()).check(List.of("child", "grandchild"));
        assertThat(result.problems()).isEmpty();
        assertThat(result.warnings()).extracting(p -> p.format()).containsExactly(
                "profiles/child.yaml:6:12: kernel.cmdline: replaces the inherited list written at "
                        + "profiles/base.yaml:6:19, dropping [init_on_alloc=0]; write 'cmdline+:' to add to the "
                        + "inherited list; keep 'cmdline:' only if dropping them is meant",
                "profiles/grandchild.yaml:7:5: services.enable: replaces the inherited list written at "
                        + "profiles/base.yaml:8:20, dropping [chrony]; write 'enable+:' to add to the "
                        + "inherited list; keep 'enable:' only if dropping them is meant");
        // A profile that extends nothing replaces nothing.
        assertThat(new ProfileResolver(f.sources()).check(List.of("base")).warnings()).isEmpty();
    }

    @Test
    void appendingToANonListIsAnError() {
        List<String> problems = fixtures().profile("base", MINIMAL_BODY)
                .profile("child", "extends: base\nos+: [x]\n").problems("child");
        assertThat(problems).containsExactly("profiles/child.yaml:5:1: os: '+' appends to a list, but the inherited "
                + "'os' is a mapping; write 'os:' to replace it");
    }

    @Test
    void extendsCycleIsReported() {
        List<String> problems = fixtures()
                .profile("a", "extends: b\n" + MINIMAL_BODY)
                .profile("b", "extends: c\n")
                .profile("c", "extends: a\n")
                .problems("a");
        assertThat(problems).containsExactly("profiles/c.yaml:4:10: extends: extends cycle: a -> b -> c -> a; "
                + "a profile cannot extend itself, directly or through others");
    }

    @Test
    void missingParentGetsASuggestion() {
        List<String> problems = fixtures().profile("ubuntu-base", MINIMAL_BODY)
                .profile("node", "extends: ubuntu-bsae\n").problems("node");
        assertThat(problems).containsExactly("profiles/node.yaml:4:10: extends: no profile named 'ubuntu-bsae' in "
                + "the profiles folder or the bundled catalog; did you mean 'ubuntu-base'?");
    }

    @Test
    void extendsCannotNameAPath() {
        List<String> problems = fixtures().profile("node", "extends: ../../../etc/passwd\n").problems("node");
        assertThat(problems).containsExactly("profiles/node.yaml:4:10: extends: '../../../etc/passwd' is not a "
                + "profile name; extends takes the name of a profile in the profiles folder or the bundled catalog, "
                + "never a path");
    }

    @Test
    void linkLeadingOutsideTheFolderIsRefused() throws Exception {
        Path outside = project.resolve("outside.yaml");
        Files.writeString(outside, ProfileFixtures.HEADER + "name: escape\n" + MINIMAL_BODY);
        ProfileFixtures f = fixtures();
        Files.createSymbolicLink(f.profiles().resolve("escape.yaml"), outside);
        ProfileSources sources = f.sources();
        assertThat(sources.projectNames()).doesNotContain("escape");
        assertThat(sources.folderProblems()).singleElement().satisfies(p -> assertThat(p.format())
                .isEqualTo("profiles/escape.yaml:1:1: is a link that leads outside the profiles folder; copy the "
                        + "profile into the folder, or extend a bundled profile by name"));
    }

    @Test
    void nameMustMatchTheFileName() {
        List<String> problems = fixtures().file("node.yaml", ProfileFixtures.HEADER + "name: other\n" + MINIMAL_BODY)
                .problems("node");
        assertThat(problems).containsExactly("profiles/node.yaml:3:7: name: 'other' differs from the file name "
                + "'node'; rename the file or the profile so that they match");
    }

    @Test
    void problemsInAParentAreReportedAtTheParent() {
        List<String> problems = fixtures().profile("base", MINIMAL_BODY + "kernal: {}\n")
                .profile("child", "extends: base\n").problems("child");
        assertThat(problems).containsExactly(
                "profiles/base.yaml:6:1: kernal: unknown key 'kernal'; did you mean 'kernel'?");
    }

    @Test
    void resolveThrowsWithEveryProblem() {
        ProfileFixtures f = fixtures().profile("node", "os: 1\nbase: 2\n");
        assertThatThrownBy(() -> f.resolve("node")).isInstanceOfSatisfying(ProfileException.class, e -> {
            assertThat(e.problems()).hasSize(2);
            assertThat(e.getMessage()).contains("profiles/node.yaml:4:5: os: expected a mapping, found the number 1");
        });
    }

    @Test
    void profilesExtendTheBundledCatalog() {
        ProfileFixtures f = fixtures().profile("site-hopper", """
                extends: ubuntu-24.04-nvidia-hopper
                kernel: {cmdline+: ["console=ttyS0,115200"]}
                """);
        ResolvedProfile resolved = new ProfileResolver(f.sourcesWithCatalog()).resolve("site-hopper");
        assertThat(resolved.profile().kernel().cmdline()).containsExactly("iommu=pt", "console=ttyS0,115200");
        assertThat(resolved.profile().accelerators().get(0).driver().flavor()).isEqualTo(Flavor.OPEN);
        assertThat(resolved.sources()).containsExactly("nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-base.yaml",
                "nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-nvidia-hopper.yaml", "profiles/site-hopper.yaml");
    }
}
