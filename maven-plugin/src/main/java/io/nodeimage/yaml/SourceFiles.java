package io.nodeimage.yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What profile and policy sources share: catalog indexes on the class path, and file names as users know them. */
public final class SourceFiles {

    private SourceFiles() {
    }

    /** The names listed in {@code <root>index.txt} of a bundled catalog, one per line, '#' for comments. */
    public static List<String> catalogNames(ClassLoader loader, String root) {
        List<String> names = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(root + "index.txt")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#")) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled index " + root + "index.txt", e);
        }
        return names;
    }

    /** A file as shown in messages: relative to {@code base} when inside it (the project), else absolute. */
    public static String shown(Path file, Path base) {
        Path abs = file.toAbsolutePath().normalize();
        if (base != null) {
            Path from = base.toAbsolutePath().normalize();
            if (abs.startsWith(from)) {
                return from.relativize(abs).toString().replace('\\', '/');
            }
        }
        return abs.toString();
    }
}
