package io.nodeimage.host;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.Inspector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The facts of a running node, read from its root directory: {@code /}, or a node's root mounted
 * elsewhere (a DaemonSet's {@code /host}, a test's fixture). The same shape as an image's facts, so the
 * same rules judge both: os-release, the command line the kernel booted with, effective sysctl values
 * from {@code /proc/sys}, the loaded driver; plus {@link Facts.Runtime}, what only a running kernel shows.
 * Nothing is run: every fact is a file the kernel or the driver writes.
 */
public final class HostInspector {

    /** The EFI global variable that says whether firmware booted with Secure Boot on. */
    /** The lockdown of a node whose securityfs is not mounted under the root. */
    public static final String LOCKDOWN_UNKNOWN = "unknown";
    public static final String SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0330f0d6";

    /**
     * What to read beyond what every node has.
     *
     * @param nvidiaSmiXml {@code nvidia-smi -q -x} output for GPU modes; null to go without them
     * @param sysctlKeys keys the policies ask about; /proc/sys holds thousands, only these are read
     * @param filePaths paths whose metadata the policies ask about
     * @param imageTree read the node's installed tree too (module trees, /etc, the package database) where
     *     the root has one, as inspect reads an image; false for only what the running kernel shows
     * @param moduleParameters {@code module/parameter} pairs the policies ask about, read from /sys/module
     */
    public record Request(Path root, Path nvidiaSmiXml, Set<String> sysctlKeys, Set<String> filePaths,
                          boolean imageTree, Set<String> moduleParameters) {
        public Request {
            sysctlKeys = Set.copyOf(sysctlKeys);
            filePaths = Set.copyOf(filePaths);
            moduleParameters = moduleParameters == null ? Set.of() : Set.copyOf(moduleParameters);
        }

        /** Reading the installed tree too, where the root has one. */
        public Request(Path root, Path nvidiaSmiXml, Set<String> sysctlKeys, Set<String> filePaths) {
            this(root, nvidiaSmiXml, sysctlKeys, filePaths, true);
        }

        public Request(Path root, Path nvidiaSmiXml, Set<String> sysctlKeys, Set<String> filePaths, boolean imageTree) {
            this(root, nvidiaSmiXml, sysctlKeys, filePaths, imageTree, Set.of());
        }
    }

    private HostInspector() {
    }

