package io.nodeimage.profile;

import io.nodeimage.yaml.DidYouMean;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.Quote;
import io.nodeimage.yaml.Syntax;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import io.nodeimage.yaml.YamlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads profiles by name, resolves {@code extends}, binds and checks them. Problems of every profile
 * asked for are gathered before anything is thrown, so one run reports them all.
 */
public final class ProfileResolver {

    public static final String API_VERSION = "nodeimage/v1";
    public static final String KIND = "Profile";
    /** Keys that describe one file and are not passed down to profiles that extend it. */
    private static final String[] NOT_INHERITED = {"name", "extends", "abstract", "description"};

    private final ProfileSources sources;
    private final Set<String> mirrorIds;
    private final Set<String> plainHttpMirrors;
    /** Merged trees by name, so a base shared by many profiles is read once per run. */
    private final Map<String, Optional<Chain>> trees = new HashMap<>();
    private final Map<String, List<Problem>> problemsByName = new HashMap<>();

    /** A resolver for goals that do not resolve mirror:// URLs: which mirrors exist is not checked. */
    public ProfileResolver(ProfileSources sources) {
        this(sources, (Set<String>) null);
    }

    /**
     * @param mirrorIds the mirror ids the build configures: a mirror:// URL naming another is a problem
     *     at its line; null to leave them unchecked (goals that never resolve those URLs)
     */
    public ProfileResolver(ProfileSources sources, Set<String> mirrorIds) {
        this.sources = sources;
        this.mirrorIds = mirrorIds == null ? null : Set.copyOf(mirrorIds);
        this.plainHttpMirrors = Set.of();
    }

