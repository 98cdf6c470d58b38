package io.nodeimage.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.support.LiveNode;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running node's facts, read from the live H100 node's files and from variants of them. */
class HostInspectorTest {

    @TempDir
    Path dir;

    private static Facts facts(Path root, Path xml) {
        return HostInspector.inspect(new HostInspector.Request(root, xml,
                Set.of("kernel.kptr_restrict", "kernel.modules_disabled", "net.ipv4.ip_forward", "kernel.no_such_key"),
                Set.of()));
    }

    @Test
    void theH100NodeRunsTheOpenModule580WithGspFirmwareAndTaintO() {
        Facts f = facts(LiveNode.root(), LiveNode.smiXml());
        assertThat(f.drivers()).containsExactly(new Facts.Driver("nvidia", "/proc/driver/nvidia/version", "",
                "580.159.04", "580", "open", true));
        Facts.Runtime r = f.runtime();
        assertThat(r.taintMask()).isEqualTo(4096);
        assertThat(r.taints()).containsExactly("O");
        assertThat(r.modulesSupported()).isTrue();
        assertThat(r.loadedModules()).containsExactly(
                new Facts.LoadedModule("nvidia", 14299136, "Live", "O", "580.159.04", "06B987C9B8B712FF4E7FB47", "live"),
                new Facts.LoadedModule("nvidia_uvm", 1830912, "Live", "O", "580.159.04", "EA59B8B96DECD0DBCF51499", "live"));
        assertThat(r.gpus()).containsExactly(new Facts.Gpu("nvidia", "0000:00:06.0", "NVIDIA H100 80GB HBM3",
                "580.159.04", "96.00.da.00.0c", "enabled", "disabled", "enabled", "Pass-Through"));
        assertThat(r.nvidiaSmi()).endsWith("nvidia-smi-q-x.xml");
        // The node had neither lockdown nor EFI variables in what was copied.
        assertThat(r.lockdown()).isNull();
        assertThat(r.secureBoot()).isNull();
        assertThat(f.osRelease()).containsEntry("ID", "ubuntu").containsEntry("VERSION_ID", "24.04");
        assertThat(f.architecture()).as("from the driver's build line: the fixture has no kernel.arch").isEqualTo("amd64");
        assertThat(f.cmdline()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/proc/cmdline");
            assertThat(c.text()).startsWith("mitigations=auto,no_guest_host,no_guest_guest console=ttyS0 ")
                    .contains(" swiotlb=noforce ");
        });
        assertThat(f.sysctl()).containsOnlyKeys("kernel.kptr_restrict", "kernel.modules_disabled", "net.ipv4.ip_forward");
        assertThat(f.sysctl().get("kernel.kptr_restrict")).isEqualTo(new Facts.Setting("0", "/proc/sys/kernel/kptr_restrict"));
        assertThat(f.sysctl().get("kernel.modules_disabled").value()).isEqualTo("1");
        // What the copy lacks is said, not guessed.
        assertThat(r.kernelRelease()).isNull();
        assertThat(f.findings()).extracting(Facts.Finding::path).containsExactly("/proc/sys/kernel/osrelease");
        assertThat(f.kernels()).isEmpty();
    }

    @Test
    void withoutNvidiaSmiTheGpuIsKnownButItsModesAreNot() {
        Facts f = facts(LiveNode.root(), null);
        assertThat(f.runtime().gpus()).singleElement().satisfies(g -> {
            assertThat(g.model()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(g.firmware()).isEqualTo("580.159.04");
            assertThat(g.persistence()).isNull();
            assertThat(g.mig()).isNull();
        });
        assertThat(f.runtime().nvidiaSmi()).isNull();
    }

    @Test
    void variantsOfTheNodeChangeTheFactsTheyShould() throws Exception {
        Path copy = LiveNode.copy(dir);
        Path root = copy.resolve("root");
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), Files.readString(copy.resolve("uname-r.txt")));
        Files.writeString(root.resolve("proc/driver/nvidia/version"), "NVRM version: NVIDIA UNIX x86_64 Kernel Module  "
                + "535.183.01  Sun May 12 19:39:15 UTC 2024\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n");
        Files.writeString(root.resolve("proc/sys/kernel/tainted"), "12289\n");
        Files.writeString(root.resolve("proc/modules"), "nvidia 14299136 0 - Live 0xffffffffc0400000 (POE)\n"
                + "fat 90112 1 vfat, Live 0xffffffffc0300000\n");
        Path xml = copy.resolve("nvidia-smi-q-x.xml");
        Files.writeString(xml, Files.readString(xml).replace("<persistence_mode>Enabled</persistence_mode>",
                "<persistence_mode>Disabled</persistence_mode>"));
        Files.writeString(root.resolve("proc/sys/kernel/arch"), "aarch64\n");

        Facts f = facts(root, xml);
        assertThat(f.runtime().kernelRelease()).isEqualTo("6.18.44-fc-v657-gpu");
        assertThat(f.drivers()).singleElement().satisfies(d -> {
            assertThat(d.flavor()).isEqualTo("proprietary");
            assertThat(d.version()).isEqualTo("535.183.01");
            assertThat(d.branch()).isEqualTo("535");
            assertThat(d.kernel()).isEqualTo("6.18.44-fc-v657-gpu");
        });
        assertThat(f.runtime().taints()).containsExactly("P", "O", "E");
        assertThat(f.runtime().loadedModules()).extracting(Facts.LoadedModule::name, Facts.LoadedModule::taints)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fat", ""), org.assertj.core.groups.Tuple.tuple("nvidia", "POE"));
        assertThat(f.runtime().gpus()).singleElement().extracting(Facts.Gpu::persistence).isEqualTo("disabled");
        assertThat(f.architecture()).isEqualTo("arm64");
        assertThat(f.findings()).isEmpty();
    }

    @Test
    void aRootWithoutProcIsRefusedNamingIt() {
        assertThatThrownBy(() -> facts(dir, null)).isInstanceOf(ConfigurationException.class)
                .hasMessage("root " + dir + " has no proc/sys: it is not a running node's root (proc is not mounted under it)");
        assertThatThrownBy(() -> facts(dir.resolve("missing"), null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void lockdownAndSecureBootAreReadWhereTheKernelShowsThem() throws Exception {
        Path root = LiveNode.copy(dir).resolve("root");
        Files.createDirectories(root.resolve("sys/kernel/security"));
        Files.writeString(root.resolve("sys/kernel/security/lockdown"), "none [integrity] confidentiality\n");
        Path var = root.resolve(HostInspector.SECURE_BOOT_VAR.substring(1));
        Files.createDirectories(var.getParent());
        Files.write(var, new byte[] {6, 0, 0, 0, 1});
        Facts f = facts(root, null);
        assertThat(f.runtime().lockdown()).isEqualTo("integrity");
        assertThat(f.runtime().secureBoot()).isEqualTo("enabled");
        Files.write(var, new byte[] {6, 0, 0, 0, 0});
        assertThat(facts(root, null).runtime().secureBoot()).isEqualTo("disabled");
    }

    @Test
    void factsJsonCarriesTheRuntimeSection() {
        String json = FactsJson.write(facts(LiveNode.root(), LiveNode.smiXml()));
        assertThat(json).contains("\"runtime\": {").contains("\"taintMask\": 4096,").contains("\"persistence\": \"enabled\",");
        assertThat(json).isEqualTo(FactsJson.write(facts(LiveNode.root(), LiveNode.smiXml())));
    }

    @Test
    void taintBitsDecodeAsTheKernelDocumentsThem() {
        assertThat(KernelTaint.decode(0)).isEmpty();
        assertThat(KernelTaint.decode(4096)).containsExactly("O");
        assertThat(KernelTaint.decode(1 | 8192)).containsExactly("P", "E");
        assertThat(KernelTaint.decode(1L << 19 | 1L << 22)).containsExactly("J", "bit22");
        assertThat(KernelTaint.values()).extracting(KernelTaint::bit).containsExactly(
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        assertThat(KernelTaint.E.meaning()).isEqualTo("unsigned module was loaded");
    }

    @Test
    void busAddressesOfTheDriverAndNvidiaSmiAreTheSame() {
        assertThat(HostInspector.bus("00000000:00:06.0")).isEqualTo("0000:00:06.0");
        assertThat(HostInspector.bus("0000:3B:00.0")).isEqualTo("0000:3b:00.0");
        assertThat(List.of(HostInspector.bus("0000:00:06.0"))).containsExactly("0000:00:06.0");
    }

    @Test
    void anAbsoluteLinkOnTheNodeMeansTheNodesRootNotThisMachines() throws Exception {
        Path root = LiveNode.copy(dir).resolve("root");
        Files.delete(root.resolve("etc/os-release"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.writeString(root.resolve("usr/lib/os-release"), "ID=node-os\nVERSION_ID=\"7\"\n");
        // As a node may have it; read from a pod at /host, the OS would follow it to the pod's own /usr.
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("/usr/lib/os-release"));
        Facts f = facts(root, null);
        assertThat(f.osRelease()).containsEntry("ID", "node-os").containsEntry("VERSION_ID", "7");
        // A link climbing out of the root stays in it.
        Files.createSymbolicLink(root.resolve("etc/escape"), Path.of("../../../../../../etc/passwd"));
        assertThat(new HostFiles(root).text("/etc/escape")).isEmpty();
    }
}
