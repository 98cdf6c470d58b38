package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-tenant keys of platform, rendered for the test site's profiles (site-profiles): the lines each key
 * writes, in every format (through provision.sh, which every format but the blueprint carries, and in the
 * blueprint's own files, services and kernel sections); and the resctrl script, checked by shellcheck and run.
 */
class PlatformRenderTest {

    private static final String X86 = "site-ubuntu-24.04-hopper-multitenant";
    private static final String ARM = "site-rhel-10-vera-rubin-mpam";

    @TempDir
    Path dir;

    @Test
    void hmmNestedVirtualizationAndNumaBalancingOnX86ReachEveryFormat() {
        Map<String, String> out = CatalogRenders.all().get(X86);
        String script = out.get(ProvisionScript.FILE);
        assertThat(script).contains(
                "# platform.hmm: required (nvidia_uvm uvm_disable_hmm): site-profiles/" + X86 + ".yaml:9\n"
                        + "options nvidia_uvm uvm_disable_hmm=0\n",
                "\noptions kvm_intel nested=1\n", "\noptions kvm_amd nested=1\n",
                "# platform.numaBalancing: enabled: site-profiles/" + X86 + ".yaml:11\nkernel.numa_balancing = 1\n");
        assertThat(out.get(Renderer.PLAN_FILE)).contains("options kvm_intel nested=1  [platform.nestedVirtualization: "
                + "true: site-profiles/" + X86 + ".yaml:10]");
        carriesTheScript(out, script);
    }

    @Test
    void mpamAndArmNestedVirtualizationReachEveryRhelFormat() {
        Map<String, String> out = CatalogRenders.all().get(ARM);
        String script = out.get(ProvisionScript.FILE);
        assertThat(script).contains("/etc/systemd/system/sys-fs-resctrl.mount", "/etc/nodeimage/resctrl-groups.conf",
                "/usr/libexec/nodeimage/resctrl-groups", "/etc/systemd/system/nodeimage-resctrl-groups.service",
                "systemctl enable nvidia-imex nvidia-persistenced nvidia-cdi-refresh.path sys-fs-resctrl.mount "
                        + "nodeimage-resctrl-groups.service",
                "tenant-a 0=00ff;1=00ff 0=50;1=50\ntenant-b 0=ff00;1=ff00 -\n",
                "--args='acpi_power_meter.force_cap_on=y kvm-arm.mode=nested'");
        assertThat(out.get(BootcEmitter.KARGS_FILE)).contains("kargs = [\"acpi_power_meter.force_cap_on=y\", "
                + "\"kvm-arm.mode=nested\"]");
        String blueprint = out.get(BlueprintEmitter.FILE);
        assertThat(blueprint).contains("append = \"acpi_power_meter.force_cap_on=y kvm-arm.mode=nested\"",
                "path = \"/etc/systemd/system/sys-fs-resctrl.mount\"", "path = \"/usr/libexec/nodeimage/resctrl-groups\"",
                "\"sys-fs-resctrl.mount\", \"nodeimage-resctrl-groups.service\"",
                Quoting.toml("What=resctrl\nWhere=/sys/fs/resctrl\nType=resctrl\n").replaceAll("^\"|\"$", ""));
        carriesTheScript(out, script);
    }

    /** Every format but the blueprint runs provision.sh: copies it beside itself, or embeds it in base64. */
    private static void carriesTheScript(Map<String, String> out, String script) {
        String b64 = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
        int checked = 0;
        for (Map.Entry<String, String> file : out.entrySet()) {
            String name = file.getKey();
            if (List.of(Renderer.PLAN_FILE, ProvisionScript.FILE, BlueprintEmitter.FILE, BootcEmitter.KARGS_FILE,
                    AutoinstallEmitter.META_DATA).contains(name)) {
                continue;
            }
            String content = file.getValue();
            boolean carries = content.contains(b64) || content.contains(String.join("\n", Quoting.base64Lines(script)))
                    || content.contains("COPY provision.sh ") || content.contains("source      = \"provision.sh\"");
            assertThat(carries).as(name).isTrue();
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    /** The groups script as rendered, checked by shellcheck and run against a directory standing in for resctrl. */
    @Test
    void theResctrlScriptPassesShellcheckAndWritesEachGroupsSchemata() throws Exception {
        String script = writtenContent(CatalogRenders.all().get(ARM).get(ProvisionScript.FILE),
                "/usr/libexec/nodeimage/resctrl-groups");
        String groups = writtenContent(CatalogRenders.all().get(ARM).get(ProvisionScript.FILE),
                "/etc/nodeimage/resctrl-groups.conf");
        Path file = dir.resolve("resctrl-groups");
        Files.writeString(file, script);
        ExternalTool.Result check = ExternalTool.run(dir, "shellcheck", "--severity=style", file.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();

        Path resctrl = Files.createDirectories(dir.resolve("resctrl"));
        Path conf = dir.resolve("groups.conf");
        Files.writeString(conf, groups);
        Path local = dir.resolve("local-groups");
        Files.writeString(local, script.replace("/sys/fs/resctrl", resctrl.toString())
                .replace("/etc/nodeimage/resctrl-groups.conf", conf.toString()));
        ExternalTool.Result run = ExternalTool.run(dir, "sh", local.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        // A plain file keeps the last line written; resctrl applies each line it is given.
        assertThat(Files.readString(resctrl.resolve("tenant-a/schemata"))).isEqualTo("MB:0=50;1=50\n");
        assertThat(Files.readString(resctrl.resolve("tenant-b/schemata"))).isEqualTo("L3:0=ff00;1=ff00\n");
        try (var entries = Files.list(resctrl)) {
            assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("tenant-a", "tenant-b");
        }
    }

    /** The content provision.sh writes to a path: write_file PATH MODE OWNER GROUP '<content>'. */
    private static String writtenContent(String script, String path) {
        Matcher m = Pattern.compile("write_file " + Pattern.quote(path) + " \\S+ root root '((?:[^']|'\\\\'')*)'\n")
                .matcher(script);
        assertThat(m.find()).as(path).isTrue();
        return m.group(1).replace("'\\''", "'");
    }
}
