package io.nodeimage.profile;

import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.Syntax;
import io.nodeimage.yaml.YNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the project files that profile entries name with {@code source:} (a file's content, a CA's
 * PEM) into the merged tree, as the value they stand for ({@code content:}, {@code pem:}), located at
 * the file's first line. The file's text then goes wherever an inline value goes: the effective
 * profile, the render digest (a changed file renders again), the plan and its origins. A PEM or a
 * config lives in the repository as a file, reviewed as such, instead of pasted into YAML.
 */
final class FileSources {

    /** Larger files do not belong in a profile; a node image gets them from a package. */
    static final int MAX_BYTES = 1 << 20;

    private final Path projectDirectory;
    private final Problems problems;

    /** @param projectDirectory what {@code source:} paths are relative to; null when there is no project */
    FileSources(Path projectDirectory, Problems problems) {
        this.projectDirectory = projectDirectory == null ? null : projectDirectory.toAbsolutePath().normalize();
        this.problems = problems;
    }

    /** The tree with every {@code files[].source} and {@code trust.certificates[].source} read. */
    YNode.Mapping read(YNode.Mapping tree) {
        List<YNode.Entry> entries = new ArrayList<>();
        for (YNode.Entry e : tree.entries()) {
            YNode value = e.value();
            if (e.name().equals("files")) {
                value = eachItem(value, "files", "content");
            } else if (e.name().equals("trust") && value instanceof YNode.Mapping trust) {
                List<YNode.Entry> kept = new ArrayList<>();
                for (YNode.Entry t : trust.entries()) {
                    kept.add(t.name().equals("certificates")
                            ? new YNode.Entry(t.key(), eachItem(t.value(), "trust.certificates", "pem")) : t);
                }
                value = new YNode.Mapping(trust.location(), kept);
            }
            entries.add(new YNode.Entry(e.key(), value));
        }
        return new YNode.Mapping(tree.location(), entries);
    }

    private YNode eachItem(YNode list, String path, String valueKey) {
        if (!(list instanceof YNode.Sequence seq)) {
            return list;
        }
        List<YNode> items = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            // A source of the wrong shape is left to the binder, which reports it with the shape's hint.
            if (item instanceof YNode.Mapping m && m.get("source").orElse(null) instanceof YNode.Scalar source
                    && Syntax.RELATIVE_PATH.accepts(source.text())) {
                item = withFile(m, source, path + "[" + i + "]", valueKey);
            }
            items.add(item);
        }
        return new YNode.Sequence(seq.location(), items);
    }

    private YNode.Mapping withFile(YNode.Mapping item, YNode.Scalar source, String path, String valueKey) {
        String key = path + ".source";
        if (item.get(valueKey).isPresent()) {
            problems.add(source.location(), key, "both '" + valueKey + "' and 'source' are given",
                    "keep one: 'source' names a project file holding the " + valueKey + ", '" + valueKey + "' gives it inline");
            return item;
        }
        if (projectDirectory == null || source.location().file().startsWith("nodeimage-profiles:")) {
            problems.add(source.location(), key, "'source' needs a project to read '" + source.text() + "' from",
                    "only a project's own profiles name project files; give '" + valueKey + "' inline");
            return item;
        }
        Path file = projectDirectory.resolve(source.text()).normalize();
        String shown = SourceFiles.shown(file, projectDirectory);
        try {
            if (!file.startsWith(projectDirectory) || !Files.isRegularFile(file)
                    || !file.toRealPath().startsWith(projectDirectory.toRealPath())) {
                problems.add(source.location(), key, "no file " + shown + " in the project",
                        "give a path relative to the project folder (" + projectDirectory + "), such as "
                                + "src/main/nodeimage/files/site-ca.pem; links out of the project are not followed");
                return item;
            }
            String text = utf8(file);
            if (text == null) {
                problems.add(source.location(), key, shown + " is larger than " + (MAX_BYTES >> 10)
                        + " KiB or not UTF-8 text", "profiles carry text files (configs, PEM certificates); "
                        + "install larger or binary files from a package");
                return item;
            }
            List<YNode.Entry> entries = new ArrayList<>(item.entries());
            Location at = new Location(shown, 1, 1);
            entries.add(new YNode.Entry(new YNode.Scalar(at, valueKey, YNode.ScalarType.STRING),
                    new YNode.Scalar(at, text, YNode.ScalarType.STRING)));
            return new YNode.Mapping(item.location(), entries);
        } catch (IOException e) {
            problems.add(source.location(), key, "cannot read " + shown + ": " + e.getMessage(),
                    "check that the file is readable");
            return item;
        }
    }

    /** The file's text, or null when it is too large or not UTF-8. */
    private static String utf8(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