    /**
     * @param mirrors the build's mirrors, base URL by id: a mirror:// URL naming another id is a problem at its
     *     line, and so is an archive URL through a mirror whose base is http:// where the profile does not allow it
     */
    public ProfileResolver(ProfileSources sources, Map<String, String> mirrors) {
        this.sources = sources;
        this.mirrorIds = Set.copyOf(mirrors.keySet());
        this.plainHttpMirrors = mirrors.entrySet().stream().filter(e -> e.getValue().startsWith("http://"))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public ProfileSources sources() {
        return sources;
    }

    /** Resolves one profile, or throws with every problem found along its chain. */
    public ResolvedProfile resolve(String name) {
        return resolveAll(List.of(name)).get(0);
    }

    /** Resolves several profiles; throws once, with all problems of all of them, if any has one. */
    public List<ResolvedProfile> resolveAll(List<String> names) {
        Result result = check(names);
        if (!result.problems().isEmpty()) {
            throw new ProfileException(result.problems());
        }
        return result.profiles();
    }

    /**
     * What a validation run found: the profiles that resolved cleanly, every problem, and warnings
     * (what is allowed but likely not meant, such as a list that replaces an inherited one).
     */
    public record Result(List<ResolvedProfile> profiles, List<Problem> problems, List<Problem> warnings) {
        public Result {
            profiles = List.copyOf(profiles);
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    /** Resolves the named profiles without throwing for problems in them. */
    public Result check(List<String> names) {
        Problems problems = new Problems();
        Problems warnings = new Problems();
        problems.addAll(sources.folderProblems());
        List<ResolvedProfile> resolved = new ArrayList<>();
        for (String name : names) {
            if (sources.find(name).isEmpty()) {
                problems.add(new Problem(Location.startOf("(selection)"), "", "no profile named '"
                        + Quote.forMessage(name) + "'", DidYouMean.hint(name, sources.allNames())));
                continue;
            }
            Problems own = new Problems();
            Optional<Chain> chain = tree(name, null, new LinkedHashSet<>(), own);
            chain.ifPresent(c -> warnings.addAll(c.warnings()));
            // Bound even after merge problems (a misused 'key+', a misnamed file), so that a bad key and a
            // bad value in one file are reported in one run; the merged tree leaves the faulty entries out.
            if (chain.isPresent()) {
                YNode.Mapping tree = new FileSources(sources.projectDirectory(), own).read(chain.get().tree());
                YamlBinder binder = new YamlBinder(own);
                Profile profile = binder.bindDocument(tree, Profile.class);
                if (own.isEmpty()) {
                    new ProfileRules(own, mirrorIds, plainHttpMirrors).check(profile, tree);
                }
                if (own.isEmpty()) {
                    resolved.add(new ResolvedProfile(profile, tree, chain.get().names(), chain.get().files()));
                }
            }
            problems.addAll(own.list());
        }
        return new Result(resolved, problems.list(), warnings.list());
    }

    /** @param warnings what merging this chain noted, in any file of it */
    private record Chain(YNode.Mapping tree, List<String> names, List<String> files, List<Problem> warnings) {
    }

    /** The merged tree of a profile and its ancestors; empty if any of them has a problem. */
    private Optional<Chain> tree(String name, YNode.Scalar referencedBy, LinkedHashSet<String> path, Problems problems) {
        if (path.contains(name)) {
            List<String> cycle = new ArrayList<>(path);
            cycle = cycle.subList(cycle.indexOf(name), cycle.size());
            problems.add(referencedBy.location(), "extends", "extends cycle: " + String.join(" -> ", cycle)
                    + " -> " + name, "a profile cannot extend itself, directly or through others");
            return Optional.empty();
        }
        Optional<Chain> cached = trees.get(name);
        if (cached != null) {
            if (cached.isEmpty()) {
                problems.addAll(problemsOf(name));
            }
            return cached;
        }
        Problems own = new Problems();
        Optional<Chain> result = load(name, referencedBy, path, own);
        trees.put(name, result);
        problemsByName.put(name, own.list());
        problems.addAll(own.list());
        return result;
    }

    private List<Problem> problemsOf(String name) {
        return problemsByName.getOrDefault(name, List.of());
    }

    private Optional<Chain> load(String name, YNode.Scalar referencedBy, LinkedHashSet<String> path, Problems problems) {
        Optional<ProfileSources.Source> found = sources.find(name);
        if (found.isEmpty()) {
            problems.add(referencedBy.location(), "extends", "no profile named '" + Quote.forMessage(name)
                    + "' in the profiles folder or the bundled catalog", DidYouMean.hint(name, sources.allNames()));
            return Optional.empty();
        }
        ProfileSources.Source source = found.get();
        YNode root;
        try {
            root = sources.read(source);
        } catch (YamlException e) {
            problems.addAll(e.problems());
            return Optional.empty();
        }
        if (!(root instanceof YNode.Mapping doc)) {
            problems.add(root.location(), "", "a profile is a YAML mapping, but this document is "
                    + YNode.describe(root), "start with 'apiVersion: nodeimage/v1'");
            return Optional.empty();
        }
        boolean ok = header(doc, source, problems);
        // A name that differs from the file is reported with everything else; only a document that is not
        // a profile at all (apiVersion, kind) is not read further.
        Optional<YNode> parentNode = doc.get("extends");
        if (parentNode.isEmpty()) {
            if (!ok) {
                return Optional.empty();
            }
            YNode.Mapping tree = new ProfileMerger(problems, new Problems()).merge(
                    new YNode.Mapping(doc.location(), List.of()), doc, "");
            return Optional.of(new Chain(tree, List.of(name), List.of(source.shownAs()), List.of()));
        }
        if (!(parentNode.get() instanceof YNode.Scalar parentName) || parentName.type() == YNode.ScalarType.NULL
                || !Syntax.NAME.accepts(parentName.text())) {
            String shown = parentNode.get() instanceof YNode.Scalar s ? "'" + Quote.forMessage(s.text()) + "'"
                    : YNode.describe(parentNode.get());
            problems.add(parentNode.get().location(), "extends", shown + " is not a profile name",
                    "extends takes the name of a profile in the profiles folder or the bundled catalog, never a path");
            return Optional.empty();
        }
        path.add(name);
        Optional<Chain> parent = tree(parentName.text(), parentName, path, problems);
        path.remove(name);
        if (parent.isEmpty() || !ok) {
            return Optional.empty();
        }
        Problems warnings = new Problems();
        warnings.addAll(parent.get().warnings());
        YNode.Mapping tree = new ProfileMerger(problems, warnings).merge(parent.get().tree().without(NOT_INHERITED), doc, "");
        List<String> names = new ArrayList<>(parent.get().names());
        names.add(name);
        List<String> files = new ArrayList<>(parent.get().files());
        files.add(source.shownAs());
        return Optional.of(new Chain(tree, names, files, warnings.list()));
    }

    /**
     * Each file says what it is and is named like its file, so 'extends' by name finds it.
     *
     * @return whether the document is a profile (apiVersion and kind), and so worth reading further
     */
    private static boolean header(YNode.Mapping doc, ProfileSources.Source source, Problems problems) {
        int before = problems.size();
        problems.requireValue(doc, "apiVersion", API_VERSION);
        problems.requireValue(doc, "kind", KIND);
        boolean profile = problems.size() == before;
        Optional<YNode> name = doc.get("name");
        if (name.isEmpty()) {
            problems.add(doc.location(), "", "missing required key 'name'",
                    "add 'name: " + source.name() + "' (the file name without .yaml)");
        } else if (name.get() instanceof YNode.Scalar s && !s.text().equals(source.name())) {
            problems.add(s.location(), "name", "'" + Quote.forMessage(s.text()) + "' differs from the file name '"
                    + source.name() + "'", "rename the file or the profile so that they match");
        }
        return profile;
    }

}
