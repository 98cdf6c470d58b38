package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderServiceTest {

    @TempDir
    Path project;

    private final Path profiles() throws Exception {
        return Files.createDirectories(project.resolve("profiles"));
    }

    private ResolvedProfile profile(String name, String body) throws Exception {
        Files.writeString(profiles().resolve(name + ".yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: " + name
                + "\nextends: debian-12-demo\n" + body);
        return new ProfileResolver(ProfileSources.withBundledCatalog(profiles(), project)).resolve(name);
    }

    @Test
    void unchangedInputsAreSkippedAndChangesRenderAgain() throws Exception {
        Path out = project.resolve("out");
        RenderService service = new RenderService(Map.of(), false);
        ResolvedProfile a = profile("a", "");
        RenderService.Outcome first = service.render(List.of(a), out).get(0);
        assertThat(first.unchanged()).isFalse();
        assertThat(first.files()).containsExactly("Containerfile", "plan.txt", "provision.sh");
        FileTime written = Files.getLastModifiedTime(out.resolve("a/Containerfile"));

        assertThat(service.render(List.of(a), out).get(0).unchanged()).isTrue();
        assertThat(Files.getLastModifiedTime(out.resolve("a/Containerfile"))).isEqualTo(written);

        // A changed profile renders again.
        ResolvedProfile changed = profile("a", "sysctl: {vm.swappiness: 10}\n");
        assertThat(service.render(List.of(changed), out).get(0).unchanged()).isFalse();
        assertThat(Files.readString(out.resolve("a/provision.sh"))).contains("vm.swappiness = 10");

        // So does a rendered file edited by hand, and other options.
        Files.writeString(out.resolve("a/Containerfile"), "edited\n");
        assertThat(service.render(List.of(changed), out).get(0).unchanged()).isFalse();
        assertThat(Files.readString(out.resolve("a/Containerfile"))).startsWith("# Containerfile for profile a");
        assertThat(new RenderService(Map.of("x", "https://m"), false).render(List.of(changed), out).get(0).unchanged())
                .isFalse();
    }

    @Test
    void aFailedRenderLeavesEveryPreviousOutputUntouched() throws Exception {
        Path out = project.resolve("out");
        ResolvedProfile good = profile("good", "");
        new RenderService(Map.of(), false).render(List.of(good), out);
        String before = Files.readString(out.resolve("good/provision.sh"));

        ResolvedProfile goodChanged = profile("good", "sysctl: {vm.swappiness: 10}\n");
        ResolvedProfile needsMirror = profile("mirrored", """
                repositories:
                  - {name: vendor, url: "mirror://vendor/debian", key: "mirror://vendor/key.gpg"}
                """);
        assertThatThrownBy(() -> new RenderService(Map.of(), false).render(List.of(goodChanged, needsMirror), out))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("repository 'vendor' uses mirror 'vendor', which is not configured");
        assertThat(Files.readString(out.resolve("good/provision.sh"))).isEqualTo(before);
        assertThat(out.resolve("mirrored")).doesNotExist();
        try (var left = Files.list(out.resolve("good"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aSelectionNamingAnUnconfiguredMirrorStopsAtItsLine() throws Exception {
        Path out = project.resolve("out");
        profile("mirrored", """
                repositories:
                  - {name: vendor, url: "mirror://vendr/debian", key: "mirror://vendor/key.gpg"}
                """);
        assertThatThrownBy(() -> new RenderService(Map.of("vendor", "https://mirror.example.internal/v"), false)
                .renderSelection(ProfileSources.withBundledCatalog(profiles(), project), List.of("mirrored"), out))
                .isInstanceOf(io.nodeimage.profile.ProfileException.class)
                .hasMessageContaining("profiles/mirrored.yaml:6:25: repositories[0].url: repository 'vendor' uses "
                        + "mirror 'vendr', which is not configured; did you mean 'mirror://vendor/'? configured "
                        + "mirrors: vendor");
        assertThat(out.resolve("mirrored")).doesNotExist();
    }

    @Test
    void aNewRenderRemovesWhatWasMadeFromThePreviousOneAndKeepsTheUsersFiles() throws Exception {
        Path out = project.resolve("out");
        RenderService service = new RenderService(Map.of(), false);
        service.render(List.of(profile("a", "")), out);
        Path dir = out.resolve("a");
        List<String> downstream = List.of("build.json", "facts.json", "report.json", "junit.xml", "report.sarif",
                "summary.md", "verification.json", "certificate.intoto.json", "certificate.md");
        for (String name : downstream) {
            Files.writeString(dir.resolve(name), "made from the previous render\n");
        }
        // A rendered file the manifest does not list (an older render, a lost manifest) is nodeimage's too.
        Files.writeString(dir.resolve("kickstart.ks"), "stale\n");
        Files.writeString(dir.resolve("notes.txt"), "the user's\n");

        // Unchanged: nothing is rewritten, so nothing made from it is stale.
        assertThat(service.render(List.of(profile("a", "")), out).get(0).unchanged()).isTrue();
        assertThat(dir.resolve("report.json")).exists();

        RenderService.Outcome changed = service.render(List.of(profile("a", "sysctl: {vm.swappiness: 10}\n")), out)
                .get(0);
        assertThat(changed.unchanged()).isFalse();
        assertThat(changed.stale()).containsExactly("kickstart.ks", "build.json", "facts.json", "report.json",
                "junit.xml", "report.sarif", "summary.md", "verification.json", "certificate.intoto.json",
                "certificate.md");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted()).containsExactly(
                    RenderService.MANIFEST, "Containerfile", "notes.txt", "plan.txt", "provision.sh");
        }
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("the user's\n");
    }

    @Test
    void mirrorsResolveRepositoryUrls() throws Exception {
        ResolvedProfile p = profile("mirrored", """
                repositories:
                  - {name: vendor, url: "mirror://vendor/debian", key: "mirror://vendor/key.gpg", suite: bookworm, components: [main]}
                """);
        Map<String, String> files = new Renderer(Map.of("vendor", "https://mirror.example.internal/vendor/"), false).render(p);
        assertThat(files.get("provision.sh")).contains("https://mirror.example.internal/vendor/debian bookworm main")
                .contains("fetch_key https://mirror.example.internal/vendor/key.gpg '-' /etc/apt/keyrings/vendor.gpg binary");
    }

    @Test
    void aSiteMirrorNamedLikeAVendorRepositoryReplacesItAndKeepsTheKeyPin() throws Exception {
        io.nodeimage.profile.ProfileSources sources = io.nodeimage.profile.ProfileSources.withBundledCatalog(null, null);
        ResolvedProfile hopper = new io.nodeimage.profile.ProfileResolver(sources).resolve("ubuntu-24.04-nvidia-blackwell-b200");
        String script = new Renderer(Map.of("nvidia-cuda", "https://mirror.example.internal/cuda/"), false)
                .render(hopper).get("provision.sh");
        assertThat(script)
                .contains("fetch_key https://mirror.example.internal/cuda/3bf863cc.pub EB693B3035CD5710E231E123A4B469963BF863CC "
                        + "/etc/apt/keyrings/nvidia-cuda.gpg binary")
                .contains("deb [signed-by=/etc/apt/keyrings/nvidia-cuda.gpg] https://mirror.example.internal/cuda/ /")
                .doesNotContain("developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/3bf863cc.pub ");
    }

    @Test
    void strictModeDemandsADigestPin() throws Exception {
        ResolvedProfile p = profile("loose", "");
        assertThatThrownBy(() -> new Renderer(Map.of(), true).render(p))
                .hasMessageContaining("strict mode demands a base image pinned by digest");
        ResolvedProfile pinned = profile("pinned", "base: {image: \"nodeimage/debian:12@sha256:" + "a".repeat(64) + "\"}\n");
        assertThat(new Renderer(Map.of(), true).render(pinned).get("Containerfile"))
                .contains("FROM nodeimage/debian:12@sha256:" + "a".repeat(64));
    }

    @Test
    void droppedOutputsAreRemovedOnTheNextRender() throws Exception {
        Path out = project.resolve("out");
        ResolvedProfile withContainerfile = profile("a", "");
        new RenderService(Map.of(), false).render(List.of(withContainerfile), out);
        Files.writeString(out.resolve("a/notes.txt"), "the user's\n");
        ResolvedProfile without = profile("a", "outputs: []\n");
        new RenderService(Map.of(), false).render(List.of(without), out);
        assertThat(out.resolve("a/Containerfile")).doesNotExist();
        assertThat(out.resolve("a/notes.txt")).as("files nodeimage does not write stay").exists();
    }

    @Test
    void baselineConflictingWithALoadedModuleMustBeSettled() throws Exception {
        ResolvedProfile p = profile("conflict", "kernel: {modules: {load: [usb_storage]}}\n");
        assertThatThrownBy(() -> new Renderer(Map.of(), false).render(p))
                .hasMessageContaining("disables 'usb-storage' for CIS-DEBIAN12-1.1.1.9 (CIS Debian Linux 12 Benchmark v1.1.0 1.1.1.9), but kernel.modules.load lists it");
        ResolvedProfile excluded = profile("excluded", """
                kernel: {modules: {load: [usb_storage]}}
                hardening: {exclude: ["1.1.1.9"]}
                """);
        assertThat(new Renderer(Map.of(), false).render(excluded).get("provision.sh")).doesNotContain("install usb-storage");
    }

    @Test
    void anUnchangedSelectionIsRecognisedFromItsSourcesAlone() throws Exception {
        Path out = project.resolve("out");
        Files.writeString(profiles().resolve("base.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: base\n"
                + "abstract: true\nextends: debian-12-demo\n");
        Files.writeString(profiles().resolve("node.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: node\n"
                + "extends: base\n");
        RenderService service = new RenderService(Map.of(), false);
        List<String> names = List.of("base", "node");

        List<RenderService.Outcome> first = service.renderSelection(ProfileSources.withBundledCatalog(profiles(), project),
                names, out);
        assertThat(first).extracting(RenderService.Outcome::profile, RenderService.Outcome::unchanged,
                RenderService.Outcome::isAbstract).containsExactly(
                org.assertj.core.groups.Tuple.tuple("base", false, true),
                org.assertj.core.groups.Tuple.tuple("node", false, false));
        assertThat(out.resolve(RenderIndex.FILE)).exists();

        assertThat(service.renderSelection(ProfileSources.withBundledCatalog(profiles(), project), names, out))
                .allSatisfy(o -> assertThat(o.unchanged()).isTrue());

        // A parent's change (even in a file the selection reaches only through extends) renders again.
        Files.writeString(profiles().resolve("base.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: base\n"
                + "abstract: true\nextends: debian-12-demo\nsysctl: {vm.swappiness: 5}\n");
        assertThat(service.renderSelection(ProfileSources.withBundledCatalog(profiles(), project), names, out))
                .filteredOn(o -> o.profile().equals("node")).singleElement()
                .satisfies(o -> assertThat(o.unchanged()).isFalse());
        assertThat(Files.readString(out.resolve("node/provision.sh"))).contains("vm.swappiness = 5");

        // A project file that now shadows a bundled profile of the chain renders again too.
        Files.writeString(profiles().resolve("debian-12-base.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\n"
                + "name: debian-12-base\nos: {family: debian, release: \"12\", arch: x86_64}\nbase: {image: \"debian:12\"}\n");
        assertThat(service.renderSelection(ProfileSources.withBundledCatalog(profiles(), project), names, out))
                .filteredOn(o -> o.profile().equals("node")).singleElement()
                .satisfies(o -> assertThat(o.unchanged()).isFalse());
        assertThat(Files.readString(out.resolve("node/provision.sh"))).doesNotContain("cramfs");

        // And so does an edited output file, or other options.
        Files.writeString(out.resolve("node/plan.txt"), "edited");
        assertThat(service.renderSelection(ProfileSources.withBundledCatalog(profiles(), project), names, out))
                .filteredOn(o -> o.profile().equals("node")).singleElement()
                .satisfies(o -> assertThat(o.unchanged()).isFalse());
        assertThat(new RenderService(Map.of(), true).header()).isNotEqualTo(service.header());
    }
}
