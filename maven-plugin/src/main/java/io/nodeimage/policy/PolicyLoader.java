package io.nodeimage.policy;

import io.nodeimage.Digests;
import io.nodeimage.yaml.DidYouMean;
import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.Quote;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Loads policies and waiver files from a folder (a project's, a fetched set's) and the bundled catalog
 * with the same safe YAML reader and exact errors as profiles: every problem of every file, with
 * file:line:column and key path, in one run.
 */
public final class PolicyLoader {

    public static final String CATALOG_ROOT = "nodeimage/policies/";
    private static final String CHECKS = "kernelModule, kernelModules, driver, package, sysctl, kernelConfig, "
            + "cmdline, service, file, loadedModule, taint, gpu, secureBoot, moduleParameter, numaBalancing, "
            + "nestedVirtualization, resctrl";
    /** Certificates are a few kilobytes; a bundle of a CA chain stays far below this. */
    private static final int MAX_CERTIFICATE_BYTES = 256 * 1024;

    private PolicyLoader() {
    }

    public record Result(List<LoadedPolicy> policies, List<Problem> problems) {
    }

    /** Reads a file a policy names (a trusted certificate), relative to the policy; empty when absent. */
    @FunctionalInterface
    public interface Neighbours {
        Optional<byte[]> read(String relative) throws IOException;

        Neighbours NONE = relative -> Optional.empty();
    }

