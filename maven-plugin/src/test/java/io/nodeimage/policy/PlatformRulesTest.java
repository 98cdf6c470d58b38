package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.host.HostInspector;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.support.KernelTree;
import io.nodeimage.support.LiveNode;
import io.nodeimage.support.OciImages;
import io.nodeimage.support.RepositoryFiles;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Platform-feature rules (HMM, NUMA balancing, nested virtualization, resctrl) on the live H100 node and
 * variants of it, on an image read from its layers with a real Debian kernel's KVM modules, and the optional
 * policies' tests.
 */
class PlatformRulesTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static final Evaluator.Target NODE = new Evaluator.Target(null, "ubuntu", "24.04", "x86_64");
    static final Path OPTIONAL = RepositoryFiles.root().resolve("policies/src/main/resources/nodeimage/policies-optional");

    @TempDir
    Path dir;

    /** The fixture with /proc/sys/kernel/osrelease from its uname -r, as DriftTest makes it. */
    private Path node() throws IOException {
        Path copy = LiveNode.copy(dir.resolve("node"));
        Path root = copy.resolve("root");
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), Files.readString(copy.resolve("uname-r.txt")));
        return root;
    }

    /** Read as verify-host reads a node: what the policies ask about, and nothing else. */
    private static Facts inspect(Path root, List<LoadedPolicy> policies) {
        return HostInspector.inspect(new HostInspector.Request(root, null, HostQuestions.sysctlKeys(policies),
                java.util.Set.of(), true, HostQuestions.moduleParameters(policies)));
    }

    private static Map<String, RuleResult> judge(List<LoadedPolicy> policies, Facts facts, Evaluator.Target target) {
        Map<String, RuleResult> out = new LinkedHashMap<>();
        new Evaluator(DAY).evaluate(policies, facts, target).forEach(r -> out.put(r.ruleId(), r));
        return out;
    }

    private static List<LoadedPolicy> catalog() {
        return PolicyLoader.load(null, null, true).policies();
    }

    private static List<LoadedPolicy> withOptional() {
        List<LoadedPolicy> all = new ArrayList<>(catalog());
        all.addAll(PolicyLoader.load(OPTIONAL, RepositoryFiles.root(), false).policies());
        return all;
    }

    private static LoadedPolicy policy(String yaml) {
        Problems problems = new Problems();
        return PolicyLoader.load(SafeYaml.parse((EvaluatorTest.HEADER + yaml).getBytes(StandardCharsets.UTF_8), "p.yaml"),
                "p.yaml", "p", problems).orElseThrow(() -> new AssertionError(problems.list()));
    }

    @Test
    void theLiveH100KeepsUvmHmmOnAndAVariantThatTurnsItOffFails() throws IOException {
        Path root = node();
        Facts facts = inspect(root, catalog());
        assertThat(facts.runtime().moduleParameters()).containsExactly(Map.entry("nvidia_uvm/uvm_disable_hmm", "N"));
        assertThat(FactsJson.write(facts)).contains("\"moduleParameters\": {\n      \"nvidia_uvm/uvm_disable_hmm\": \"N\"");
        Map<String, RuleResult> r = judge(catalog(), facts, NODE);
        assertThat(r.get("NODE-MT-001").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("NODE-MT-001").evidence()).containsExactly("/sys/module/nvidia_uvm/parameters/uvm_disable_hmm = N");
        assertThat(r.get("NODE-MT-001").imagePath()).isEqualTo("/sys/module/nvidia_uvm/parameters/uvm_disable_hmm");
        // A node judged without a profile declares no feature; x86_64 is no Grace; no AMD driver.
        for (String id : List.of("NODE-MT-HMM-001", "NODE-MT-HMM-002", "NODE-MT-MPAM-001", "NODE-MT-NUMA-001", "NODE-MT-NUMA-002")) {
            assertThat(r.get(id).status()).as(id).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
            assertThat(r.get(id).undecided()).as(id).isFalse();
        }
        assertThat(r.get("NODE-MT-MPAM-001").message()).isEqualTo("the policy is for profiles that declare mpam; the image "
                + "was judged without a profile, which declares no feature");

        Files.writeString(root.resolve("sys/module/nvidia_uvm/parameters/uvm_disable_hmm"), "Y\n");
        RuleResult off = judge(catalog(), inspect(root, catalog()), NODE).get("NODE-MT-001");
        assertThat(off.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(off.message()).isEqualTo("nvidia_uvm uvm_disable_hmm is Y on the running kernel, not N");
    }

    @Test
    void aNodeWithKvmAndResctrlIsJudgedFromSysAndProcMounts() throws IOException {
        Path root = node();
        Files.createDirectories(root.resolve("sys/module/kvm_intel/parameters"));
        Files.writeString(root.resolve("sys/module/kvm_intel/parameters/nested"), "Y\n");
        Files.writeString(root.resolve("proc/mounts"), "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
                + "resctrl /sys/fs/resctrl resctrl rw,relatime,mba_MBps 0 0\n");
        for (String d : List.of("info/L3", "mon_groups", "mon_data", "tenant-a")) {
            Files.createDirectories(root.resolve("sys/fs/resctrl/" + d));
        }
        Files.writeString(root.resolve("sys/fs/resctrl/schemata"), "L3:0=ffff\nMB:0=100\n");
        Files.writeString(root.resolve("sys/fs/resctrl/tenant-a/schemata"), "L3:0=00ff\nMB:0=50\n");
        LoadedPolicy groups = policy("rules:\n  - {id: PARTS, severity: high, resctrl: {groups: [tenant-a, tenant-b]}}\n"
                + "  - {id: NUMA, severity: low, numaBalancing: {state: disabled}}\n");
        List<LoadedPolicy> policies = new ArrayList<>(withOptional());
        policies.add(groups);
        Facts facts = inspect(root, policies);
        assertThat(facts.runtime().resctrl()).isEqualTo(new Facts.Resctrl("/sys/fs/resctrl", "rw,relatime,mba_MBps",
                List.of(new Facts.ResctrlGroup("tenant-a", "L3:0=00ff\nMB:0=50"))));
        assertThat(facts.runtime().moduleParameters()).containsEntry("kvm_intel/nested", "Y");

        Map<String, RuleResult> r = judge(policies, facts, NODE);
        assertThat(r.get("NODE-MT-NEST-001").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("NODE-MT-NEST-001").message()).isEqualTo("nested virtualization is not disabled: kvm_intel nested=Y "
                + "on the running kernel");
        assertThat(r.get("PARTS").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("PARTS").message()).isEqualTo("resctrl group tenant-b does not exist under /sys/fs/resctrl "
                + "(groups: tenant-a)");
        // The live node has numa_balancing 0 in /proc/sys.
        assertThat(r.get("NUMA").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("NUMA").evidence()).containsExactly("/proc/sys/kernel/numa_balancing = 0");

        Files.writeString(root.resolve("sys/module/kvm_intel/parameters/nested"), "N\n");
        Files.createDirectories(root.resolve("sys/fs/resctrl/tenant-b"));
        Files.writeString(root.resolve("sys/fs/resctrl/tenant-b/schemata"), "L3:0=ff00\nMB:0=50\n");
        r = judge(policies, inspect(root, policies), NODE);
        assertThat(r.get("NODE-MT-NEST-001").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("PARTS").status()).isEqualTo(RuleResult.Status.PASS);

        // A DaemonSet pod reading the node's proc at /host: proc/mounts is the pod's own namespace (resctrl at
        // /host/sys/fs/resctrl, or absent), proc/1/mounts the node's init's. The node's is what counts.
        Files.writeString(root.resolve("proc/mounts"), "overlay / overlay ro 0 0\n"
                + "resctrl /host/sys/fs/resctrl resctrl ro,relatime 0 0\n");
        Files.createDirectories(root.resolve("proc/1"));
        Files.writeString(root.resolve("proc/1/mounts"), "resctrl /sys/fs/resctrl resctrl rw,relatime,mba_MBps 0 0\n");
        assertThat(inspect(root, policies).runtime().resctrl().groups()).extracting(Facts.ResctrlGroup::name)
                .containsExactly("tenant-a", "tenant-b");
        assertThat(judge(policies, inspect(root, policies), NODE).get("PARTS").status()).isEqualTo(RuleResult.Status.PASS);
    }

    @Test
    void anImageWithDebiansKvmModulesHasNestedOnUntilModprobeTurnsItOff() throws IOException {
        Path modules = KernelTree.modules();
        String kver = modules.getFileName().toString();
        Path config = modules.getParent().getParent().getParent().resolve("boot/config-" + kver);
        List<Object[]> entries = new ArrayList<>();
        entries.add(e("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n".getBytes(StandardCharsets.UTF_8)));
        entries.add(e("boot/config-" + kver, Files.readAllBytes(config)));
        for (String ko : List.of("kvm.ko", "kvm-intel.ko", "kvm-amd.ko")) {
            entries.add(e("usr/lib/modules/" + kver + "/kernel/arch/x86/kvm/" + ko,
                    Files.readAllBytes(modules.resolve("kernel/arch/x86/kvm/" + ko))));
        }
        entries.add(e("etc/modprobe.d/kvm.conf", "# nodeimage\noptions kvm-intel nested=0\n".getBytes(StandardCharsets.UTF_8)));
        entries.add(e("etc/sysctl.d/90-numa.conf", "kernel.numa_balancing = 0\n".getBytes(StandardCharsets.UTF_8)));
        entries.add(new Object[] {"etc/systemd/system/local-fs.target.wants/sys-fs-resctrl.mount",
                "/etc/systemd/system/sys-fs-resctrl.mount"});
        byte[] layer = tar(entries);
        Path layout = Files.createDirectories(dir.resolve("layout"));
        OciImages.writeLayout(layout, List.of(layer), OciImages.config("amd64", List.of(layer)), "1.0");
        Facts facts = InspectService.facts("oci:" + layout + ":1.0", java.util.Set.of());

        Facts.ModuleState intel = facts.modules().stream().filter(s -> s.module().equals("kvm_intel")).findFirst().orElseThrow();
        assertThat(intel.options()).containsExactly("nested=0");
        assertThat(intel.optionsFrom()).containsExactly("/etc/modprobe.d/kvm.conf:2");
        assertThat(FactsJson.write(facts)).contains("\"optionsFrom\": [\n        \"/etc/modprobe.d/kvm.conf:2\"");
        assertThat(facts.enabledUnits()).contains("sys-fs-resctrl.mount");

        LoadedPolicy numa = policy("rules:\n  - {id: NUMA, severity: low, numaBalancing: {state: disabled}}\n"
                + "  - {id: RESCTRL, severity: low, resctrl: {mounted: true, groups: [tenant-a]}}\n"
                + "  - {id: INTEL, severity: low, moduleParameter: {module: kvm_intel, parameter: nested, value: \"N\"}}\n"
                + "  - {id: UVM, severity: low, moduleParameter: {module: nvidia_uvm, parameter: uvm_disable_hmm, value: \"N\"}}\n");
        List<LoadedPolicy> policies = new ArrayList<>(withOptional());
        policies.add(numa);
        Map<String, RuleResult> r = judge(policies, facts, new Evaluator.Target(null, "debian", "12", "x86_64"));
        // kvm_amd keeps the kernel's default: nested on.
        assertThat(r.get("NODE-MT-NEST-001").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.get("NODE-MT-NEST-001").message()).isEqualTo("nested virtualization is not disabled: " + kver
                + " kvm_amd nested=Y (the kernel's default)");
        assertThat(r.get("NODE-MT-NEST-001").evidence()).containsExactly(
                kver + ": kvm_intel nested=0 (/etc/modprobe.d/kvm.conf:2)",
                kver + ": kvm_amd nested=Y (not set: the kernel's default)");
        assertThat(r.get("INTEL").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("NUMA").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("NUMA").evidence()).containsExactly("kernel.numa_balancing = 0 (/etc/sysctl.d/90-numa.conf)");
        assertThat(r.get("RESCTRL").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.get("UVM").status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.get("UVM").message()).isEqualTo("nvidia_uvm is in no kernel tree of the image (neither a module file "
                + "nor built in)");

        // The same image without the sysctl: Debian's kernel turns balancing on by default.
        Facts noSysctl = new Facts(facts.image(), facts.imageId(), facts.osRelease(), facts.architecture(), facts.kernels(),
                facts.modprobeFiles(), facts.modules(), facts.modulesLoad(), facts.cmdline(), Map.of(), facts.packages(),
                facts.enabledUnits(), facts.maskedUnits(), facts.firmware(), facts.drivers(), facts.files(), facts.findings());
        RuleResult byDefault = judge(List.of(numa), noSysctl, new Evaluator.Target(null, "debian", "12", "x86_64")).get("NUMA");
        assertThat(byDefault.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(byDefault.message()).isEqualTo("automatic NUMA balancing is not disabled in kernel " + kver
                + " (enabled by the kernel's default; neither sysctl.d nor the command line sets it)");
    }

    @Test
    void optionsAreFoundUnderTheNameOfTheModulesFileAsKmodLooksThemUp() {
        // Debian's nvidia-open-kernel-dkms: the module is nvidia_uvm, its file nvidia-current-open-uvm.ko.
        String k = "6.1.0-50-amd64";
        io.nodeimage.inspect.KernelModule uvm = new io.nodeimage.inspect.KernelModule("/usr/lib/modules/" + k
                + "/updates/dkms/nvidia-current-open-uvm.ko", "nvidia_uvm", "535.247.01", "Dual MIT/GPL", k, null, List.of(),
                List.of(), io.nodeimage.inspect.Compression.NONE, java.util.Optional.empty());
        Facts facts = new Facts("(test)", "", Map.of(), "amd64",
                List.of(new Facts.KernelTree(k, "/usr/lib/modules/" + k, List.of(), List.of(uvm), List.of(), Map.of())),
                List.of(), List.of(new Facts.ModuleState("nvidia_current_open_uvm", k, "loadable", false, null, null,
                        List.of("uvm_disable_hmm=1"), null, null, null, List.of("/etc/modprobe.d/nvidia-uvm.conf:1"))),
                List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(new Facts.Driver("nvidia", uvm.path(), k, "535.247.01", "535", "open", true)), List.of(), List.of());
        RuleResult r = judge(catalog(), facts, new Evaluator.Target(null, "debian", "12", "x86_64")).get("NODE-MT-001");
        assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.message()).isEqualTo("nvidia_uvm uvm_disable_hmm is not N in kernel " + k
                + " (1 from /etc/modprobe.d/nvidia-uvm.conf:1)");
    }

    @Test
    void theOptionalPoliciesTestsHold() {
        PolicyTests.Report report = PolicyTests.run(RepositoryFiles.root().resolve("policies/src/test/nodeimage/policies-optional"),
                RepositoryFiles.root(), PolicyLoader.load(OPTIONAL, RepositoryFiles.root(), false).policies(), DAY, true);
        assertThat(report.failures()).extracting(PolicyTestRunner.Failure::format).isEmpty();
        assertThat(report.files()).isEqualTo(1);
        assertThat(report.expectations()).isEqualTo(13);
    }

    @Test
    void aFeatureNobodyDeclaresOrOneBothWantedAndRefusedIsAnErrorAtItsLine() {
        Problems problems = new Problems();
        PolicyLoader.load(SafeYaml.parse((EvaluatorTest.HEADER + "appliesTo: {features: [hmm, mpma], withoutFeatures: [hmm]}\n"
                + "rules:\n  - {id: M, severity: low, moduleParameter: {module: nvidia_uvm, parameter: uvm_disable_hmm}}\n"
                + "  - {id: N, severity: low, numaBalancing: {state: off}}\n")
                .getBytes(StandardCharsets.UTF_8), "p.yaml"), "p.yaml", "p", problems);
        assertThat(problems.list()).extracting(Problem::format).containsExactly(
                "p.yaml:5:29: appliesTo.features[1]: 'mpma' is not a platform feature a profile declares; did you mean 'mpam'?",
                "p.yaml:5:54: appliesTo.withoutFeatures[0]: 'hmm' is in both features and withoutFeatures, so the policy "
                        + "never applies; keep it in one of them",
                "p.yaml:7:45: rules[0].moduleParameter: missing required key 'value'; add 'value:' with a word of letters, "
                        + "digits and '.', '_', '+', '-'",
                "p.yaml:8:51: rules[1].numaBalancing.state: 'off' is not one of enabled, disabled");
    }

    private static Object[] e(String path, Object content) {
        return new Object[] {path, content};
    }

    /** Files (byte[] content) and links (String target), with their parent directories. */
    private static byte[] tar(List<Object[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Object[] e : entries) {
                String path = (String) e[0];
                for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
                    String d = path.substring(0, i + 1);
                    if (dirs.add(d)) {
                        TarArchiveEntry entry = new TarArchiveEntry(d);
                        entry.setMode(040755);
                        tar.putArchiveEntry(entry);
                        tar.closeArchiveEntry();
                    }
                }
                if (e[1] instanceof String link) {
                    TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(link);
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                } else {
                    byte[] content = (byte[]) e[1];
                    TarArchiveEntry entry = new TarArchiveEntry(path);
                    entry.setMode(0100644);
                    entry.setSize(content.length);
                    tar.putArchiveEntry(entry);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
            }
        }
        return out.toByteArray();
    }
}
