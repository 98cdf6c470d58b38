package io.nodeimage.yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads one YAML document into {@link YNode}s, refusing anything a profile or policy never needs and
 * an attacker might use: tags and Java types, files over {@link #MAX_BYTES}, bytes that are not UTF-8,
 * alias bombs, deep nesting, duplicate keys, several documents in one file.
 *
 * <p>SnakeYAML only composes the node graph here; no constructor ever runs, so no Java type can be
 * instantiated whatever the document says.
 */
public final class SafeYaml {

    /** Profiles and policies are hand-written; a megabyte is far beyond any real one. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Nodes after expanding aliases; bounds the work an alias bomb can cause. */
    public static final int MAX_NODES = 100_000;
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 40;

    private static final Set<Tag> ALLOWED_TAGS = Set.of(
            Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

    private static final String MERGE_HINT = "write the keys out in full (a profile can build on another with 'extends')";

    private SafeYaml() {
    }

    /** Reads a file; {@code shownAs} is how the file is named in errors (relative, as the user knows it). */
    public static YNode read(Path file, String shownAs) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw single(Location.startOf(shownAs), "cannot read the file: " + e.getMessage(),
                    "check that it exists and is readable");
        }
        if (size > MAX_BYTES) {
            throw tooLarge(shownAs, size);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in.readNBytes(MAX_BYTES + 1), shownAs);
        } catch (IOException e) {
            throw single(Location.startOf(shownAs), "cannot read the file: " + e.getMessage(),
                    "check that it exists and is readable");
        }
    }

    /**
     * As {@link #read(Path, String)}, but problems that leave a usable document (a duplicate key, a
     * merge key, a tag) go to {@code problems} with the document still returned, so the caller can report
     * the rest of the file's problems in the same run. Returns null when nothing could be read.
     */
    public static YNode read(Path file, String shownAs, Problems problems) {
        return collecting(() -> read(file, shownAs), problems);
    }

    /** As {@link #read(Path, String, Problems)}, for bytes. */
    public static YNode parse(byte[] bytes, String shownAs, Problems problems) {
        return collecting(() -> parse(bytes, shownAs), problems);
    }

    private static YNode collecting(java.util.function.Supplier<YNode> reading, Problems problems) {
        try {
            return reading.get();
        } catch (Recoverable e) {
            problems.addAll(e.problems());
            return e.node;
        } catch (YamlException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Problems found while converting a document that was read: the document without the bad parts. */
    private static final class Recoverable extends YamlException {
        private final transient YNode node;

        Recoverable(String message, List<Problem> problems, YNode node) {
            super(message, problems, "");
            this.node = node;
        }
    }

    /** Parses bytes that claim to be a UTF-8 YAML document. */
    public static YNode parse(byte[] bytes, String shownAs) {
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(shownAs, bytes.length);
        }
        String text = decodeUtf8(bytes, shownAs);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Node root;
        try {
            root = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            if (mark != null && tabAt(text, mark)) {
                throw single(at(shownAs, mark), "a tab character here; YAML separates keys, values and indentation "
                        + "with spaces only", "replace the tab with spaces");
            }
            throw single(at(shownAs, mark), "not valid YAML: " + what + context,
                    "fix the YAML syntax at this position");
        } catch (YAMLException e) {
            throw single(Location.startOf(shownAs), "not valid YAML: " + firstLine(e.getMessage()),
                    "profiles and policies are plain YAML mappings, without aliases on large structures");
        }
        if (root == null) {
            throw single(Location.startOf(shownAs), "the file is empty", "write a YAML mapping");
        }
        Problems problems = new Problems();
        YNode node = new Converter(shownAs, problems).convert(root, 0);
        if (!problems.isEmpty()) {
            throw new Recoverable(shownAs + " cannot be read", problems.list(), node);
        }
        return node;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setProcessComments(false);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
    }

    private static String decodeUtf8(byte[] bytes, String shownAs) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            out.flip();
            int line = 1;
            int column = 1;
            while (out.hasRemaining()) {
                if (out.get() == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            throw single(new Location(shownAs, line, column),
                    String.format("byte 0x%02x at offset %d is not UTF-8", bytes[in.position()] & 0xff, in.position()),
                    "save the file as UTF-8");
        }
        out.flip();
        return out.toString();
    }

    private static YamlException tooLarge(String shownAs, long size) {
        return single(Location.startOf(shownAs),
                "the file is " + size + " bytes; the limit is " + MAX_BYTES + " bytes",
                "split it, or check that this is the file you meant");
    }

    private static YamlException single(Location location, String message, String hint) {
        return new YamlException(location.file() + " cannot be read",
                List.of(new Problem(location, "", message, hint)), hint);
    }

    static Location at(String file, Mark mark) {
        if (mark == null) {
            return Location.startOf(file);
        }
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** SnakeYAML names a tab after a colon as bad indentation; say what it is. */
    private static boolean tabAt(String text, Mark mark) {
        int lineStart = 0;
        for (int line = 0; line < mark.getLine() && lineStart >= 0; line++) {
            lineStart = text.indexOf('\n', lineStart) + 1;
            if (lineStart == 0) {
                return false;
            }
        }
        int lineEnd = text.indexOf('\n', lineStart);
        String line = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
        int column = Math.min(mark.getColumn(), line.length());
        return line.substring(0, Math.min(line.length(), column + 1)).indexOf('\t') >= 0;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Turns SnakeYAML nodes into {@link YNode}s, checking what composition does not. */
    private static final class Converter {
        private final String file;
        private final Problems problems;
        private final Map<Node, Boolean> onPath = new IdentityHashMap<>();
        private int nodes;
        private boolean budgetReported;

        Converter(String file, Problems problems) {
            this.file = file;
            this.problems = problems;
        }

        YNode convert(Node node, int depth) {
            Location location = at(file, node.getStartMark());
            if (++nodes > MAX_NODES) {
                if (!budgetReported) {
                    budgetReported = true;
                    problems.add(location, "", "the document expands to more than " + MAX_NODES
                            + " nodes through aliases", "do not reuse large anchors ('&name' / '*name')");
                }
                return new YNode.Scalar(location, "", YNode.ScalarType.NULL);
            }
            if (depth > MAX_DEPTH || onPath.containsKey(node)) {
                problems.add(location, "", "the document nests too deeply or refers to itself",
                        "flatten the structure; an alias may not point at its own ancestor");
                return new YNode.Scalar(location, "", YNode.ScalarType.NULL);
            }
            Tag tag = node.getTag();
            if (!ALLOWED_TAGS.contains(tag)) {
                String shown = Tag.MERGE.equals(tag) ? "the merge key '<<'" : "the tag '" + tag.getValue() + "'";
                problems.add(location, "", shown + " is not allowed",
                        Tag.MERGE.equals(tag) ? MERGE_HINT
                                : "remove the tag; values are plain YAML scalars, lists and mappings");
                return new YNode.Scalar(location, "", YNode.ScalarType.NULL);
            }
            onPath.put(node, Boolean.TRUE);
            try {
                if (node instanceof ScalarNode scalar) {
                    return new YNode.Scalar(location, scalar.getValue(), typeOf(tag));
                }
                if (node instanceof SequenceNode seq) {
                    List<YNode> items = new ArrayList<>();
                    for (Node item : seq.getValue()) {
                        items.add(convert(item, depth + 1));
                    }
                    return new YNode.Sequence(location, items);
                }
                MappingNode map = (MappingNode) node;
                List<YNode.Entry> entries = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (NodeTuple tuple : map.getValue()) {
                    Node keyNode = tuple.getKeyNode();
                    Location keyAt = at(file, keyNode.getStartMark());
                    if (!(keyNode instanceof ScalarNode key) || !ALLOWED_TAGS.contains(keyNode.getTag())) {
                        problems.add(keyAt, "", Tag.MERGE.equals(keyNode.getTag())
                                        ? "the merge key '<<' is not allowed" : "keys must be plain text",
                                Tag.MERGE.equals(keyNode.getTag()) ? MERGE_HINT
                                        : "write the key as a simple word");
                        continue;
                    }
                    if (!seen.add(key.getValue())) {
                        problems.add(keyAt, "", "duplicate key '" + Quote.forMessage(key.getValue()) + "'",
                                "each key may appear once in a mapping; remove or merge the repeated one");
                        continue;
                    }
                    YNode.Scalar keyScalar = new YNode.Scalar(keyAt, key.getValue(), YNode.ScalarType.STRING);
                    entries.add(new YNode.Entry(keyScalar, convert(tuple.getValueNode(), depth + 1)));
                }
                return new YNode.Mapping(location, entries);
            } finally {
                onPath.remove(node);
            }
        }

        private static YNode.ScalarType typeOf(Tag tag) {
            if (Tag.INT.equals(tag)) {
                return YNode.ScalarType.INT;
            }
            if (Tag.FLOAT.equals(tag)) {
                return YNode.ScalarType.FLOAT;
            }
            if (Tag.BOOL.equals(tag)) {
                return YNode.ScalarType.BOOL;
            }
            if (Tag.NULL.equals(tag)) {
                return YNode.ScalarType.NULL;
            }
            return YNode.ScalarType.STRING;
        }
    }
}
