package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.SysctlConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * nodeimage's effective sysctl values against systemd-sysctl itself, on random sysctl.d trees: masking
 * across directories, file order, replaced assignments, both key spellings, '-' prefixes, comments,
 * lines without '=', and globs. The oracle is {@code systemd-sysctl} run in a container with debug
 * logging: it logs "Setting '/proc/sys/KEY' to 'VALUE'" for every value it applies (the writes fail on
 * the container's read-only /proc/sys, which changes nothing of what it decided). Every key either side
 * sets is compared. {@code -Dnodeimage.differential.sysctlSeeds=1000} runs more locally.
 */
@ExtendWith(DockerRequired.class)
class SysctlDifferentialTest {

    private static final String TAG = "nodeimage-it/sysctl-oracle:test";
    static final int SEEDS = Integer.getInteger("nodeimage.differential.sysctlSeeds", 40);
    static final long FIRST_SEED = Long.getLong("nodeimage.differential.seed", 1L);
    /** Directories a generated file goes to: /lib is /usr/lib in a merged-/usr image. */
    static final List<String> DIRECTORIES = List.of("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
            "/usr/lib/sysctl.d");
    static final List<String> KEYS = List.of("kernel.kptr_restrict", "kernel.dmesg_restrict", "kernel.sysrq",
            "fs.protected_fifos", "fs.protected_regular", "fs.suid_dumpable", "vm.swappiness", "net.ipv4.ip_forward",
            "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter", "net.ipv4.conf.lo.rp_filter",
            "net.ipv4.tcp_syncookies", "kernel.printk");
    static final List<String> GLOBS = List.of("net.ipv4.conf.*.rp_filter", "net/ipv4/conf/*/rp_filter", "fs.protected_*",
            "kernel.kptr_*", "net.ipv4.conf.[ad]*.rp_filter");

    @TempDir
    static Path work;
    private static GenericContainer<?> systemd;
    private static List<String> keys;

    @BeforeAll
    static void start() throws Exception {
        java.nio.file.Files.writeString(work.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                RUN apt-get update && apt-get install -y --no-install-recommends systemd && rm -rf /var/lib/apt/lists/*
                """);
        systemd = new GenericContainer<>(org.testcontainers.utility.DockerImageName.parse(LocalImages.build(work, TAG)))
                .withNetworkMode("none").withCommand("sleep", "3600");
        systemd.start();
        // Only keys the kernel under the container has: systemd-sysctl sets nothing else.
        keys = new ArrayList<>();
        for (String key : KEYS) {
            if (systemd.execInContainer("test", "-e", "/proc/sys/" + key.replace('.', '/')).getExitCode() == 0) {
                keys.add(key);
            }
        }
        assertThat(keys).hasSizeGreaterThan(5);
    }

    @AfterAll
    static void stop() {
        LocalImages.remove(java.util.Collections.singletonList(systemd), TAG);
    }

    @Test
    void nodeimageAgreesWithSystemdSysctlOnRandomTrees() throws Exception {
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        int set = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            Map<String, String> files = generate(seed);
            Map<String, String> theirs = oracle(files);
            Map<String, String> asRead = new TreeMap<>();
            files.forEach((p, t) -> asRead.put(p, t.equals(DEV_NULL) ? "" : t));
            Map<String, Facts.Setting> ours = SysctlConfig.of(asRead);
            List<String> judged = new ArrayList<>(keys);
            for (String key : judged) {
                String mine = SysctlConfig.value(ours, key).map(Facts.Setting::value).orElse(null);
                String systemds = theirs.get(key);
                compared++;
                set += systemds == null ? 0 : 1;
                if (!java.util.Objects.equals(mine, systemds)) {
                    StringBuilder d = new StringBuilder("seed " + seed + ", " + key + ": nodeimage " + mine
                            + ", systemd-sysctl " + systemds + "\n");
                    files.forEach((p, t) -> d.append("  --- ").append(p).append('\n').append(t.indent(4)));
                    disagreements.add(d.toString());
                }
            }
        }
        System.out.println("SysctlDifferentialTest: " + compared + " values (" + set + " set) on " + SEEDS + " seeds, "
                + disagreements.size() + " disagreements");
        assertThat(disagreements).as(compared + " values").isEmpty();
        assertThat(set).as("values systemd-sysctl set").isGreaterThan(compared / 4);
    }

    private static final Pattern SETTING = Pattern.compile("^Setting '/proc/sys/([^']+)' to '(.*)'$", Pattern.MULTILINE);

    private static Map<String, String> oracle(Map<String, String> files) throws Exception {
        String dirs = String.join(" ", DIRECTORIES) + " /lib/sysctl.d";
        exec("rm -rf " + dirs + " && mkdir -p " + dirs + " && rm -f /etc/sysctl.conf");
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (f.getValue().equals(DEV_NULL)) {
                exec("ln -s /dev/null " + f.getKey());
            } else {
                systemd.copyFileToContainer(Transferable.of(f.getValue()), f.getKey());
            }
        }
        Container.ExecResult r = systemd.execInContainer("sh", "-c",
                "SYSTEMD_LOG_LEVEL=debug /lib/systemd/systemd-sysctl 2>&1; true");
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = SETTING.matcher(r.getStdout());
        while (m.find()) {
            out.put(m.group(1).replace('/', '.'), m.group(2));
        }
        return out;
    }

    private static String exec(String command) throws Exception {
        Container.ExecResult r = systemd.execInContainer("sh", "-c", command);
        assertThat(r.getExitCode()).as(command + ": " + r.getStderr()).isZero();
        return r.getStdout();
    }

    /** A link to /dev/null: masks like an empty file (nodeimage reads it as empty text). */
    static final String DEV_NULL = "\u0000/dev/null";

    static Map<String, String> generate(long seed) {
        Random r = new Random(seed);
        Map<String, String> files = new TreeMap<>();
        String[] names = {"10-base.conf", "50-site.conf", "60-gpu.conf", "99-override.conf", "README.conf.bak"};
        int count = 2 + r.nextInt(5);
        for (int f = 0; f < count; f++) {
            String path = DIRECTORIES.get(r.nextInt(DIRECTORIES.size())) + "/" + names[r.nextInt(names.length)];
            if (r.nextInt(10) == 0) {
                files.put(path, r.nextBoolean() ? "" : DEV_NULL);
                continue;
            }
            StringBuilder text = new StringBuilder();
            int lines = 1 + r.nextInt(7);
            for (int l = 0; l < lines; l++) {
                text.append(line(r)).append('\n');
            }
            files.put(path, text.toString());
        }
        return files;
    }

    private static String line(Random r) {
        String key = KEYS.get(r.nextInt(KEYS.size()));
        if (r.nextInt(3) == 0) {
            key = key.replace('.', '/');
        }
        String value = key.contains("printk") ? "3 4 1 3" : Integer.toString(r.nextInt(3));
        return switch (r.nextInt(12)) {
            case 0 -> "# " + key + " = 7";
            case 1 -> "; " + key + " = 7";
            case 2 -> "-" + key + " = " + value;
            case 3 -> key + "=" + value;
            case 4 -> "  " + key + "   =   " + value + "  ";
            case 5 -> GLOBS.get(r.nextInt(GLOBS.size())) + " = " + value;
            case 6 -> key;
            case 7 -> "";
            default -> key + " = " + value;
        };
    }
}
