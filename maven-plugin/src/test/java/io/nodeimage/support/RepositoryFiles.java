package io.nodeimage.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's own files (catalog sources, goldens) from a test. */
public final class RepositoryFiles {

    private RepositoryFiles() {
    }

    public static Path root() {
        String configured = System.getProperty("nodeimage.repositoryRoot");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("maven-plugin/pom.xml"))) {
            throw new IllegalStateException("not the repository root: " + root);
        }
        return root;
    }

    public static Path catalogSources() {
        return root().resolve("profiles/src/main/resources/nodeimage/profiles");
    }

    public static Path pluginResources() {
        return root().resolve("maven-plugin/src/main/resources");
    }

    /** Goldens are rewritten instead of compared when this is set: -Dnodeimage.updateGoldens=true. */
    public static boolean updateGoldens() {
        return Boolean.getBoolean("nodeimage.updateGoldens");
    }
}