    public static Facts inspect(Request request) {
        HostFiles files = new HostFiles(request.root());
        if (!Files.isDirectory(request.root())) {
            throw new io.nodeimage.ConfigurationException("root " + request.root() + " is not a directory",
                    "name the node's root directory: / on the node, or where its root is mounted");
        }
        if (!files.exists("/proc/sys")) {
            throw new io.nodeimage.ConfigurationException("root " + request.root() + " has no proc/sys: it is not a "
                    + "running node's root (proc is not mounted under it)",
                    "on a node use /; for a node's root mounted elsewhere, mount its /proc and /sys under it too");
        }
        List<Facts.Finding> findings = new ArrayList<>();
        String release = files.line("/proc/sys/kernel/osrelease").orElse(null);
        if (release == null) {
            findings.add(new Facts.Finding("/proc/sys/kernel/osrelease", "unreadable: the running kernel's release is not known"));
        }
        Map<String, String> osRelease = Inspector.keyValues(files.text("/etc/os-release")
                .or(() -> files.text("/usr/lib/os-release")).orElse("").getBytes(StandardCharsets.UTF_8));
        Optional<NvidiaProc.Version> nvidia = files.text("/proc/driver/nvidia/version").flatMap(NvidiaProc::version);
        List<Facts.Gpu> gpus = gpus(files, request.nvidiaSmiXml() == null ? List.of()
                : NvidiaSmiXml.read(request.nvidiaSmiXml()));
        List<Facts.Driver> drivers = new ArrayList<>();
        nvidia.ifPresent(v -> drivers.add(new Facts.Driver("nvidia", "/proc/driver/nvidia/version", release == null ? "" : release, v.version(),
                v.branch(), v.flavor(), !gpus.isEmpty() && gpus.stream().allMatch(g -> g.firmware() != null))));
        long mask = files.line("/proc/sys/kernel/tainted").filter(t -> t.matches("[0-9]{1,20}"))
                .map(Long::parseUnsignedLong).orElse(-1L);
        if (mask < 0) {
            findings.add(new Facts.Finding("/proc/sys/kernel/tainted", "unreadable: the kernel's taint is not known"));
        }
        boolean modulesSupported = files.exists("/proc/modules");
        String architecture = architecture(files, nvidia);
        Optional<Facts> installed = request.imageTree()
                ? InstalledTree.read(files, architecture, request.filePaths(), findings) : Optional.empty();
        String secureBoot = secureBoot(files, findings);
        Facts.Runtime runtime = new Facts.Runtime(release, mask, mask < 0 ? List.of() : KernelTaint.decode(mask),
                modulesSupported, LoadedModules.read(files), lockdown(files, secureBoot), secureBoot, gpus,
                request.nvidiaSmiXml() == null ? null : request.nvidiaSmiXml().toString(), installed.isPresent(),
                ModuleParameters.read(files, request.moduleParameters()), ResctrlMount.read(files).orElse(null));
        // What the node runs is the truth where it differs from what it would boot next: the kernel's own
        // command line, sysctl values and driver, never the boot loader's files, sysctl.d or a module file.
        List<Facts.CmdlineSource> cmdline = files.line("/proc/cmdline")
                .map(c -> List.of(new Facts.CmdlineSource("/proc/cmdline", c))).orElse(List.of());
        String name = name(files);
        String id = files.line("/proc/sys/kernel/random/boot_id").map(b -> "boot:" + b).orElse("");
        Map<String, Facts.Setting> sysctl = sysctl(files, request.sysctlKeys());
        if (installed.isEmpty()) {
            return new Facts(name, id, osRelease, architecture, List.of(), List.of(), List.of(), List.of(), cmdline,
                    sysctl, List.of(), List.of(), List.of(), List.of(), drivers,
                    HostFileEntries.read(files, request.filePaths()), findings, runtime);
        }
        Facts tree = installed.get();
        List<Facts.Finding> all = new ArrayList<>(findings);
        all.addAll(tree.findings());
        return new Facts(name, id, osRelease, architecture, tree.kernels(), tree.modprobeFiles(), tree.modules(),
                tree.modulesLoad(), cmdline, sysctl, tree.packages(), tree.enabledUnits(), tree.maskedUnits(),
                tree.firmware(), drivers, tree.files(), all, runtime);
    }

    /** The node's hostname when the kernel shows it, else the root it was read from. */
    private static String name(HostFiles files) {
        return files.line("/proc/sys/kernel/hostname").filter(h -> !h.isEmpty()).orElse(files.root().toString());
    }

