package io.nodeimage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The files of a running H100 node, ../shared/fixtures/live-h100 beside the clone (as the plugin's tests
 * find them): a test without it skips on a laptop and fails when CI is set.
 */
final class LiveNode {

    private LiveNode() {
    }

    /** The repository root: the nearest folder up with README.md and a pom.xml that lists modules. */
    static Path repositoryRoot() {
        String configured = System.getProperty("nodeimage.repositoryRoot");
        Path dir = (configured != null ? Path.of(configured) : Path.of("")).toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && listsModules(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root at or above " + dir);
    }

    static Path fixture() {
        Path fixture = repositoryRoot().resolve("../shared/fixtures/live-h100").normalize();
        if (!Files.isDirectory(fixture)) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0")) {
                throw new IllegalStateException("CI is set but " + fixture + " is not there; CI runs with ../shared beside the clone");
            }
            Assumptions.abort("no " + fixture + " beside the clone; skipped here, but a failure when CI is set");
        }
        return fixture;
    }

    static Path root() {
        return fixture().resolve("root");
    }

    static Path smiXml() {
        return fixture().resolve("nvidia-smi-q-x.xml");
    }

    private static boolean listsModules(Path pom) {
        try {
            return Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
