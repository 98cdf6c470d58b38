package io.nodeimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real module tree from Debian's linux-image-cloud-amd64 package, unpacked by
 * scripts/fetch-kernel-modules.sh (which .ci/run runs). Missing: skipped on a laptop, a failure in CI.
 */
public final class KernelTree {

    private KernelTree() {
    }

    /** The {@code /lib/modules/<kver>} folder. */
    public static Path modules() throws IOException {
        String configured = System.getenv("NODEIMAGE_KERNEL_TREE");
        Path root = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache/nodeimage/kernels");
        Path found = null;
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root, 4)) {
                found = walk.filter(p -> p.getParent() != null && p.getParent().endsWith("lib/modules")
                        && Files.isDirectory(p.resolve("kernel"))).findFirst().orElse(null);
            }
        }
        if (found == null) {
            Ci.missing("no kernel module tree under " + root
                    + ", and CI is set; .ci/run fetches one with scripts/fetch-kernel-modules.sh",
                    "no kernel module tree; run scripts/fetch-kernel-modules.sh");
        }
        return found;
    }

    public static List<Path> moduleFiles(Path modules) throws IOException {
        try (Stream<Path> walk = Files.walk(modules)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".ko")).sorted().toList();
        }
    }
}
