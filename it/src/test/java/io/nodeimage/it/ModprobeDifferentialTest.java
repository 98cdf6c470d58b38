package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModprobeConfig;
import io.nodeimage.inspect.ModuleLoading;
import io.nodeimage.inspect.ModuleReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * nodeimage's module states against real kmod, on random modprobe.d trees over the real modules of
 * Debian's cloud kernel (their dependencies, soft dependencies and built-in modules as they are).
 *
 * <p>The oracle is modprobe itself, run for real in a container with no network: lookups, aliases,
 * blacklists, install commands (a shell runs them, nested modprobe included), soft dependencies and
 * dependencies all happen as on a node. Only the last step is replaced: a preloaded library
 * (src/test/resources/kmod-oracle/loadlog.c) stands in for the kernel's module loader, recording each
 * module loaded and refusing one whose dependencies (modules.dep) are not loaded, as the kernel refuses
 * a module with unknown symbols. /sys/module is an empty tmpfs, so nothing of the host counts as loaded.
 *
 * <p>The states, in kmod's terms (docs/policies.md says the same):
 * <ul>
 * <li>builtin: the name is in modules.builtin;</li>
 * <li>loadable: after {@code modprobe NAME}, module NAME is loaded;</li>
 * <li>disabled: modprobe found something by that name ({@code modprobe -R NAME} resolves it), but NAME is
 * not loaded;</li>
 * <li>absent: modprobe finds nothing by that name.</li>
 * </ul>
 * CI runs {@link #SEEDS} seeds (about 500 verdicts); {@code -Dnodeimage.differential.seeds=2000} (and {@code .seed}, the first) runs more locally. A disagreement
 * prints the seed, the name, both states, nodeimage's reason and the configuration.
 */
@ExtendWith(DockerRequired.class)
class ModprobeDifferentialTest {

    private static final String TAG = "nodeimage-it/kmod-oracle:test";
    static final int SEEDS = Integer.getInteger("nodeimage.differential.seeds", 30);
    static final long FIRST_SEED = Long.getLong("nodeimage.differential.seed", 1L);
    static final List<String> DIRECTORIES = ModprobeConfig.DIRECTORIES;
    /** Names no Debian cloud kernel has (checked in the container before use): CIS's list and made-up ones. */
    static final List<String> ABSENT = List.of("cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "usb-storage", "no_such_mod");

    @TempDir
    static Path work;
    private static GenericContainer<?> kmod;
    private static Map<String, KernelModule> tree;
    private static Set<String> builtin;
    private static String softdeps;
    private static ModuleLoading.TreeAliases aliases;
    private static String modulesDep;
    private static List<String> pool;
    private static List<String> absent;

    @BeforeAll
    static void start() throws Exception {
        Path modules = ModprobeOracleTest.kernelTree();
        Path shim = work.resolve("loadlog.so");
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", shim.toString(),
                Path.of("src/test/resources/kmod-oracle/loadlog.c").toAbsolutePath().toString(), "-ldl")
                .redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0).as("gcc: " + gccOut).isTrue();

        String tag = LocalImages.build(Path.of("src/test/resources/kmod"), TAG);
        kmod = new GenericContainer<>(DockerImageName.parse(tag)).withNetworkMode("none")
                .withTmpFs(Map.of("/sys/module", "rw")).withCommand("sleep", "3600")
                // Install commands that call modprobe can recurse without end, as on a node: bound them.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPidsLimit(200L));
        kmod.start();
        String release = exec("uname -r").strip();
        // The tree under the running kernel's name: install commands call modprobe without -S.
        exec("mkdir -p /lib/modules");
        kmod.copyFileToContainer(MountableFile.forHostPath(modules), "/lib/modules/" + release);
        kmod.copyFileToContainer(MountableFile.forHostPath(shim), "/loadlog.so");
        exec("depmod " + release + " && ls /sys/module | wc -l");

        tree = new TreeMap<>();
        ModuleReader reader = new ModuleReader();
        try (Stream<Path> walk = Files.walk(modules)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".ko")).toList()) {
                KernelModule m = reader.read(f.toString(), Files.readAllBytes(f));
                tree.put(m.canonicalName(), m);
            }
        }
        builtin = new LinkedHashSet<>();
        for (String line : Files.readAllLines(modules.resolve("modules.builtin"))) {
            String file = line.substring(line.lastIndexOf('/') + 1);
            builtin.add(file.replaceAll("\\.ko$", "").replace('-', '_'));
        }
        // depmod writes modules.softdep when the package is installed (the .deb does not ship it): read the
        // one depmod wrote in the container, as inspect reads an image's.
        softdeps = exec("cat /lib/modules/" + release + "/modules.softdep");
        assertThat(softdeps).contains("softdep ");
        aliases = ModuleLoading.TreeAliases.parse(exec("cat /lib/modules/" + release + "/modules.alias"));
        modulesDep = exec("cat /lib/modules/" + release + "/modules.dep");
        pool = pool();
        // Names kept absent only if modprobe finds nothing by them without configuration (modules.alias
        // fields are not modelled, see ModuleLoading).
        exec("rm -rf " + String.join(" ", DIRECTORIES));
        absent = new ArrayList<>();
        for (String name : ABSENT) {
            Container.ExecResult r = kmod.execInContainer("modprobe", "-R", name);
            if (r.getExitCode() != 0 && !tree.containsKey(name.replace('-', '_'))) {
                absent.add(name);
            }
        }
        assertThat(absent).isNotEmpty();
    }

    @AfterAll
    static void stop() {
        LocalImages.remove(java.util.Collections.singletonList(kmod), TAG);
    }

    /** Modules that depend on others, with everything they depend on: where probing gets interesting. */
    private static List<String> pool() {
        Set<String> out = new LinkedHashSet<>();
        for (String root : List.of("vfat", "msdos", "isofs", "udf", "nfsv4", "xfs", "btrfs", "squashfs", "ext2",
                "virtio_net", "nls_utf8", "fuse", "overlay", "loop", "dm_crypt", "bridge", "veth", "vxlan")) {
            if (tree.containsKey(root)) {
                out.add(root);
                KernelModule m = tree.get(root);
                out.addAll(m.depends().stream().map(d -> d.replace('-', '_')).filter(tree::containsKey).toList());
            }
        }
        return new ArrayList<>(out);
    }

    private static String exec(String command) throws Exception {
        Container.ExecResult r = kmod.execInContainer("sh", "-c", command);
        assertThat(r.getExitCode()).as(command + ": " + r.getStderr()).isZero();
        return r.getStdout();
    }

    /** One generated configuration: files by path, and the names to ask modprobe about. */
    record Case(long seed, Map<String, String> files, List<String> names) {
        String describe() {
            StringBuilder out = new StringBuilder("seed " + seed + ":\n");
            files.forEach((path, text) -> out.append("  --- ").append(path).append('\n')
                    .append(text.indent(4)));
            return out.toString();
        }
    }

    @Test
    void nodeimageAgreesWithModprobeOnRandomConfigurations() throws Exception {
        List<String> disagreements = new ArrayList<>();
        int verdicts = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            Case c = generate(seed);
            Map<String, String> oracle = oracle(c);
            ModprobeConfig config = ModprobeConfig.of(c.files()).withTreeSoftdeps("/lib/modules/x", softdeps);
            ModuleLoading loading = new ModuleLoading(config, tree, builtin, aliases, modulesDep);
            for (String name : c.names()) {
                ModuleLoading.Verdict ours = loading.judge(name);
                String theirs = oracle.get(name);
                verdicts++;
                if (!ours.state().equals(theirs)) {
                    disagreements.add("seed " + seed + ", " + name + ": nodeimage " + ours.state() + " (" + ours.reason()
                            + "), modprobe " + theirs + "\n" + c.describe());
                }
            }
        }
        System.out.println("ModprobeDifferentialTest: " + verdicts + " verdicts on " + SEEDS + " seeds, "
                + disagreements.size() + " disagreements");
        assertThat(disagreements).as(verdicts + " verdicts").isEmpty();
        assertThat(verdicts).isGreaterThanOrEqualTo(SEEDS * 12);
    }

    /**
     * Cases worth a name, each once a disagreement or a hole: the expected states are what modprobe did.
     * Each is also judged by the oracle, so a change in kmod would show here first.
     */
    @Test
    void namedCasesAgreeWithModprobe() throws Exception {
        record Named(String title, Map<String, String> files, Map<String, String> expected) {
        }
        List<Named> cases = List.of(
                new Named("an install command that exits 1 loads nothing", Map.of("/etc/modprobe.d/a.conf",
                        "install isofs /bin/sh -c \"exit 1\"\n"), Map.of("isofs", "disabled", "cdrom", "loadable")),
                new Named("a command that loads the module after all", Map.of("/etc/modprobe.d/a.conf",
                        "install vfat /sbin/modprobe --ignore-install vfat $CMDLINE_OPTS\noptions vfat shortname=lower\n"),
                        Map.of("vfat", "loadable")),
                new Named("a disabled dependency makes its users unloadable", Map.of("/etc/modprobe.d/a.conf",
                        "install fat /bin/true\n"), Map.of("fat", "disabled", "vfat", "disabled", "msdos", "disabled")),
                new Named("a redirection in the command", Map.of("/etc/modprobe.d/a.conf",
                        "install cdrom /bin/sh -c 'echo cdrom is off >&2; exit 1'\n"), Map.of("cdrom", "disabled",
                        "isofs", "disabled")),
                new Named("kmod ignores the install command of a module with soft dependencies", Map.of(
                        "/etc/modprobe.d/a.conf", "install fat /bin/false\nsoftdep fat pre: nls_utf8\n"),
                        Map.of("fat", "loadable", "vfat", "loadable")),
                new Named("an alias to a blacklisted module loads nothing; the module by its own name loads",
                        Map.of("/etc/modprobe.d/a.conf", "alias udf-fs udf\nblacklist udf\n"),
                        Map.of("udf-fs", "disabled", "udf", "loadable")),
                new Named("an alias that shadows a module's own name", Map.of("/etc/modprobe.d/a.conf",
                        "alias isofs off\n"), Map.of("isofs", "disabled")),
                new Named("an empty file masks the same name in a later directory", Map.of(
                        "/etc/modprobe.d/cis.conf", "", "/usr/lib/modprobe.d/cis.conf", "install vfat /bin/false\n"),
                        Map.of("vfat", "loadable")));
        List<String> disagreements = new ArrayList<>();
        for (Named c : cases) {
            List<String> names = new ArrayList<>(c.expected().keySet());
            Map<String, String> oracle = oracle(new Case(0, c.files(), names));
            ModuleLoading loading = new ModuleLoading(ModprobeConfig.of(c.files()).withTreeSoftdeps("/lib/modules/x", softdeps),
                    tree, builtin, aliases, modulesDep);
            for (String name : names) {
                String ours = loading.judge(name).state();
                if (!ours.equals(c.expected().get(name)) || !oracle.get(name).equals(c.expected().get(name))) {
                    disagreements.add(c.title() + ": " + name + " expected " + c.expected().get(name) + ", nodeimage "
                            + ours + " (" + loading.judge(name).reason() + "), modprobe " + oracle.get(name));
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    /** What modprobe does with each name, by the mapping in the class comment. */
    private static Map<String, String> oracle(Case c) throws Exception {
        exec("rm -rf " + String.join(" ", DIRECTORIES) + " && mkdir -p " + String.join(" ", DIRECTORIES));
        for (Map.Entry<String, String> f : c.files().entrySet()) {
            kmod.copyFileToContainer(Transferable.of(f.getValue()), f.getKey());
        }
        StringBuilder script = new StringBuilder("B=/lib/modules/$(uname -r)/modules.builtin\n");
        for (String name : c.names()) {
            script.append("rm -f /tmp/l; NODEIMAGE_LOAD_LOG=/tmp/l LD_PRELOAD=/loadlog.so timeout 20 modprobe ").append(name)
                    .append(" >/dev/null 2>&1; ")
                    .append("if modprobe -R ").append(name).append(" >/dev/null 2>&1; then f=1; else f=0; fi; ")
                    .append("echo \"").append(name).append(" $f $(cat /tmp/l 2>/dev/null | tr '\\n' ' ')\"\n");
        }
        String out = exec(script.toString());
        Set<String> builtinNames = builtin;
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] words = line.strip().split(" +");
            String name = words[0];
            String canonical = name.replace('-', '_');
            boolean found = words[1].equals("1");
            boolean loaded = false;
            for (int i = 2; i < words.length; i++) {
                String file = words[i].substring(words[i].lastIndexOf('/') + 1).replaceAll("\\.ko$", "");
                loaded |= file.replace('-', '_').equals(canonical);
            }
            String state = builtinNames.contains(canonical) ? "builtin" : loaded ? "loadable" : found ? "disabled" : "absent";
            states.put(name, state);
        }
        assertThat(states.keySet()).containsExactlyElementsOf(c.names());
        return states;
    }

    /** A seeded, reproducible modprobe.d tree over real names, with every directive kmod reads. */
    static Case generate(long seed) {
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            names.add(pool.get(r.nextInt(pool.size())));
        }
        names.add(absent.get(r.nextInt(absent.size())));
        names.add(absent.get(r.nextInt(absent.size())));
        List<String> builtins = new ArrayList<>(builtin);
        names.add(builtins.get(r.nextInt(builtins.size())));
        List<String> asked = new ArrayList<>(new LinkedHashSet<>(names.stream().map(n -> spell(r, n)).toList()));

        Map<String, String> files = new TreeMap<>();
        String[] fileNames = {"a.conf", "blacklist.conf", "gpu.conf", "nodeimage.conf", "z.conf", "site.conf"};
        int count = 2 + r.nextInt(5);
        for (int f = 0; f < count; f++) {
            String dir = DIRECTORIES.get(r.nextInt(DIRECTORIES.size()));
            String file = fileNames[r.nextInt(fileNames.length)];
            if (r.nextInt(12) == 0) {
                files.put(dir + "/" + file, "");
                continue;
            }
            if (r.nextInt(12) == 0) {
                file = file.replace(".conf", ".conf.dpkg-old");
            }
            StringBuilder text = new StringBuilder();
            int lines = 1 + r.nextInt(8);
            for (int l = 0; l < lines; l++) {
                text.append(line(r, names)).append('\n');
            }
            files.put(dir + "/" + file, text.toString());
        }
        return new Case(seed, files, asked);
    }

    private static String spell(Random r, String name) {
        return r.nextInt(3) == 0 ? name.replace('_', '-') : name;
    }

    private static String line(Random r, List<String> names) {
        String m = spell(r, names.get(r.nextInt(names.size())));
        String other = spell(r, names.get(r.nextInt(names.size())));
        String pattern = r.nextInt(6) == 0 ? m.substring(0, Math.max(1, m.length() - 2)) + "*" : m;
        String line = switch (r.nextInt(16)) {
            case 0, 1, 2 -> "install " + pattern + " " + command(r, m);
            case 3 -> "install " + m + "  " + command(r, m);
            case 4, 5 -> "blacklist " + m;
            case 6 -> "alias " + m + " " + other;
            case 7 -> "alias " + pattern + " off";
            case 8, 9 -> "softdep " + pattern + (r.nextBoolean() ? " pre: " + other : "") + (r.nextBoolean() ? " post: "
                    + spell(r, names.get(r.nextInt(names.size()))) : " pre: " + absent.get(r.nextInt(absent.size())));
            case 10 -> "options " + m + " debug=1";
            case 11 -> "remove " + m + " /bin/true";
            case 12 -> "# install " + m + " /bin/false";
            case 13 -> "install " + m + " \\\n    " + command(r, m);
            case 14 -> "\tinstall\t" + m + "\t" + command(r, m);
            default -> "install " + m + " /bin/false";
        };
        return line;
    }

    /** Install commands as sites write them: refusals, no-ops, and ones that load the module after all. */
    private static String command(Random r, String m) {
        return switch (r.nextInt(9)) {
            case 0 -> "/bin/false";
            case 1 -> "/bin/true";
            case 2 -> "/bin/sh -c \"exit 1\"";
            case 3 -> "/bin/sh -c 'echo " + m + " is disabled >&2; exit 1'";
            case 4 -> "/sbin/modprobe --ignore-install " + m + " $CMDLINE_OPTS";
            case 5 -> "/sbin/modprobe --ignore-install $MODPROBE_MODULE";
            case 6 -> "/bin/echo " + m + " refused";
            case 7 -> ":";
            default -> "/bin/sh -c \"exit 0\"";
        };
    }
}
