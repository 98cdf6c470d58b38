package io.nodeimage.benchmark;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.Profile;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.Syntax;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import io.nodeimage.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The benchmark tables bundled with nodeimage ({@value #CATALOG_ROOT} on the class path, listed in its
 * {@code index.txt}), loaded through the same safe reader and binder as profiles. A table with any
 * problem stops the load with every problem of every table, each at its file, line and column.
 */
public final class Benchmarks {

    public static final String CATALOG_ROOT = "nodeimage/benchmarks/";
    private static final String SHOWN = "nodeimage-profiles:" + CATALOG_ROOT;
    /** sshd_config keywords and the values nodeimage writes after them: no spaces, quotes or comment signs. */
    private static final Pattern SSH_KEYWORD = Pattern.compile("[A-Za-z]{1,64}");
    private static final Pattern SSH_VALUE = Pattern.compile("[A-Za-z0-9@.,:/_+-]{1,1024}");
    private static Benchmarks bundled;

    private final List<Benchmark> all;

    private Benchmarks(List<Benchmark> all) {
        this.all = List.copyOf(all);
    }

    /** The tables shipped with the plugin, read once. */
    public static synchronized Benchmarks bundled() {
        if (bundled == null) {
            bundled = load(Benchmarks.class.getClassLoader());
        }
        return bundled;
    }

    /** Every table a class loader's catalog lists; throws with all problems if any table has one. */
    public static Benchmarks load(ClassLoader loader) {
        List<Benchmark> tables = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (String name : SourceFiles.catalogNames(loader, CATALOG_ROOT)) {
            String shown = SHOWN + name + ".yaml";
            try (InputStream in = loader.getResourceAsStream(CATALOG_ROOT + name + ".yaml")) {
                if (in == null) {
                    problems.add(new Problem(Location.startOf(shown), "", "listed in the index but missing"));
                    continue;
                }
                tables.add(parse(in.readNBytes(SafeYaml.MAX_BYTES + 1), shown, name));
            } catch (YamlException e) {
                problems.addAll(e.problems());
            } catch (IOException e) {
                problems.add(new Problem(Location.startOf(shown), "", "cannot read: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new YamlException("the bundled benchmark tables have problems", problems,
                    "fix the tables in nodeimage-profiles and rebuild it");
        }
        return new Benchmarks(tables);
    }

    /**
     * Reads one table.
     *
     * @param shownAs the file as messages name it
     * @param expectedId the file's name without .yaml, which the table's id must equal; null to skip that check
     */
    public static Benchmark parse(byte[] bytes, String shownAs, String expectedId) {
        YNode root = SafeYaml.parse(bytes, shownAs);
        Problems problems = new Problems();
        Benchmark b = new YamlBinder(problems).bindDocument(root, Benchmark.class);
        if (problems.isEmpty()) {
            check(b, (YNode.Mapping) root, expectedId, problems);
        }
        if (!problems.isEmpty()) {
            throw new YamlException(shownAs + " is not a valid benchmark table", problems.list(),
                    "see docs/profiles.md, 'Hardening baselines', for the table format");
        }
        return b;
    }

    public List<Benchmark> all() {
        return all;
    }

    /** The table for an OS, or a message naming the tables there are. */
    public Benchmark forOs(Profile.Os os) {
        return all.stream().filter(b -> b.appliesTo(os)).findFirst().orElseThrow(() -> new ConfigurationException(
                "no benchmark table for " + os.family().yamlName() + " " + os.release() + " (there are: "
                        + String.join(", ", all.stream().map(Benchmark::id).toList()) + ")",
                "use a release nodeimage has a table for, or set hardening.baseline: none"));
    }

    private static void check(Benchmark b, YNode.Mapping root, String expectedId, Problems problems) {
        if (!"nodeimage/v1".equals(b.apiVersion())) {
            problems.add(at(root, "apiVersion"), "apiVersion", "'" + b.apiVersion() + "' is not nodeimage/v1", "");
        }
        if (!"Benchmark".equals(b.kind())) {
            problems.add(at(root, "kind"), "kind", "'" + b.kind() + "' is not Benchmark", "");
        }
        if (expectedId != null && !expectedId.equals(b.id())) {
            problems.add(at(root, "id"), "id", "'" + b.id() + "' differs from the file name " + expectedId,
                    "name the file after the id");
        }
        List<YNode> itemNodes = ((YNode.Sequence) root.get("items").orElseThrow()).items();
        Map<String, Integer> firstAt = new HashMap<>();
        Map<String, int[]> listed = new HashMap<>();
        for (int i = 0; i < b.items().size(); i++) {
            Benchmark.Item item = b.items().get(i);
            YNode.Mapping node = (YNode.Mapping) itemNodes.get(i);
            String path = "items[" + i + "]";
            Integer first = firstAt.putIfAbsent(item.id(), i);
            if (first != null) {
                problems.add(at(node, "id"), path + ".id", "item " + item.id() + " is listed twice (first as items["
                        + first + "])", "give each item one entry; list all its settings there");
            }
            if (item.level() != 1 && item.level() != 2) {
                problems.add(at(node, "level"), path + ".level", item.level() + " is not a server level (1 or 2)", "");
            }
            b.sectionOf(item.id()).ifPresentOrElse(
                    s -> listed.computeIfAbsent(s.id(), k -> new int[3])[item.level() == 1 ? 1 : 2]++,
                    () -> problems.add(at(node, "id"), path + ".id", "item " + item.id()
                            + " belongs to none of the sections listed", "add its section under 'sections'"));
            if (item.applied() && item.settings().isEmpty()) {
                problems.add(at(node, "settings"), path + ".settings", "an applied item sets nothing",
                        "list what it sets, or mark it not-applied with why");
            }
            if (!item.applied() && (item.why() == null || item.why().isBlank())) {
                problems.add(at(node, "nodeimage"), path + ".why", "a not-applied item needs a 'why'",
                        "say why nodeimage leaves it out");
            }
            item.settings().forEach((key, value) -> checkSetting(item.kind(), key, value, at(node, "settings"),
                    path + ".settings." + key, problems));
        }
        YNode sectionsNode = root.get("sections").orElseThrow();
        for (Benchmark.Section s : b.sections()) {
            int[] n = listed.getOrDefault(s.id(), new int[3]);
            if (n[1] > s.level1Items() || n[2] > s.level2Items()) {
                problems.add(sectionsNode.location(), "sections." + s.id(), "lists " + n[1] + " level 1 and " + n[2]
                        + " level 2 items, more than the section's " + s.level1Items() + " and " + s.level2Items(),
                        "check the counts against the source");
            }
        }
    }

    private static void checkSetting(Benchmark.Kind kind, String key, String value, Location where, String path,
                                     Problems problems) {
        boolean ok = switch (kind) {
            case MODULE -> Syntax.MODULE.accepts(key) && "disabled".equals(value);
            case SYSCTL -> Syntax.SYSCTL_KEY.accepts(key) && Syntax.SYSCTL_VALUE.accepts(value);
            case SSH -> SSH_KEYWORD.matcher(key).matches() && SSH_VALUE.matcher(value).matches();
        };
        if (!ok) {
            problems.add(where, path, "'" + key + ": " + value + "' is not a " + kind.yamlName() + " setting",
                    switch (kind) {
                        case MODULE -> "write the module name with the value 'disabled'";
                        case SYSCTL -> "write a sysctl key and a plain value";
                        case SSH -> "write an sshd_config keyword and a value without spaces";
                    });
        }
    }

    private static Location at(YNode.Mapping map, String key) {
        return map.entry(key).map(e -> e.key().location()).orElse(map.location());
    }
}