    /**
     * In the names image facts use (Docker's amd64, arm64): the kernel's own {@code kernel.arch} (Linux
     * 6.1 and later), else the NVIDIA driver's build, else, on {@code /} itself, the JVM's.
     */
    private static String architecture(HostFiles files, Optional<NvidiaProc.Version> nvidia) {
        String arch = files.line("/proc/sys/kernel/arch")
                .or(() -> nvidia.map(NvidiaProc.Version::architecture))
                .orElse(files.root().toAbsolutePath().normalize().toString().equals("/") ? System.getProperty("os.arch") : "");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** sysctl key a.b.c is /proc/sys/a/b/c; a key the kernel does not have is left out (the rule says "not set"). */
    private static Map<String, Facts.Setting> sysctl(HostFiles files, Set<String> keys) {
        Map<String, Facts.Setting> out = new TreeMap<>();
        for (String key : new TreeSet<>(keys)) {
            String path = "/proc/sys/" + key.replace('.', '/');
            // Values with several fields (net.ipv4.ip_local_port_range) are tab-separated in /proc/sys and
            // written with single spaces in sysctl.d and policies.
            files.text(path).map(t -> t.strip().replaceAll("\\s+", " "))
                    .ifPresent(v -> out.put(key, new Facts.Setting(v, path)));
        }
        return out;
    }

    /**
     * The mode in brackets: {@code none [integrity] confidentiality}; null when the kernel has no lockdown.
     * Under Secure Boot an empty /sys/kernel/security is securityfs not mounted under the root, not a kernel
     * without lockdown: {@link #LOCKDOWN_UNKNOWN}, which rules treat as not checked.
     */
    private static String lockdown(HostFiles files, String secureBoot) {
        if (secureBoot != null && !files.exists("/sys/kernel/security/lockdown")
                && files.list("/sys/kernel/security").isEmpty()) {
            return LOCKDOWN_UNKNOWN;
        }
        return files.line("/sys/kernel/security/lockdown").map(l -> {
            int open = l.indexOf('[');
            int close = l.indexOf(']', open + 1);
            return open >= 0 && close > open ? l.substring(open + 1, close) : l;
        }).orElse(null);
    }

    /** efivarfs: four bytes of attributes, then the variable's one byte (1: Secure Boot is on). */
    private static String secureBoot(HostFiles files, List<Facts.Finding> findings) {
        Optional<byte[]> b = HostFiles.bytes(files.content(SECURE_BOOT_VAR), 64);
        if (b.isEmpty()) {
            return null;
        }
        if (b.get().length != 5) {
            findings.add(new Facts.Finding(SECURE_BOOT_VAR, "not the 5 bytes of an EFI boolean variable: " + b.get().length));
            return null;
        }
        return b.get()[4] == 1 ? "enabled" : "disabled";
    }

    /**
     * Each GPU the driver lists under {@code /proc/driver/nvidia/gpus}, with its modes from nvidia-smi's
     * document where the bus addresses match; a GPU only nvidia-smi lists is kept too.
     */
    private static List<Facts.Gpu> gpus(HostFiles files, List<NvidiaSmiXml.GpuModes> smi) {
        Map<String, NvidiaSmiXml.GpuModes> modes = new LinkedHashMap<>();
        smi.forEach(m -> modes.put(m.bus(), m));
        Map<String, Facts.Gpu> out = new TreeMap<>();
        for (String dir : files.list("/proc/driver/nvidia/gpus")) {
            Map<String, String> info = NvidiaProc.information(files.text("/proc/driver/nvidia/gpus/" + dir + "/information")
                    .orElse(""));
            String bus = bus(info.getOrDefault("Bus Location", dir));
            NvidiaSmiXml.GpuModes m = modes.remove(bus);
            String firmware = info.get("GPU Firmware");
            out.put(bus, new Facts.Gpu("nvidia", bus, info.get("Model"), firmware == null || firmware.equals("N/A")
                    ? null : firmware, info.get("Video BIOS"), m == null ? null : m.persistence(), m == null ? null : m.mig(),
                    m == null ? null : m.ecc(), m == null ? null : m.virtualization()));
        }
        modes.values().forEach(m -> out.put(m.bus(), new Facts.Gpu("nvidia", m.bus(), m.model(),
                m.gspFirmware() == null || m.gspFirmware().equals("N/A") ? null : m.gspFirmware(), m.vbios(),
                m.persistence(), m.mig(), m.ecc(), m.virtualization())));
        return new ArrayList<>(out.values());
    }

    /**
     * A PCI address with a four-digit domain, lower case: the driver writes 0000:00:06.0, nvidia-smi
     * 00000000:00:06.0.
     */
    static String bus(String id) {
        String s = id.strip().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon > 4 && s.substring(0, colon - 4).chars().allMatch(c -> c == '0')) {
            s = s.substring(colon - 4);
        }
        return s;
    }
}