    /** Policy files are YAML; both spellings of the extension are read, so no file is skipped unseen. */
    public static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /**
     * Under a hidden folder or itself hidden: a Kubernetes ConfigMap mount keeps each file twice, as
     * {@code name.yaml} and inside its {@code ..<timestamp>/} folder; .git and editors' folders hold copies too.
     */
    static boolean hidden(Path directory, Path file) {
        for (Path part : directory.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static String stem(String fileName) {
        return fileName.replaceAll("\\.ya?ml$", "");
    }

    /** The project's policies (every *.yaml and *.yml in the folder) and, when asked, the bundled catalog's. */
    public static Result load(Path directory, Path shownFrom, boolean includeCatalog) {
        Problems problems = new Problems();
        List<LoadedPolicy> out = new ArrayList<>();
        if (directory != null && Files.isDirectory(directory)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(directory)) {
                files = walk.filter(p -> isYaml(p) && Files.isRegularFile(p) && !hidden(directory, p)).sorted().toList();
            } catch (IOException e) {
                problems.add(Location.startOf(SourceFiles.shown(directory, shownFrom)), "",
                        "cannot list the folder: " + e.getMessage(), "check that it is readable");
                files = List.of();
            }
            Map<String, String> byStem = new TreeMap<>();
            for (Path f : files) {
                String shown = SourceFiles.shown(f, shownFrom);
                String name = stem(f.getFileName().toString());
                String other = byStem.putIfAbsent(name, shown);
                if (other != null) {
                    problems.add(Location.startOf(shown), "", "a second file for '" + name + "' (the first is " + other + ")",
                            "keep one of " + other + " and " + shown);
                    continue;
                }
                Path folder = f.getParent();
                Neighbours neighbours = relative -> {
                    Path p = folder.resolve(relative).normalize();
                    if (!p.startsWith(directory.normalize()) || !Files.isRegularFile(p)) {
                        return Optional.empty();
                    }
                    return Optional.of(readBounded(Files.newInputStream(p)));
                };
                YNode root = SafeYaml.read(f, shown, problems);
                if (root == null) {
                    continue;
                }
                try {
                    byte[] bytes = Files.readAllBytes(f);
                    load(root, shown, name, neighbours, problems).map(lp -> lp.withDigest(digest(bytes, lp)))
                            .ifPresent(out::add);
                } catch (IOException e) {
                    problems.add(Location.startOf(shown), "", "cannot read: " + e.getMessage(), "");
                }
            }
        }
        if (includeCatalog) {
            ClassLoader loader = PolicyLoader.class.getClassLoader();
            for (String name : catalogNames()) {
                String shown = "nodeimage-policies:" + CATALOG_ROOT + name + ".yaml";
                Neighbours neighbours = relative -> {
                    try (InputStream in = loader.getResourceAsStream(CATALOG_ROOT + relative)) {
                        return in == null ? Optional.empty() : Optional.of(readBounded(in));
                    }
                };
                try (InputStream in = loader.getResourceAsStream(CATALOG_ROOT + name + ".yaml")) {
                    if (in == null) {
                        problems.add(Location.startOf(shown), "", "listed in the catalog index but missing", "");
                        continue;
                    }
                    byte[] bytes = in.readNBytes(SafeYaml.MAX_BYTES + 1);
                    YNode root = SafeYaml.parse(bytes, shown, problems);
                    if (root != null) {
                        load(root, shown, name, neighbours, problems).map(lp -> lp.withDigest(digest(bytes, lp)))
                                .ifPresent(out::add);
                    }
                } catch (IOException e) {
                    problems.add(Location.startOf(shown), "", "cannot read: " + e.getMessage(), "");
                }
            }
        }
        return new Result(out, problems.list());
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_CERTIFICATE_BYTES + 1);
            if (bytes.length > MAX_CERTIFICATE_BYTES) {
                throw new IOException("larger than " + MAX_CERTIFICATE_BYTES + " bytes");
            }
            return bytes;
        }
    }

    /**
     * The policy file's SHA-256, or, when it trusts certificates, the SHA-256 over "digest  file" lines of
     * the policy and each certificate file, so editing a certificate changes what certificates record.
     */
    static String digest(byte[] policyBytes, LoadedPolicy lp) {
        String own = Digests.sha256(policyBytes);
        if (lp.certificates().isEmpty()) {
            return own;
        }
        StringBuilder lines = new StringBuilder(own).append("  ").append(lp.file()).append('\n');
        lp.certificates().forEach(c -> lines.append(c.sha256()).append("  ").append(c.file()).append('\n'));
        return Digests.sha256(lines.toString());
    }

    public static List<String> catalogNames() {
        return SourceFiles.catalogNames(PolicyLoader.class.getClassLoader(), CATALOG_ROOT);
    }

    /** One parsed document to a policy, or empty with its problems recorded; names no certificate files. */
    public static Optional<LoadedPolicy> load(YNode root, String shown, String fileName, Problems problems) {
        return load(root, shown, fileName, Neighbours.NONE, problems);
    }

    /** One parsed document (a Policy or Waivers) to a policy, or empty with its problems recorded. */
    public static Optional<LoadedPolicy> load(YNode root, String shown, String fileName, Neighbours neighbours,
                                              Problems problems) {
        int before = problems.size();
        if (!(root instanceof YNode.Mapping doc)) {
            problems.add(root.location(), "", "a policy is a YAML mapping, but this document is " + YNode.describe(root),
                    "start with 'apiVersion: nodeimage/v1'");
            return Optional.empty();
        }
        expect(doc, "apiVersion", "nodeimage/v1", problems);
        boolean waiverFile = doc.get("kind").filter(k -> k instanceof YNode.Scalar s
                && s.text().equals(LoadedPolicy.WAIVERS)).isPresent();
        if (!waiverFile) {
            doc.get("kind").ifPresent(k -> {
                if (!(k instanceof YNode.Scalar s) || !s.text().equals("Policy")) {
                    problems.add(k.location(), "kind", "expected 'Policy' or 'Waivers', found " + YNode.describe(k),
                            "write 'kind: Policy' for rules, 'kind: Waivers' for a file of waivers only");
                }
            });
        }
        doc.get("name").ifPresent(n -> {
            if (n instanceof YNode.Scalar s && !s.text().equals(fileName)) {
                problems.add(s.location(), "name", "'" + Quote.forMessage(s.text()) + "' differs from the file name '"
                        + fileName + "'", "rename the file or the document so that they match");
            }
        });
        YamlBinder binder = new YamlBinder(problems, false);
        Policy policy = waiverFile ? binder.bindDocument(doc, WaiverFile.class).asPolicy()
                : binder.bindDocument(doc, Policy.class);
        Map<String, Location> rules = new HashMap<>();
        Map<Integer, Location> waivers = new HashMap<>();
        // Checked even after binding problems, so every problem of the file shows in one run.
        check(policy, doc, waiverFile, problems, rules, waivers);
        List<TrustedCertificate> certificates = TrustedCertificate.readAll(policy, doc, neighbours, problems);
        if (problems.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new LoadedPolicy(policy, shown, "", rules, waivers, certificates));
    }

    private static void check(Policy policy, YNode.Mapping doc, boolean waiverFile, Problems problems,
                              Map<String, Location> rules, Map<Integer, Location> waivers) {
        features(policy.appliesTo(), doc, problems);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            Policy.Rule r = policy.rules().get(i);
            Location at = YNode.at(doc, "rules", i).map(YNode::location).orElse(doc.location());
            String path = KeyPath.index("rules", i);
            long checks = Stream.of(r.kernelModule(), r.kernelModules(), r.driver(), r.packageState(), r.sysctl(),
                    r.kernelConfig(), r.cmdline(), r.service(), r.file(), r.loadedModule(), r.taint(), r.gpu(), r.secureBoot(),
                    r.moduleParameter(), r.numaBalancing(), r.nestedVirtualization(), r.resctrl())
                    .filter(Objects::nonNull).count();
            String inRule = path;
            boolean misspelt = problems.list().stream().anyMatch(x -> x.path().startsWith(inRule + "."));
            if (checks > 1 || (checks == 0 && !misspelt)) {
                problems.add(at, path, "rule '" + r.id() + "' has " + checks + " checks; a rule has exactly one",
                        "use one of " + CHECKS + ", and split the rest into rules of their own");
            }
            for (int k = 0; k < r.references().size(); k++) {
                Policy.Reference ref = r.references().get(k);
                if (ref.id() == null && ref.url() == null) {
                    problems.add(YNode.at(doc, "rules", i, "references", k).map(YNode::location).orElse(at),
                            KeyPath.index(KeyPath.key(path, "references"), k), "a reference names nothing",
                            "give its id, its url, or both");
                }
            }
            if (r.id() == null) {
                continue;
            }
            if (!ids.add(r.id())) {
                problems.add(YNode.at(doc, "rules", i, "id").map(YNode::location).orElse(at), KeyPath.key(path, "id"),
                        "rule id '" + r.id() + "' is used twice", "each rule needs its own id");
            }
            rules.putIfAbsent(r.id(), at);
        }
        for (int i = 0; i < policy.waivers().size(); i++) {
            Policy.Waiver w = policy.waivers().get(i);
            String path = KeyPath.index("waivers", i);
            Location at = YNode.at(doc, "waivers", i).map(YNode::location).orElse(doc.location());
            waivers.put(i, at);
            blank(w.reason(), doc, i, "reason", "say why the rule does not hold for these images", problems, at);
            blank(w.approvedBy(), doc, i, "approvedBy", "name who approved the exception", problems, at);
            if (w.from() != null && w.expires() != null && w.from().compareTo(w.expires()) > 0) {
                problems.add(YNode.at(doc, "waivers", i, "from").map(YNode::location).orElse(at), KeyPath.key(path, "from"),
                        "the waiver starts on " + w.from() + ", after it expires on " + w.expires(),
                        "swap the dates, or correct one of them");
            }
            if (w.rule() == null) {
                continue;
            }
            Location ruleAt = YNode.at(doc, "waivers", i, "rule").map(YNode::location).orElse(at);
            int slash = w.rule().indexOf('/');
            if (slash < 0 && waiverFile) {
                problems.add(ruleAt, KeyPath.key(path, "rule"), "'" + w.rule() + "' does not say whose rule it is",
                        "write policy/rule, such as cis-kernel-modules-ubuntu2404/" + w.rule());
            } else if (slash < 0 && !ids.contains(w.rule())) {
                problems.add(ruleAt, KeyPath.key(path, "rule"), "waives '" + w.rule() + "', which is not a rule of this "
                        + "policy", DidYouMean.hint(w.rule(), ids).isEmpty()
                        ? "a rule of another policy is waived by its full id, policy/rule"
                        : DidYouMean.hint(w.rule(), ids));
            } else if (slash >= 0 && w.rule().substring(0, slash).equals(policy.name())
                    && !ids.contains(w.rule().substring(slash + 1)) && !waiverFile) {
                problems.add(ruleAt, KeyPath.key(path, "rule"), "waives '" + w.rule() + "', which is not a rule of this "
                        + "policy", DidYouMean.hint(w.rule().substring(slash + 1), ids));
            }
        }
    }

    /** Features are the profile's words: one nobody declares, or one both wanted and refused, never applies. */
    private static void features(Policy.AppliesTo a, YNode.Mapping doc, Problems problems) {
        for (String key : List.of("features", "withoutFeatures")) {
            List<String> named = key.equals("features") ? a.features() : a.withoutFeatures();
            for (int k = 0; k < named.size(); k++) {
                String f = named.get(k);
                Location at = YNode.at(doc, "appliesTo", key, k).map(YNode::location).orElse(doc.location());
                String path = KeyPath.index(KeyPath.key("appliesTo", key), k);
                if (!Policy.FEATURES.contains(f)) {
                    problems.add(at, path, "'" + Quote.forMessage(f) + "' is not a platform feature a profile declares",
                            DidYouMean.hint(f, Policy.FEATURES).isEmpty() ? "use one of " + String.join(", ", Policy.FEATURES)
                                    : DidYouMean.hint(f, Policy.FEATURES));
                } else if (key.equals("withoutFeatures") && a.features().contains(f)) {
                    problems.add(at, path, "'" + f + "' is in both features and withoutFeatures, so the policy never applies",
                            "keep it in one of them");
                }
            }
        }
    }

    private static void blank(String value, YNode.Mapping doc, int waiver, String key, String hint, Problems problems,
                              Location at) {
        if (value != null && value.isBlank()) {
            problems.add(YNode.at(doc, "waivers", waiver, key).map(YNode::location).orElse(at),
                    KeyPath.key(KeyPath.index("waivers", waiver), key), "is blank", hint);
        }
    }

    private static void expect(YNode.Mapping doc, String key, String value, Problems problems) {
        Optional<YNode> node = doc.get(key);
        if (node.isPresent() && (!(node.get() instanceof YNode.Scalar s) || !s.text().equals(value))) {
            problems.add(node.get().location(), key, "expected '" + value + "', found " + YNode.describe(node.get()),
                    "write '" + key + ": " + value + "'");
        }
    }
}
