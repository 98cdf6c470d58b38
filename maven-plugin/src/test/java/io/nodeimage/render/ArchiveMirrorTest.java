package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site's archive mirror in every format, and nothing fetched from the base image's own archive before it. */
class ArchiveMirrorTest {

    private static final List<String> ARCHIVE_PROFILES = List.of("site-ubuntu-24.04-archive-mirror", "site-rhel-9-archive-mirror");
    /** A command that fetches from an archive, at the start of a provision.sh line. */
    private static final Pattern FETCH = Pattern.compile("(?m)^\\s+(apt-get (-o \\S+ )?(update|install)|dnf (-y )?(install|module)|fetch_key|install_release_package)\\b");

    @TempDir
    Path project;

    @Test
    void everyFetchOfProvisionShComesAfterTheArchiveIsInPlace() {
        for (String name : ARCHIVE_PROFILES) {
            String script = CatalogRenders.all().get(name).get(ProvisionScript.FILE);
            String phases = script.substring(script.indexOf("phase_trust() {"));
            int archive = phases.indexOf(phases.contains("apt-get") ? ArchiveSources.aptSourcesFile(plan(name))
                    : ArchiveSources.REPO_FILE + " 0644");
            Matcher first = FETCH.matcher(phases);
            assertThat(first.find()).as(name).isTrue();
            assertThat(archive).as(name + ": the archive before " + first.group()).isPositive().isLessThan(first.start());
        }
    }

