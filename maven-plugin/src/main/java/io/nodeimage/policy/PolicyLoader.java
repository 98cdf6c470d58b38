package io.nodeimage.policy;

import io.nodeimage.Digests;
import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.Quote;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import io.nodeimage.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads policies from a project's folder and the bundled catalog with the same safe YAML reader and
 * exact errors as profiles: every problem of every file, with file:line:column and key path.
 */
public final class PolicyLoader {

    public static final String CATALOG_ROOT = "nodeimage/policies/";
    private static final String CHECKS = "kernelModule, kernelModules, driver, package, sysctl, kernelConfig, "
            + "cmdline, service, file";

    private PolicyLoader() {
    }

    public record Result(List<LoadedPolicy> policies, List<Problem> problems) {
    }

    /** The project's policies (every *.yaml in the folder) and, when asked, the bundled catalog's. */
    public static Result load(Path directory, Path shownFrom, boolean includeCatalog) {
        Problems problems = new Problems();
        List<LoadedPolicy> out = new ArrayList<>();
        if (directory != null && Files.isDirectory(directory)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(directory)) {
                files = walk.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
            } catch (IOException e) {
                files = List.of();
            }
            for (Path f : files) {
                String shown = SourceFiles.shown(f, shownFrom);
                String name = f.getFileName().toString().replaceAll("\\.yaml$", "");
                try {
                    // Read through SafeYaml first: it bounds the size and names the file in errors.
                    YNode root = SafeYaml.read(f, shown);
                    byte[] bytes = Files.readAllBytes(f);
                    load(root, shown, name, problems).map(lp -> lp.withDigest(Digests.sha256(bytes))).ifPresent(out::add);
                } catch (IOException e) {
                    problems.add(Location.startOf(shown), "", "cannot read: " + e.getMessage(), "");
                } catch (YamlException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        if (includeCatalog) {
            for (String name : catalogNames()) {
                String shown = "nodeimage-policies:" + CATALOG_ROOT + name + ".yaml";
                try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(CATALOG_ROOT + name + ".yaml")) {
                    if (in == null) {
                        problems.add(Location.startOf(shown), "", "listed in the catalog index but missing", "");
                        continue;
                    }
                    byte[] bytes = in.readNBytes(SafeYaml.MAX_BYTES + 1);
                    load(SafeYaml.parse(bytes, shown), shown, name, problems)
                            .map(lp -> lp.withDigest(Digests.sha256(bytes))).ifPresent(out::add);
                } catch (YamlException e) {
                    problems.addAll(e.problems());
                } catch (IOException e) {
                    problems.add(Location.startOf(shown), "", "cannot read: " + e.getMessage(), "");
                }
            }
        }
        return new Result(out, problems.list());
    }

    public static List<String> catalogNames() {
        return SourceFiles.catalogNames(PolicyLoader.class.getClassLoader(), CATALOG_ROOT);
    }

    /** One parsed document to a policy, or empty with its problems recorded. */
    public static java.util.Optional<LoadedPolicy> load(YNode root, String shown, String fileName, Problems problems) {
        int before = problems.size();
        if (!(root instanceof YNode.Mapping doc)) {
            problems.add(root.location(), "", "a policy is a YAML mapping, but this document is " + YNode.describe(root),
                    "start with 'apiVersion: nodeimage/v1'");
            return java.util.Optional.empty();
        }
        expect(doc, "apiVersion", "nodeimage/v1", problems);
        expect(doc, "kind", "Policy", problems);
        doc.get("name").ifPresent(n -> {
            if (n instanceof YNode.Scalar s && !s.text().equals(fileName)) {
                problems.add(s.location(), "name", "'" + Quote.forMessage(s.text()) + "' differs from the file name '"
                        + fileName + "'", "rename the file or the policy so that they match");
            }
        });
        Policy policy = new YamlBinder(problems).bindDocument(doc, Policy.class);
        Map<String, Location> rules = new HashMap<>();
        Map<Integer, Location> waivers = new HashMap<>();
        if (problems.size() == before) {
            check(policy, doc, problems, rules, waivers);
        }
        if (problems.size() != before) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new LoadedPolicy(policy, shown, "", rules, waivers));
    }

    private static void check(Policy policy, YNode.Mapping doc, Problems problems, Map<String, Location> rules,
                              Map<Integer, Location> waivers) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            Policy.Rule r = policy.rules().get(i);
            Location at = YNode.at(doc, "rules", i).map(YNode::location).orElse(doc.location());
            String path = KeyPath.index("rules", i);
            long checks = Stream.of(r.kernelModule(), r.kernelModules(), r.driver(), r.packageState(), r.sysctl(),
                    r.kernelConfig(), r.cmdline(), r.service(), r.file()).filter(java.util.Objects::nonNull).count();
            if (checks != 1) {
                problems.add(at, path, "rule '" + r.id() + "' has " + checks + " checks; a rule has exactly one",
                        "use one of " + CHECKS + ", and split the rest into rules of their own");
            }
            if (!ids.add(r.id())) {
                problems.add(YNode.at(doc, "rules", i, "id").map(YNode::location).orElse(at), KeyPath.key(path, "id"),
                        "rule id '" + r.id() + "' is used twice", "each rule needs its own id");
            }
            rules.put(r.id(), at);
        }
        for (int i = 0; i < policy.waivers().size(); i++) {
            Policy.Waiver w = policy.waivers().get(i);
            String path = KeyPath.index("waivers", i);
            Location at = YNode.at(doc, "waivers", i).map(YNode::location).orElse(doc.location());
            waivers.put(i, at);
            try {
                LocalDate.parse(w.expires());
            } catch (DateTimeParseException e) {
                problems.add(YNode.at(doc, "waivers", i, "expires").map(YNode::location).orElse(at),
                        KeyPath.key(path, "expires"), "'" + w.expires() + "' is not a date", "write YYYY-MM-DD");
            }
            if (!ids.contains(w.rule())) {
                problems.add(YNode.at(doc, "waivers", i, "rule").map(YNode::location).orElse(at), KeyPath.key(path, "rule"),
                        "waives '" + w.rule() + "', which is not a rule of this policy",
                        io.nodeimage.yaml.DidYouMean.hint(w.rule(), ids));
            }
        }
    }

    private static void expect(YNode.Mapping doc, String key, String value, Problems problems) {
        java.util.Optional<YNode> node = doc.get(key);
        if (node.isPresent() && (!(node.get() instanceof YNode.Scalar s) || !s.text().equals(value))) {
            problems.add(node.get().location(), key, "expected '" + value + "', found " + YNode.describe(node.get()),
                    "write '" + key + ": " + value + "'");
        }
    }
}
