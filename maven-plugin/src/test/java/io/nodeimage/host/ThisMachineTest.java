package io.nodeimage.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.support.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine the tests run on, read as a node from /, against its own tools. */
class ThisMachineTest {

    @TempDir
    Path dir;

    private static Facts facts() {
        return HostInspector.inspect(new HostInspector.Request(Path.of("/"), null, Set.of("kernel.pid_max"),
                Set.of("/etc/passwd")));
    }

    @Test
    void theKernelReleaseIsWhatUnameSays() throws Exception {
        ExternalTool.Result uname = ExternalTool.run(dir, "uname", "-r");
        assertThat(uname.exitCode()).isZero();
        assertThat(facts().runtime().kernelRelease()).isEqualTo(uname.output().strip());
    }

    @Test
    void osReleaseIsReadAsTheShellReadsIt() throws Exception {
        ExternalTool.Result sh = ExternalTool.run(dir, "sh", "-c", ". /etc/os-release && printf '%s\\n%s\\n' \"$ID\" \"$VERSION_ID\"");
        assertThat(sh.exitCode()).isZero();
        String[] lines = sh.output().split("\n", -1);
        Facts f = facts();
        assertThat(f.osRelease().get("ID")).isEqualTo(lines[0]);
        assertThat(f.osRelease().getOrDefault("VERSION_ID", "")).isEqualTo(lines[1]);
    }

    @Test
    void loadedModulesAreTheOnesLsmodLists() throws Exception {
        Facts f = facts();
        if (!Files.exists(Path.of("/proc/modules"))) {
            // A kernel built without loadable modules (this CI's VM): nothing is loaded, and the facts say why.
            assertThat(f.runtime().modulesSupported()).isFalse();
            assertThat(f.runtime().loadedModules()).isEmpty();
            return;
        }
        ExternalTool.Result lsmod = ExternalTool.run(dir, "lsmod");
        assertThat(lsmod.exitCode()).isZero();
        assertThat(f.runtime().loadedModules()).extracting(Facts.LoadedModule::name)
                .containsExactlyInAnyOrderElementsOf(lsmod.output().lines().skip(1).map(l -> l.split("\\s+")[0]).toList());
    }

    @Test
    void withoutAGpuThereAreNoNvidiaFacts() throws Exception {
        Facts f = facts();
        boolean gpu = Files.exists(Path.of("/proc/driver/nvidia/version"));
        assertThat(f.drivers().isEmpty()).isEqualTo(!gpu);
        assertThat(f.runtime().gpus().isEmpty()).isEqualTo(!gpu);
        ExternalTool.Result sysctl = ExternalTool.run(dir, "sysctl", "-n", "kernel.tainted", "kernel.pid_max");
        assertThat(sysctl.exitCode()).as(sysctl.output()).isZero();
        String[] values = sysctl.output().strip().split("\n");
        assertThat(f.runtime().taintMask()).isEqualTo(Long.parseLong(values[0]));
        assertThat(f.runtime().taints()).isEqualTo(KernelTaint.decode(Long.parseLong(values[0])));
        assertThat(f.sysctl().get("kernel.pid_max").value()).isEqualTo(values[1]);
    }

    @Test
    void fileMetadataIsWhatStatSays() throws Exception {
        ExternalTool.Result stat = ExternalTool.run(dir, "stat", "-c", "%a %U %G %s", "/etc/passwd");
        assertThat(stat.exitCode()).isZero();
        String[] s = stat.output().strip().split(" ");
        Facts.FileEntry e = facts().files().stream().filter(x -> x.path().equals("/etc/passwd")).findFirst().orElseThrow();
        assertThat(Integer.parseInt(e.mode(), 8)).isEqualTo(Integer.parseInt(s[0], 8));
        assertThat(Arrays.asList(e.owner(), e.group(), Long.toString(e.size()))).containsExactly(s[1], s[2], s[3]);
        assertThat(e.type()).isEqualTo("file");
    }

    @Test
    void theInstalledTreeIsReadAndItsPackagesAreTheOnesDpkgLists() throws Exception {
        Facts f = facts();
        if (!Files.exists(Path.of("/var/lib/dpkg/status"))) {
            assertThat(f.runtime().imageTree()).isEqualTo(Files.isDirectory(Path.of("/lib/modules"))
                    || Files.isDirectory(Path.of("/usr/lib/modules")) || Files.isDirectory(Path.of("/var/lib/rpm")));
            return;
        }
        assertThat(f.runtime().imageTree()).isTrue();
        ExternalTool.Result dpkg = ExternalTool.run(dir, "dpkg-query", "-W", "-f",
                "${db:Status-Status} ${Package} ${Version} ${Architecture}\\n");
        assertThat(dpkg.exitCode()).as(dpkg.output()).isZero();
        assertThat(f.packages()).extracting(p -> p.name() + " " + p.version() + " " + p.architecture())
                .containsExactlyInAnyOrderElementsOf(dpkg.output().lines().filter(l -> l.startsWith("installed "))
                        .map(l -> l.substring("installed ".length())).toList());
        // The running kernel's facts stay the kernel's: its command line, not a boot loader's file.
        assertThat(f.cmdline()).extracting(Facts.CmdlineSource::path).containsExactly("/proc/cmdline");
    }

    @Test
    void withoutTheImageTreeOnlyTheKernelIsRead() {
        Facts f = HostInspector.inspect(new HostInspector.Request(Path.of("/"), null, Set.of(), Set.of(), false));
        assertThat(f.runtime().imageTree()).isFalse();
        assertThat(f.packages()).isEmpty();
        assertThat(f.kernels()).isEmpty();
    }
}
