package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.nodeimage.support.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What nodeimage writes, read by the real tools that will read it: shellcheck, cloud-init, packer, TOML. */
class ValidatorsTest {

    @TempDir
    Path dir;

    @Test
    void shellcheckPassesEveryShellScriptAndFragment() throws Exception {
        List<String> files = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            Map<String, String> out = profile.getValue();
            files.add(write(profile.getKey() + "-provision.sh", out.get(ProvisionScript.FILE)));
            String script = out.get(ProvisionScript.FILE);
            if (out.containsKey(AutoinstallEmitter.FILE)) {
                for (String command : AutoinstallEmitter.lateCommands(script)) {
                    files.add(write(profile.getKey() + "-late-" + n++ + ".sh", "#!/bin/sh\n" + command + "\n"));
                }
            }
            boolean archive = planOf(profile.getKey()).archive().isPresent();
            if (out.containsKey(BootcEmitter.FILE) && out.get(BootcEmitter.FILE).contains("AS driver-builder")) {
                String builder = BootcEmitter.builderScript(archive);
                assertThat(out.get(BootcEmitter.FILE)).contains(Quoting.json(builder))
                        .contains(Quoting.json(BootcEmitter.DEPMOD_SCRIPT));
                files.add(write(profile.getKey() + "-bootc-builder.sh", "#!/bin/bash\n" + builder + "\n"));
                files.add(write(profile.getKey() + "-bootc-depmod.sh", "#!/bin/bash\n" + BootcEmitter.DEPMOD_SCRIPT + "\n"));
            }
            String bootc = out.get(BootcEmitter.FILE);
            if (bootc != null && bootc.contains("kernel replaces")) {
                String swap = BootcEmitter.kernelSwap(planOf(profile.getKey())).orElseThrow();
                swap = archive ? BootcEmitter.swapAfterArchive(swap) : swap;
                assertThat(bootc).contains(Quoting.json(swap));
                files.add(write(profile.getKey() + "-bootc-kernel.sh", "#!/bin/bash\n" + swap + "\n"));
            }
            if (out.containsKey(KickstartEmitter.FILE)) {
                files.add(write(profile.getKey() + "-post.sh", "#!/usr/bin/bash\n" + KickstartEmitter.post(script)));
            }
            if (out.containsKey(KickstartEmitter.PACKER_FILE)) {
                assertThat(out.get(KickstartEmitter.PACKER_FILE)).contains(KickstartEmitter.buildUserPost());
                files.add(write(profile.getKey() + "-build-user-post.sh", "#!/usr/bin/bash\n" + KickstartEmitter.buildUserPost()));
            }
            if (out.containsKey(AutoinstallEmitter.PACKER_FILE)) {
                for (String command : AutoinstallEmitter.buildUserCommands()) {
                    assertThat(out.get(AutoinstallEmitter.PACKER_FILE)).contains(Quoting.json(command));
                    files.add(write(profile.getKey() + "-build-user-" + n++ + ".sh", "#!/bin/sh\n" + command + "\n"));
                }
            }
        }
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style"));
        command.addAll(files);
        ExternalTool.Result result = ExternalTool.run(dir, command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(files).hasSizeGreaterThan(CatalogRenders.all().size());
    }

    @Test
    void cloudInitAcceptsEveryUserData() throws Exception {
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            for (String name : List.of(AutoinstallEmitter.FILE, AutoinstallEmitter.PACKER_FILE)) {
                String userData = profile.getValue().get(name);
                if (userData == null) {
                    continue;
                }
                // As Packer serves it: the placeholder replaced by a base64-encoded key.
                String served = userData.replace(BuildUser.KEY_PLACEHOLDER, java.util.Base64.getEncoder()
                        .encodeToString("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq build@example".getBytes()));
                String file = write(profile.getKey() + "-" + name, served);
                ExternalTool.Result result = ExternalTool.run(dir, "cloud-init", "schema", "--config-file", file);
                assertThat(result.exitCode()).as(profile.getKey() + " " + name + ": " + result.output()).isZero();
                assertThat(result.output()).contains("Valid cloud-config");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1);
    }