    @Test
    void withoutAnArchiveNoFormatMentionsOne() {
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            if (ARCHIVE_PROFILES.contains(profile.getKey())) {
                continue;
            }
            profile.getValue().forEach((file, content) -> assertThat(content).as(profile.getKey() + " " + file)
                    .doesNotContain("archive-").doesNotContain("nodeimage-archive").doesNotContain("  apt:\n")
                    .doesNotContain("\nurl --url"));
            assertThat(profile.getValue().keySet()).noneMatch(f -> f.startsWith(ArchiveSources.BLUEPRINT_SOURCE));
        }
    }

    @Test
    void everyFormatNamesTheSameMirror() {
        Map<String, String> ubuntu = CatalogRenders.all().get("site-ubuntu-24.04-archive-mirror");
        String mirror = "https://mirror.example.internal/ubuntu";
        assertThat(ubuntu.get(ProvisionScript.FILE)).contains("URIs: " + mirror + "\nSuites: noble noble-updates noble-backports\n")
                .contains("URIs: " + mirror + "\nSuites: noble-security\n")
                .contains("Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg");
        for (String file : List.of(AutoinstallEmitter.FILE, AutoinstallEmitter.PACKER_FILE)) {
            assertThat(ubuntu.get(file)).contains("    primary:\n      - arches: [default]\n        uri: \"" + mirror + "\"")
                    .contains("    security:\n      - arches: [default]\n        uri: \"" + mirror + "\"");
        }
        Map<String, String> rhel = CatalogRenders.all().get("site-rhel-9-archive-mirror");
        String base = "http://rpm-mirror.example.internal/rhel/9.6/";
        for (String file : List.of(KickstartEmitter.FILE, KickstartEmitter.PACKER_FILE)) {
            assertThat(rhel.get(file)).contains("url --url=" + base + "BaseOS/x86_64/os\n")
                    .contains("repo --name=archive-appstream --baseurl=" + base + "AppStream/x86_64/os\n")
                    .contains("repo --name=archive-codeready --baseurl=" + base + "CodeReady/x86_64/os\n");
        }
        assertThat(rhel.get(ProvisionScript.FILE)).contains("baseurl=" + base + "BaseOS/x86_64/os\n")
                .contains("gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release");
        assertThat(rhel.get(ArchiveSources.blueprintSourceFile(io.nodeimage.plan.Step.ArchiveRole.APPSTREAM)))
                .contains("url = \"" + base + "AppStream/x86_64/os\"");
        // Packer installs with the same installer files and runs the same provision.sh.
        assertThat(rhel.get(PackerEmitter.FILE)).contains("provision.sh");
    }

    @Test
    void theImageModeKernelAndHeadersComeFromTheMirrorToo() throws Exception {
        ResolvedProfile rubin = profile("rubin-mirrored", """
                extends: site-rhel-10-vera-rubin
                archive: {baseos: "mirror://site/rhel10/BaseOS", appstream: "mirror://site/rhel10/AppStream"}
                """);
        String bootc = new Renderer(CatalogRenders.MIRRORS, false, io.nodeimage.support.SiteVendor.catalog())
                .render(rubin).get(BootcEmitter.FILE);
        String trust = "bash " + ContainerfileEmitter.SCRIPT_IN_IMAGE + " trust;";
        for (String stage : bootc.split("\nFROM ")) {
            if (!stage.contains("kernel-64k")) {
                continue;
            }
            // provision.sh is in place before the swap, whose first command puts the mirror in place.
            assertThat(stage.indexOf("COPY provision.sh")).isPositive().isLessThan(stage.indexOf(trust));
            assertThat(stage.indexOf(trust)).isLessThan(stage.indexOf("dnf install -y --setopt=install_weak_deps=False kernel-64k"));
        }
        String builder = BootcEmitter.builderScript(true);
        assertThat(bootc).contains(Quoting.json(builder));
        assertThat(builder.indexOf(trust)).isLessThan(builder.indexOf("kernel-devel-uname-r"));
    }

    @Test
    void debianNeedsItsSecurityArchiveAndGetsTheComponentsItsDriverNeeds() throws Exception {
        ResolvedProfile debian = profile("debian-mirrored", """
                extends: debian-12-nvidia
                archive: {url: "mirror://site/debian", security: "mirror://site/debian-security"}
                """);
        String script = new Renderer(CatalogRenders.MIRRORS, false).render(debian).get(ProvisionScript.FILE);
        assertThat(script).contains("write_file /etc/apt/sources.list.d/debian.sources 0644 root root")
                .contains("URIs: https://mirror.example.internal/debian\nSuites: bookworm bookworm-updates\n"
                        + "Components: main contrib non-free non-free-firmware\n"
                        + "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
                .contains("URIs: https://mirror.example.internal/debian-security\nSuites: bookworm-security\n")
                // No site CA: an image without a CA bundle stops with the way out, not in apt.
                .contains("if [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then");
    }

    @Test
    void ubuntuComponentsLeftOutAreDisabledInTheInstallerToo() throws Exception {
        ResolvedProfile lean = profile("lean", """
                extends: ubuntu-24.04-base
                abstract: false
                archive: {url: "mirror://site/ubuntu", components: [main, universe], suite: noble}
                """);
        Map<String, String> files = new Renderer(CatalogRenders.MIRRORS, false).render(lean);
        assertThat(files.get(AutoinstallEmitter.FILE)).contains("    disable_components: [restricted, multiverse]\n");
        assertThat(files.get(ProvisionScript.FILE)).contains("Components: main universe\n");
    }

    @Test
    void aMirrorThatResolvesToPlainHttpNeedsTheProfilesConsent() throws Exception {
        ResolvedProfile p = profile("plain", """
                extends: ubuntu-24.04-base
                abstract: false
                archive: {url: "mirror://site/ubuntu"}
                """);
        Map<String, String> http = Map.of("site", "http://mirror.example.internal/");
        assertThatThrownBy(() -> new Renderer(http, false).render(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("archive.url mirror://site/ubuntu is plain HTTP once resolved (http://mirror.example.internal/ubuntu)")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("archive.allowHttp: true"));
        ResolvedProfile allowed = profile("allowed", """
                extends: ubuntu-24.04-base
                abstract: false
                archive: {url: "mirror://site/ubuntu", allowHttp: true}
                """);
        assertThat(new Renderer(http, false).render(allowed).get(ProvisionScript.FILE))
                .contains("URIs: http://mirror.example.internal/ubuntu\n")
                .doesNotContain("ca-certificates.crt ]");
        assertThatThrownBy(() -> new Renderer(Map.of("site", "https://mirror.example.internal/x y\nurl"), false).render(p))
                .hasMessageContaining("is not a plain URL");
    }

    @Test
    void droppingTheArchiveRemovesTheBlueprintSources() throws Exception {
        Path out = project.resolve("out");
        RenderService service = new RenderService(CatalogRenders.MIRRORS, false, io.nodeimage.support.SiteVendor.catalog());
        service.render(List.of(profile("r9", "extends: site-rhel-9-archive-mirror\n")), out);
        assertThat(out.resolve("r9/blueprint-source-archive-baseos.toml")).exists();
        service.render(List.of(profile("r9", "extends: rhel-9-nvidia-hopper\n")), out);
        assertThat(out.resolve("r9/blueprint-source-archive-baseos.toml")).doesNotExist();
        assertThat(out.resolve("r9/blueprint.toml")).exists();
    }

    private ResolvedProfile profile(String name, String body) throws Exception {
        Path dir = Files.createDirectories(project.resolve("profiles"));
        Files.writeString(dir.resolve(name + ".yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: " + name + "\n" + body);
        Files.copy(siteProfiles().resolve("site-rhel-10-vera-rubin.yaml"), dir.resolve("site-rhel-10-vera-rubin.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(siteProfiles().resolve("site-rhel-9-archive-mirror.yaml"), dir.resolve("site-rhel-9-archive-mirror.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new ProfileResolver(ProfileSources.withBundledCatalog(dir, null), java.util.Set.of("site")).resolve(name);
    }

    private static Path siteProfiles() {
        return io.nodeimage.support.RepositoryFiles.root().resolve("maven-plugin/src/test/resources/site-profiles");
    }

    private static io.nodeimage.plan.Plan plan(String name) {
        return new io.nodeimage.plan.Planner(CatalogRenders.MIRRORS, io.nodeimage.support.SiteVendor.catalog())
                .plan(new ProfileResolver(CatalogRenders.sources()).resolve(name).profile());
    }
}
