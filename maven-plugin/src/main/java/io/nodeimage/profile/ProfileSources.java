package io.nodeimage.profile;

import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where profiles come from, by name: the project's profiles folder first, then the catalog bundled
 * with the plugin ({@value #CATALOG_ROOT} on the class path, listed in its {@code index.txt}).
 * A name never becomes a path by itself: only files found in the folder, or names in the index, exist.
 */
public final class ProfileSources {

    public static final String CATALOG_ROOT = "nodeimage/profiles/";
    /** How the bundled catalog's files are shown: in messages, and as the locations of profile rules. */
    public static final String CATALOG_SHOWN = "nodeimage-profiles:" + CATALOG_ROOT;

    private final Map<String, Path> projectFiles = new TreeMap<>();
    private final List<Problem> folderProblems = new ArrayList<>();
    private final TreeSet<String> catalogNames = new TreeSet<>();
    private final ClassLoader catalog;
    private final Path shownFrom;

    /**
     * @param profilesDirectory the project's folder; may be null or absent (then only the catalog is used)
     * @param shownFrom paths in messages are shown relative to this folder (usually the project base)
     * @param catalog the class loader that sees the bundled catalog; null for none
     */
    public ProfileSources(Path profilesDirectory, Path shownFrom, ClassLoader catalog) {
        this.shownFrom = shownFrom == null ? null : shownFrom.toAbsolutePath().normalize();
        this.catalog = catalog;
        if (profilesDirectory != null && Files.isDirectory(profilesDirectory)) {
            scan(profilesDirectory.toAbsolutePath().normalize());
        }
        if (catalog != null) {
            catalogNames.addAll(SourceFiles.catalogNames(catalog, CATALOG_ROOT));
        }
    }

    /** The project folder: what paths in messages and {@code source:} paths are relative to; null without one. */
    public Path projectDirectory() {
        return shownFrom;
    }

    /** Sources with the catalog this plugin was shipped with. */
    public static ProfileSources withBundledCatalog(Path profilesDirectory, Path shownFrom) {
        return new ProfileSources(profilesDirectory, shownFrom, ProfileSources.class.getClassLoader());
    }

    /** One profile document, as found. */
    public record Source(String name, String shownAs, boolean bundled) {
    }

    public List<String> projectNames() {
        return List.copyOf(projectFiles.keySet());
    }

    public List<String> catalogNames() {
        return List.copyOf(catalogNames);
    }

    /** Every name that can be extended or selected, project names first. */
    public List<String> allNames() {
        TreeSet<String> all = new TreeSet<>(projectFiles.keySet());
        all.addAll(catalogNames);
        return List.copyOf(all);
    }

    /** Problems with the folder itself: links leading outside it, two files for one name. */
    public List<Problem> folderProblems() {
        return List.copyOf(folderProblems);
    }

    public Optional<Source> find(String name) {
        Path file = projectFiles.get(name);
        if (file != null) {
            return Optional.of(new Source(name, shown(file), false));
        }
        if (catalogNames.contains(name)) {
            return Optional.of(new Source(name, CATALOG_SHOWN + name + ".yaml", true));
        }
        return Optional.empty();
    }

    /** Reads and parses a source found by {@link #find}. */
    public YNode read(Source source) {
        if (!source.bundled()) {
            return SafeYaml.read(projectFiles.get(source.name()), source.shownAs());
        }
        return SafeYaml.parse(bytes(source), source.shownAs());
    }

    /** The bytes of a source as they are now (at most one more than the size limit), unparsed. */
    public byte[] bytes(Source source) {
        try {
            if (!source.bundled()) {
                try (InputStream in = Files.newInputStream(projectFiles.get(source.name()))) {
                    return in.readNBytes(SafeYaml.MAX_BYTES + 1);
                }
            }
            try (InputStream in = catalog.getResourceAsStream(CATALOG_ROOT + source.name() + ".yaml")) {
                if (in == null) {
                    throw new YamlException(source.shownAs() + " cannot be read", List.of(new Problem(
                            Location.startOf(source.shownAs()), "", "listed in the catalog index but missing")),
                            "the nodeimage-profiles jar is damaged; rebuild it");
                }
                return in.readNBytes(SafeYaml.MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new YamlException(source.shownAs() + " cannot be read", List.of(new Problem(
                    Location.startOf(source.shownAs()), "", "cannot read: " + e.getMessage())),
                    "check that it exists and is readable");
        }
    }

    private void scan(Path dir) {
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".yaml") || n.endsWith(".yml");
            }).sorted().forEach(files::add);
        } catch (IOException e) {
            folderProblems.add(new Problem(Location.startOf(shown(dir)), "", "cannot list the folder: " + e.getMessage()));
            return;
        }
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.lastIndexOf('.'));
            try {
                if (!file.toRealPath().startsWith(realDir)) {
                    folderProblems.add(new Problem(Location.startOf(shown(file)), "",
                            "is a link that leads outside the profiles folder",
                            "copy the profile into the folder, or extend a bundled profile by name"));
                    continue;
                }
            } catch (IOException e) {
                folderProblems.add(new Problem(Location.startOf(shown(file)), "",
                        "cannot be followed: " + e.getMessage(), "remove the dangling link"));
                continue;
            }
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Path previous = projectFiles.putIfAbsent(name, file);
            if (previous != null) {
                folderProblems.add(new Problem(Location.startOf(shown(file)), "",
                        "a second file for profile '" + name + "' (the first is " + shown(previous) + ")",
                        "profile names are unique across the folder; rename or remove one"));
            }
        }
    }

    private String shown(Path file) {
        return SourceFiles.shown(file, shownFrom);
    }
}