    /**
     * Subiquity reads autoinstall's apt section in curtin's format (Subiquity autoinstall reference, apt), which
     * is cloud-init's apt configuration: cloud-init's schema checks it, less the keys only Subiquity knows, whose
     * values are checked against Subiquity's own schema (subiquity/server/controllers/mirror.py).
     */
    @Test
    void cloudInitAcceptsTheArchiveMirrorOfEveryUserDataAsAptConfiguration() throws Exception {
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            for (String name : List.of(AutoinstallEmitter.FILE, AutoinstallEmitter.PACKER_FILE)) {
                String userData = profile.getValue().get(name);
                if (userData == null || !userData.contains("\n  apt:\n")) {
                    continue;
                }
                JsonNode apt = io.nodeimage.support.YamlJson.toJson(io.nodeimage.yaml.SafeYaml.parse(
                        userData.getBytes(java.nio.charset.StandardCharsets.UTF_8), name)).at("/autoinstall/apt");
                com.fasterxml.jackson.databind.node.ObjectNode curtin = apt.deepCopy();
                assertThat(curtin.remove("geoip").asBoolean(true)).isFalse();
                assertThat(curtin.remove("fallback").asText()).isIn("abort", "continue-anyway", "offline-install");
                JsonNode disabled = curtin.remove("disable_components");
                if (disabled != null) {
                    disabled.forEach(c -> assertThat(c.asText()).isIn("universe", "multiverse", "restricted", "contrib", "non-free"));
                }
                io.nodeimage.plan.Step.UseArchive archive = planOf(profile.getKey()).archive().orElseThrow();
                assertThat(curtin.at("/primary/0/uri").asText()).isEqualTo(archive.sources().get(0).url());
                assertThat(curtin.at("/security/0/uri").asText()).isEqualTo(archive.sources().get(1).url());
                String file = write(profile.getKey() + "-" + name + "-apt", "#cloud-config\napt: " + curtin + "\n");
                ExternalTool.Result result = ExternalTool.run(dir, "cloud-init", "schema", "--config-file", file);
                assertThat(result.exitCode()).as(profile.getKey() + " " + name + ": " + result.output()).isZero();
                assertThat(result.output()).contains("Valid cloud-config");
                checked++;
            }
        }
        assertThat(checked).as("user-data with an archive mirror").isGreaterThanOrEqualTo(2);
        // The same check refuses an apt section that curtin would not read.
        String bad = write("bad-apt", "#cloud-config\napt: {\"primary\": [{\"uri\": \"https://m.example.internal/ubuntu\"}], "
                + "\"geoip\": false}\n");
        assertThat(ExternalTool.run(dir, "cloud-init", "schema", "--config-file", bad).exitCode()).isNotZero();
    }

    @Test
    void onlyTheInstallerFilesPackerServesHaveTheBuildUser() {
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            Map<String, String> out = profile.getValue();
            for (String name : List.of(AutoinstallEmitter.FILE, KickstartEmitter.FILE)) {
                if (out.containsKey(name)) {
                    assertThat(out.get(name)).as(profile.getKey() + " " + name)
                            .doesNotContain(BuildUser.NAME).doesNotContain(BuildUser.KEY_PLACEHOLDER);
                }
            }
            String template = out.get(PackerEmitter.FILE);
            if (template != null) {
                String served = out.get(PackerEmitter.installerFile(planOf(profile.getKey())));
                assertThat(served).as(profile.getKey()).containsOnlyOnce(BuildUser.KEY_PLACEHOLDER).contains(BuildUser.SUDOERS);
                assertThat(template).contains("file(" + Quoting.hcl(PackerEmitter.installerFile(planOf(profile.getKey()))) + ")")
                        .contains(BuildUser.removeAndPowerOff().replace("\"", "\\\""));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(0);
    }

    @Test
    void cloudInitRejectsMalformedUserData() throws Exception {
        String file = write("bad-user-data", "#cloud-config\nusers: 5\nruncmd: {a: 1}\n");
        ExternalTool.Result result = ExternalTool.run(dir, "cloud-init", "schema", "--config-file", file);
        assertThat(result.exitCode()).as("the validator can fail").isNotZero();
    }

    @Test
    void packerValidatesEveryTemplate() throws Exception {
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            String template = profile.getValue().get(PackerEmitter.FILE);
            if (template == null) {
                continue;
            }
            assertThat(template).contains(PackerEmitter.REQUIRED_PLUGINS);
            Path templateDir = Files.createDirectories(dir.resolve(profile.getKey()));
            // The whole template as shipped is canonical HCL2 by Packer's own formatter.
            Path shipped = Files.createDirectories(dir.resolve(profile.getKey() + "-fmt")).resolve(PackerEmitter.FILE);
            Files.writeString(shipped, template);
            ExternalTool.Result fmt = ExternalTool.run(shipped.getParent(), "packer", "fmt", "-check", "-diff", PackerEmitter.FILE);
            assertThat(fmt.exitCode()).as(profile.getKey() + ": " + fmt.output()).isZero();
            // Packer 1.6 predates required_plugins and the attributes in CURRENT_PACKER_ONLY; validate the rest, ship all.
            String old = withoutCurrentPackerOnly(template.replace(PackerEmitter.REQUIRED_PLUGINS, ""));
            for (Map.Entry<String, String> file : profile.getValue().entrySet()) {
                Files.writeString(templateDir.resolve(file.getKey()), file.getValue());
            }
            Files.writeString(templateDir.resolve(PackerEmitter.FILE), old);
            Files.writeString(templateDir.resolve("id_ed25519"), throwawayPrivateKey());
            Files.writeString(templateDir.resolve("id_ed25519.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq build@example\n");
            ExternalTool.Result result = ExternalTool.run(templateDir, "packer", "validate",
                    "-var", "iso_url=installer.iso", "-var", "iso_checksum=sha256:" + "0".repeat(64),
                    "-var", "ssh_private_key_file=id_ed25519", "-var", "ssh_public_key_file=id_ed25519.pub", ".");
            assertThat(result.exitCode()).as(profile.getKey() + ": " + result.output()).isZero();
            checked++;
        }
        assertThat(checked).isGreaterThan(0);
    }

    @Test
    void everyBlueprintAndKargsFileIsTomlThatSaysWhatThePlanSays() throws Exception {
        TomlMapper toml = new TomlMapper();
        int checked = 0;
        int sources = 0;
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            String blueprint = profile.getValue().get(BlueprintEmitter.FILE);
            if (blueprint != null) {
                JsonNode tree = toml.readTree(blueprint);
                assertThat(tree.get("name").asText()).isEqualTo(profile.getKey());
                assertThat(tree.get("packages").isArray()).isTrue();
                assertThat(tree.at("/customizations/files/0/path").asText()).startsWith("/etc/");
                checked++;
            }
            var archive = planOf(profile.getKey()).archive();
            if (blueprint != null && archive.isPresent()) {
                for (io.nodeimage.plan.Step.ArchiveSource source : archive.get().sources()) {
                    String name = ArchiveSources.blueprintSourceFile(source.role());
                    JsonNode tree = toml.readTree(profile.getValue().get(name));
                    // composer-cli sources add: id, name, type, url, check_ssl, check_gpg; system sources are the host's.
                    assertThat(tree.get("id").asText()).isEqualTo(source.role().id());
                    assertThat(tree.get("name").asText()).isNotBlank();
                    assertThat(tree.get("type").asText()).isEqualTo("yum-baseurl");
                    assertThat(tree.get("url").asText()).isEqualTo(source.url());
                    assertThat(tree.get("check_gpg").asBoolean()).isTrue();
                    assertThat(tree.get("check_ssl").isBoolean()).isTrue();
                    assertThat(tree.get("system").asBoolean(true)).isFalse();
                    assertThat(blueprint).contains("composer-cli sources add " + name);
                    sources++;
                }
            }
            String kargs = profile.getValue().get(BootcEmitter.KARGS_FILE);
            if (kargs != null) {
                JsonNode tree = toml.readTree(kargs);
                assertThat(tree.get("kargs").isArray()).isTrue();
                assertThat(tree.get("match-architectures").get(0).asText()).isIn("x86_64", "aarch64");
            }
        }
        assertThat(checked).isGreaterThan(0);
        assertThat(sources).as("Image Builder sources of an archive mirror").isGreaterThanOrEqualTo(2);
    }

    @Test
    void packerFmtCanFail() throws Exception {
        Path file = Files.createDirectories(dir.resolve("unformatted")).resolve(PackerEmitter.FILE);
        Files.writeString(file, "variable \"a\" {\n  type = string\n  default    = \"x\"\n}\n");
        ExternalTool.Result result = ExternalTool.run(file.getParent(), "packer", "fmt", "-check", PackerEmitter.FILE);
        assertThat(result.exitCode()).as("the formatter can fail").isNotZero();
    }

    @Test
    void packer16ValidatesWhatItKnowsOnly() throws Exception {
        String template = CatalogRenders.all().values().stream().map(m -> m.get(PackerEmitter.FILE))
                .filter(t -> t != null && t.contains("efi_firmware_code")).findFirst().orElseThrow();
        String base = template.replace(PackerEmitter.REQUIRED_PLUGINS, "");
        String old = withoutCurrentPackerOnly(base);
        for (String attribute : PackerEmitter.CURRENT_PACKER_ONLY) {
            assertThat(template).contains("  " + attribute + " ");
            assertThat(old.lines()).noneMatch(l -> l.stripLeading().startsWith(attribute + " "));
        }
        // Only those lines went (two firmware lines, the http_content map of at most four): the rest reaches the validator.
        assertThat(base.lines().count() - old.lines().count()).isBetween(5L, 6L);
    }

    /** The template without the attributes (one line, or a block up to its closing brace) Packer 1.6 does not know. */
    static String withoutCurrentPackerOnly(String template) {
        StringBuilder out = new StringBuilder();
        String skipUntil = null;
        for (String line : template.split("\n", -1)) {
            if (skipUntil != null) {
                if (line.equals(skipUntil)) {
                    skipUntil = null;
                }
                continue;
            }
            String trimmed = line.stripLeading();
            String indent = line.substring(0, line.length() - trimmed.length());
            if (PackerEmitter.CURRENT_PACKER_ONLY.stream().anyMatch(a -> trimmed.matches(a + " +=.*"))) {
                if (trimmed.endsWith("{")) {
                    skipUntil = indent + "}";
                }
                continue;
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static io.nodeimage.plan.Plan planOf(String profile) {
        io.nodeimage.profile.ProfileSources sources = CatalogRenders.sources();
        return new io.nodeimage.plan.Planner(CatalogRenders.MIRRORS, io.nodeimage.support.SiteVendor.catalog())
                .plan(new io.nodeimage.profile.ProfileResolver(sources).resolve(profile).profile());
    }

    /** Packer reads the key file while validating; a fresh key made here, never used for anything. */
    private static String throwawayPrivateKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private String write(String name, String content) throws java.io.IOException {
        Files.writeString(dir.resolve(name), content);
        return name;
    }
}
