package io.nodeimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The files of a running H100 node (../shared/fixtures/live-h100 beside the clone, see its README): a
 * root with proc, sys and etc, nvidia-smi -q -x output and the node's nvidia.ko. Kept outside the
 * repository (the module alone is 8 MB); a test without it skips on a laptop and fails in CI.
 */
public final class LiveNode {

    private LiveNode() {
    }

    public static Path fixture() {
        Path fixture = RepositoryFiles.root().resolve("../shared/fixtures/live-h100").normalize();
        if (!Files.isDirectory(fixture)) {
            Ci.missing("CI is set but " + fixture + " is not there; CI runs with ../shared beside the clone",
                    "no " + fixture + " beside the clone; skipped here, but a failure when CI is set");
        }
        return fixture;
    }

    public static Path root() {
        return fixture().resolve("root");
    }

    public static Path smiXml() {
        return fixture().resolve("nvidia-smi-q-x.xml");
    }

    /** A writable copy of the fixture (root and nvidia-smi XML) in {@code dir}, for variants. */
    public static Path copy(Path dir) throws IOException {
        Path from = fixture();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !p.startsWith(from.resolve("modules"))).toList()) {
                Path to = dir.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    to.toFile().setWritable(true);
                }
            }
        }
        return dir;
    }
}
