package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.ModprobeConfig;
import io.nodeimage.support.Ci;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * ModprobeConfig's verdicts against real {@code modprobe -n -v} over the same files, in a container
 * holding two real modules (fat, vfat) of Debian's kernel and no network.
 */
@ExtendWith(DockerRequired.class)
class ModprobeOracleTest {

    private static final String TAG = "nodeimage-it/kmod:test";
    private static final Set<String> IN_TREE = Set.of("fat", "vfat");
    private static GenericContainer<?> kmod;
    private static String kver;

    @BeforeAll
    static void start() throws Exception {
        Path tree = kernelTree();
        kver = tree.getFileName().toString();
        kmod = LocalImages.start(LocalImages.build(Path.of("src/test/resources/kmod"), TAG));
        for (String module : IN_TREE) {
            Path file = tree.resolve("kernel/fs/fat/" + module + ".ko");
            kmod.copyFileToContainer(MountableFile.forHostPath(file), "/lib/modules/" + kver + "/kernel/fs/fat/" + module + ".ko");
        }
        Container.ExecResult depmod = kmod.execInContainer("depmod", kver);
        assertThat(depmod.getExitCode()).as(depmod.getStderr()).isZero();
    }

    @AfterAll
    static void stop() {
        LocalImages.remove(java.util.Collections.singletonList(kmod), TAG);
    }

    record Case(String title, Map<String, String> files) {
    }

    static List<Case> cases() {
        return List.of(
                new Case("masking by file name across directories", Map.of(
                        "/usr/lib/modprobe.d/x.conf", "install fat /bin/true\n",
                        "/etc/modprobe.d/x.conf", "options fat codepage=850\n",
                        "/lib/modprobe.d/y.conf", "options fat iocharset=utf8\n")),
                new Case("an empty file masks", Map.of(
                        "/etc/modprobe.d/cis.conf", "",
                        "/usr/lib/modprobe.d/cis.conf", "install cramfs /bin/false\ninstall fat /bin/false\n")),
                new Case("first matching glob in the tree, exact name outside it", Map.of(
                        "/run/modprobe.d/y.conf", "install vf* /bin/false\ninstall a* /bin/false\n",
                        "/etc/modprobe.d/z.conf", "install vfat /bin/true\ninstall a-b /bin/true\n")),
                new Case("dash and underscore, continued lines, blacklist alone", Map.of(
                        "/etc/modprobe.d/a.conf", "# comment\ninstall usb_storage \\\n  /bin/false\nblacklist fat\n"
                                + "install cramfs /bin/true\n")),
                new Case("/run over /usr/lib, /etc over /run", Map.of(
                        "/usr/lib/modprobe.d/n.conf", "install vfat /bin/true\n",
                        "/run/modprobe.d/n.conf", "install fat /bin/false\n",
                        "/etc/modprobe.d/n.conf", "options vfat shortname=lower\n")),
                new Case("files other than *.conf are ignored", Map.of(
                        "/etc/modprobe.d/off.conf.bak", "install fat /bin/false\n",
                        "/etc/modprobe.d/on.conf", "install u[!s]b /bin/false\ninstall [uv]sb_storage /bin/true\n")));
    }

    @Test
    void modprobeAgreesOnEveryTrickyConfiguration() throws Exception {
        int checked = 0;
        for (Case c : cases()) {
            root("rm -rf " + String.join(" ", ModprobeConfig.DIRECTORIES) + " && mkdir -p "
                    + String.join(" ", ModprobeConfig.DIRECTORIES));
            for (Map.Entry<String, String> f : c.files().entrySet()) {
                kmod.copyFileToContainer(Transferable.of(f.getValue()), f.getKey());
            }
            ModprobeConfig config = ModprobeConfig.of(c.files());
            for (String module : List.of("fat", "vfat", "cramfs", "usb-storage", "usb_storage", "a-b", "vfoo")) {
                Container.ExecResult r = kmod.execInContainer("modprobe", "-n", "-v", "-S", kver, module);
                String why = c.title() + ", modprobe -n -v " + module + ": " + r.getStdout() + r.getStderr();
                boolean inTree = IN_TREE.contains(module);
                Optional<ModprobeConfig.Command> install = inTree ? config.installMatching(module) : config.installNamed(module);
                List<String> lines = r.getStdout().lines().toList();
                if (install.isPresent()) {
                    assertThat(r.getExitCode()).as(why).isZero();
                    assertThat(lines.get(lines.size() - 1)).as(why).startsWith("install " + install.get().rest());
                } else if (inTree) {
                    assertThat(r.getExitCode()).as(why).isZero();
                    String own = lines.get(lines.size() - 1);
                    assertThat(own).as(why).startsWith("insmod ").contains("/" + module + ".ko");
                    for (String options : config.options(module)) {
                        assertThat(own).as(why).contains(options);
                    }
                } else {
                    assertThat(r.getExitCode()).as(why).isNotZero();
                    assertThat(r.getStderr()).as(why).contains("not found");
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(cases().size() * 7);
    }

    private static void root(String command) throws Exception {
        Container.ExecResult r = kmod.execInContainer("sh", "-c", command);
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
    }

    /** {@code /lib/modules/<kver>} of the kernel package .ci/run fetched (scripts/fetch-kernel-modules.sh). */
    static Path kernelTree() throws Exception {
        String configured = System.getenv("NODEIMAGE_KERNEL_TREE");
        Path root = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache/nodeimage/kernels");
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root, 4)) {
                Optional<Path> found = walk.filter(p -> p.getParent() != null && p.getParent().endsWith("lib/modules")
                        && Files.isRegularFile(p.resolve("kernel/fs/fat/fat.ko"))).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        Ci.missing("no kernel module tree under " + root + ", and CI is set",
                "no kernel module tree; run scripts/fetch-kernel-modules.sh");
        return null;
    }
}
