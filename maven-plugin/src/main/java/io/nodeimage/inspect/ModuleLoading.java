package io.nodeimage.inspect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code modprobe NAME} does to module NAME in one kernel tree, worked out the way kmod 30 does it
 * (libkmod-module.c: kmod_module_new_from_lookup, kmod_module_probe_insert_module; tools/modprobe.c):
 * <ol>
 * <li>Lookup, first that finds anything: alias lines whose pattern matches the name (then blacklist
 * lines apply to the targets); the module tree; the first install line naming exactly the name (or a
 * remove line); the kernel's built-in modules. Nothing found: the module is absent.</li>
 * <li>Each target is probed: its dependencies (each with its soft dependencies), then its own soft
 * dependencies before and after it. A module's install command (the first install line whose pattern
 * matches it) runs instead of loading it, except that kmod ignores the install command of a module
 * that has soft dependencies. A failure of a required step (the target or a dependency) stops the
 * probe; failures of soft dependencies do not.</li>
 * <li>The kernel accepts a module only when every module it depends on is loaded.</li>
 * </ol>
 * NAME is loadable when it ends up loaded; disabled when modprobe finds something by that name but NAME
 * does not end up loaded; absent when modprobe finds nothing; builtin when it is compiled into the
 * kernel. What an install command loads is read by {@link InstallCommand}. Not modelled: symbol
 * lookups ({@code symbol:} names) and the kernel's built-in aliases.
 */
public final class ModuleLoading {

    /** The verdict on one name, and the install line that stands in for the module, if any. */
    public record Verdict(String state, String reason, ModprobeConfig.Command install) {
    }

    /** Nested modprobe calls followed; deeper ones are taken to recurse until they fail. */
    static final int MAX_NESTING = 16;

    private final ModprobeConfig config;
    private final Map<String, KernelModule> tree;
    private final Set<String> builtin;
    private final TreeAliases treeAliases;
    private final Map<String, Set<String>> closures = new HashMap<>();
    /** modprobe's names of the tree's modules (file names), with their modules.dep dependencies. */
    private final Map<String, List<String>> dependencies = new HashMap<>();
    /** The kernel's name (.modinfo) of each module, by modprobe's name. */
    private final Map<String, String> kernelName = new HashMap<>();
    /** modprobe's names of the files of each kernel name. */
    private final Map<String, List<String>> filesNamed = new HashMap<>();

    /**
     * @param tree the kernel tree's modules by canonical name
     * @param builtin canonical names of the kernel's built-in modules
     */
    public ModuleLoading(ModprobeConfig config, Map<String, KernelModule> tree, Set<String> builtin) {
        this(config, tree, builtin, TreeAliases.NONE);
    }

    /** @param treeAliases the tree's modules.alias: the names modules answer to besides their own */
    public ModuleLoading(ModprobeConfig config, Map<String, KernelModule> tree, Set<String> builtin,
                         TreeAliases treeAliases) {
        this(config, tree, builtin, treeAliases, null);
    }

    /**
     * @param tree the tree's modules (keyed by anything unique: only the values count)
     * @param modulesDep the tree's modules.dep, as depmod wrote it; null when the image has none (then the
     *     modules' own depends fields stand in, as after a depmod)
     */
    public ModuleLoading(ModprobeConfig config, Map<String, KernelModule> tree, Set<String> builtin,
                         TreeAliases treeAliases, String modulesDep) {
        this.config = config;
        this.builtin = builtin;
        this.treeAliases = treeAliases;
        // modprobe knows a module by its file name (modules.dep), the kernel by .modinfo's name: Debian's
        // nvidia-current-open.ko is nvidia to the kernel, reached by modprobe through an alias.
        Map<String, KernelModule> byFile = new HashMap<>();
        for (KernelModule m : tree.values()) {
            byFile.put(fileName(m.path()), m);
        }
        this.tree = new HashMap<>();
        if (modulesDep != null && !modulesDep.isBlank()) {
            for (String line : modulesDep.split("\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = fileName(line.substring(0, colon));
                List<String> deps = new ArrayList<>();
                // Thousands of lines: no regular expression each.
                java.util.StringTokenizer words = new java.util.StringTokenizer(line.substring(colon + 1), " \t\r\f\u000b");
                while (words.hasMoreTokens()) {
                    deps.add(fileName(words.nextToken()));
                }
                dependencies.put(name, deps);
                this.tree.put(name, byFile.get(name));
            }
        } else {
            for (KernelModule m : tree.values()) {
                String name = fileName(m.path());
                this.tree.put(name, m);
                dependencies.put(name, m.depends().stream().map(ModprobeConfig::underscores).toList());
            }
        }
        for (Map.Entry<String, KernelModule> e : new java.util.TreeMap<>(this.tree).entrySet()) {
            if (e.getValue() != null) {
                kernelName.put(e.getKey(), e.getValue().canonicalName());
                filesNamed.computeIfAbsent(e.getValue().canonicalName(), k -> new ArrayList<>()).add(e.getKey());
            }
        }
    }

    /** The names modprobe knows the tree's modules by (their file names). */
    public Set<String> modprobeNames() {
        return new java.util.TreeSet<>(tree.keySet());
    }

    /** The module name modprobe uses: the file's name without .ko and compression, '-' as '_'. */
    static String fileName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        Compression c = Compression.ofFileName(file);
        String stem = c == null ? file : file.substring(0, file.length() - c.suffix().length());
        return ModprobeConfig.underscores(stem);
    }

    /** Whether module NAME (the kernel's name, or modprobe's) is among those loaded. */
    private boolean loadedAs(Set<String> loaded, String name) {
        if (loaded.contains(name)) {
            return true;
        }
        return filesNamed.getOrDefault(name, List.of()).stream().anyMatch(loaded::contains);
    }

    /**
     * depmod's modules.alias: "alias PATTERN MODULE" lines from the modules' own alias fields (crc32c is
     * an alias of crc32c_intel). modprobe looks names up here after the tree and install lines.
     */
    public static final class TreeAliases {
        public static final TreeAliases NONE = new TreeAliases(Map.of(), Map.of());

        private final Map<String, List<String>> exact;
        /**
         * Patterns by their literal prefix (what comes before the first wildcard), each with its place in
         * the file: a full kernel's modules.alias has thousands of patterns, and a name can only match those
         * whose prefix it starts with, so a lookup tries a handful instead of all of them.
         */
        private final Map<String, List<Pattern>> patterns;

        private record Pattern(int order, String glob, String module) {
        }

        private TreeAliases(Map<String, List<String>> exact, Map<String, List<Pattern>> patterns) {
            this.exact = exact;
            this.patterns = patterns;
        }

        public static TreeAliases parse(String modulesAlias) {
            if (modulesAlias == null || modulesAlias.isBlank()) {
                return NONE;
            }
            Map<String, List<String>> exact = new HashMap<>();
            Map<String, List<Pattern>> patterns = new HashMap<>();
            int order = 0;
            // A full kernel's file has tens of thousands of lines: split by hand, not by a regular expression each.
            java.util.StringTokenizer lines = new java.util.StringTokenizer(modulesAlias, "\n");
            while (lines.hasMoreTokens()) {
                java.util.StringTokenizer w = new java.util.StringTokenizer(lines.nextToken(), " \t\r\f\u000b");
                if (w.countTokens() < 3 || !w.nextToken().equals("alias")) {
                    continue;
                }
                String pattern = ModprobeConfig.underscores(w.nextToken());
                String module = ModprobeConfig.underscores(w.nextToken());
                if (hasWildcard(pattern)) {
                    patterns.computeIfAbsent(pattern.substring(0, literalPrefix(pattern)), k -> new ArrayList<>())
                            .add(new Pattern(order++, pattern, module));
                } else {
                    exact.computeIfAbsent(pattern, k -> new ArrayList<>()).add(module);
                }
            }
            return new TreeAliases(exact, patterns);
        }

        private static boolean hasWildcard(String pattern) {
            return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        }

        /** Where the first character that is not itself lies: a wildcard, a bracket, or an escape. */
        private static int literalPrefix(String pattern) {
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '*' || c == '?' || c == '[' || c == '\\') {
                    return i;
                }
            }
            return pattern.length();
        }

        /** The modules the name is an alias of: exact aliases first, then patterns in the file's order. */
        List<String> lookup(String name) {
            List<String> out = new ArrayList<>(exact.getOrDefault(name, List.of()));
            List<Pattern> matched = new ArrayList<>();
            for (int length = 0; length <= name.length(); length++) {
                for (Pattern p : patterns.getOrDefault(name.substring(0, length), List.of())) {
                    if (ModprobeConfig.glob(p.glob(), name)) {
                        matched.add(p);
                    }
                }
            }
            matched.sort(java.util.Comparator.comparingInt(Pattern::order));
            matched.forEach(p -> out.add(p.module()));
            return out;
        }
    }

    /** A module as one probe sees it: found by an alias (blacklist applies), or with the command that found it. */
    private record Mod(String name, boolean viaAlias, ModprobeConfig.Command foundBy) {
    }

    /**
     * One modprobe process: which modules ignore their commands and which command each has (kmod keeps
     * these on its module objects, per process), over what the kernel has loaded and why things failed
     * (shared with the modprobe an install command runs).
     */
    private final class Run {
        final Set<String> loaded;
        final Map<String, String> why;
        final Set<String> ignoreCommand = new HashSet<>();
        final Map<String, ModprobeConfig.Command> commandOf = new HashMap<>();
        /** How many modprobe processes deep this one is: install commands may call modprobe without end. */
        final int depth;

        Run() {
            this(new HashSet<>(builtin), new HashMap<>(), 0);
        }

        Run(Set<String> loaded, Map<String, String> why, int depth) {
            this.loaded = loaded;
            this.why = why;
            this.depth = depth;
        }
    }

    public Verdict judge(String module) {
        String name = ModprobeConfig.underscores(module);
        ModprobeConfig.Command install = standIn(name);
        if (builtin.contains(name)) {
            return new Verdict("builtin", "compiled into the kernel: modprobe.d cannot keep it out", install);
        }
        List<Mod> targets = lookup(name);
        // The kernel's name may differ from the file's (nvidia-current-open.ko is nvidia): a module is
        // loadable when modprobe of any of its files' names loads it, whatever modprobe NAME does.
        for (String file : filesNamed.getOrDefault(name, List.of())) {
            if (!file.equals(name)) {
                Run other = new Run();
                modprobe(other, file, lookup(file), false);
                if (other.loaded.contains(file)) {
                    return new Verdict("loadable", "modprobe " + file + " loads it: its file " + file
                            + " is module " + name + " to the kernel", install);
                }
            }
        }
        if (targets.isEmpty()) {
            return new Verdict("absent", "not in the kernel's tree, and no alias or install line names it", install);
        }
        Run run = new Run();
        List<String> notes = modprobe(run, name, targets, false);
        if (loadedAs(run.loaded, name)) {
            String through = run.commandOf.containsKey(name)
                    ? "; install " + run.commandOf.get(name).rest().strip() + " (" + at(run.commandOf.get(name)) + ") loads it"
                    : "";
            return new Verdict("loadable", "modprobe loads it" + through, install);
        }
        String reason;
        if (targets.stream().noneMatch(t -> t.name().equals(name))) {
            List<ModprobeConfig.Command> aliases = config.aliases(name);
            String how = aliases.isEmpty() ? "the alias of a module (modules.alias)"
                    : "alias " + aliases.get(0).module() + " " + aliases.get(0).rest().strip() + " (" + at(aliases.get(0)) + ")";
            reason = notes.isEmpty() ? "modprobe " + name + " finds " + how + " and loads "
                    + String.join(", ", targets.stream().map(Mod::name).toList()) + " instead" : String.join("; ", notes);
        } else if (run.why.containsKey(name)) {
            reason = run.why.get(name);
        } else if (closure(name).stream().anyMatch(d -> !run.loaded.contains(d))) {
            // The probe stopped at a dependency before reaching the module.
            String d = closure(name).stream().filter(x -> !run.loaded.contains(x)).findFirst().orElseThrow();
            reason = "it needs " + d + ", which is not loaded: " + run.why.getOrDefault(d, "modprobe does not load it");
        } else if (!notes.isEmpty()) {
            reason = String.join("; ", notes);
        } else {
            reason = "modprobe does not load it";
        }
        return new Verdict("disabled", reason, install);
    }

    /**
     * One modprobe of a name: each target its lookup found is probed (an alias's blacklisted targets are
     * skipped); with --ignore-install the targets' own install commands are not run.
     *
     * @return notes on targets skipped for a blacklist
     */
    private List<String> modprobe(Run run, String name, List<Mod> targets, boolean ignoreInstall) {
        List<String> notes = new ArrayList<>();
        for (Mod target : targets) {
            if (target.viaAlias() && config.blacklisted(target.name())) {
                notes.add("modprobe finds it through an alias to " + target.name() + ", which is blacklisted ("
                        + at(config.blacklist(target.name()).orElseThrow()) + ")");
                continue;
            }
            if (ignoreInstall) {
                List<Mod> list = new ArrayList<>();
                probeList(run, target, new HashSet<>(), list, true);
                execute(run, target, list);
            } else {
                probe(run, target);
            }
        }
        return notes;
    }

    /** The install line that would run for the name: the first matching one, or one naming a module outside the tree. */
    private ModprobeConfig.Command standIn(String name) {
        return config.installMatching(name).orElse(null);
    }

    private List<Mod> lookup(String name) {
        List<Mod> out = new ArrayList<>();
        for (ModprobeConfig.Command alias : config.aliases(name)) {
            out.add(new Mod(ModprobeConfig.aliasTarget(alias), true, null));
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (tree.containsKey(name)) {
            return List.of(new Mod(name, false, null));
        }
        Optional<ModprobeConfig.Command> named = config.installNamed(name);
        if (named.isPresent()) {
            return List.of(new Mod(name, false, named.get()));
        }
        if (config.removeNamed(name)) {
            return List.of(new Mod(name, false, null));
        }
        for (String target : treeAliases.lookup(name)) {
            out.add(new Mod(target, true, null));
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (builtin.contains(name)) {
            return List.of(new Mod(name, false, null));
        }
        return List.of();
    }

    private void probe(Run run, Mod target) {
        List<Mod> list = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        if (target.foundBy() != null) {
            run.commandOf.putIfAbsent(target.name(), target.foundBy());
        }
        probeList(run, target, visited, list);
        execute(run, target, list);
    }

    /** Runs a probe list: a failure of the target or a dependency stops it, one of a soft dependency does not. */
    private void execute(Run run, Mod target, List<Mod> list) {
        Set<String> required = new HashSet<>(closure(target.name()));
        required.add(target.name());
        for (Mod m : list) {
            if (run.loaded.contains(m.name())) {
                continue;
            }
            boolean ok = step(run, m);
            if (!ok && required.contains(m.name())) {
                break;
            }
        }
    }

    /** One entry of the probe list: its install command, or loading its file. Returns whether it succeeded. */
    private boolean step(Run run, Mod m) {
        ModprobeConfig.Command command = run.ignoreCommand.contains(m.name()) ? null
                : run.commandOf.computeIfAbsent(m.name(), n -> config.installMatching(n).orElse(null));
        if (command == null) {
            run.commandOf.remove(m.name());
            return insert(run, m.name(), "");
        }
        InstallCommand.Effect effect = InstallCommand.of(command.rest(), m.name());
        switch (effect.kind()) {
            case OPAQUE -> {
                run.loaded.add(m.name());
                return true;
            }
            case INSMOD -> {
                return insert(run, m.name(), " (install " + command.rest().strip() + ", " + at(command) + ")");
            }
            case MODPROBE -> {
                // The command's modprobe is a process of its own: a fresh probe of the module, ignoring its command.
                if (run.depth >= MAX_NESTING) {
                    run.why.put(m.name(), "install commands call modprobe more than " + MAX_NESTING
                            + " times deep from it; a node runs out of processes before loading it");
                    return false;
                }
                Run nested = new Run(run.loaded, run.why, run.depth + 1);
                // It looks the name up again: an alias with the module's name sends it elsewhere.
                modprobe(nested, m.name(), lookup(m.name()), true);
                if (!nested.loaded.contains(m.name())) {
                    run.why.putIfAbsent(m.name(), "install " + command.rest().strip() + " (" + at(command)
                            + ") runs modprobe for it, which does not load it");
                    return false;
                }
                return true;
            }
            default -> {
                run.why.put(m.name(), "install " + command.rest().strip() + " (" + at(command)
                        + ") runs instead of loading it, and " + effect.reason());
                return !exitsNonZero(command.rest());
            }
        }
    }

    private boolean insert(Run run, String name, String how) {
        if (!tree.containsKey(name)) {
            run.why.putIfAbsent(name, "it is not in the kernel's tree");
            return false;
        }
        for (String dependency : closure(name)) {
            if (!run.loaded.contains(dependency)) {
                run.why.put(name, "it needs " + dependency + ", which is not loaded: "
                        + run.why.getOrDefault(dependency, "modprobe does not load it") + how);
                return false;
            }
        }
        run.loaded.add(name);
        return true;
    }

    /** kmod's __kmod_module_get_probe_list: dependencies (with their soft dependencies), then the module. */
    private void probeList(Run run, Mod m, Set<String> visited, List<Mod> list) {
        probeList(run, m, visited, list, false);
    }

    /** @param ignoreCommand modprobe --ignore-install: the module itself goes in without its soft dependencies or command */
    private void probeList(Run run, Mod m, Set<String> visited, List<Mod> list, boolean ignoreCommand) {
        if (!visited.add(m.name())) {
            return;
        }
        for (String dependency : orderedDependencies(m.name())) {
            fillSoftdep(run, new Mod(dependency, false, null), visited, list);
        }
        if (ignoreCommand) {
            run.ignoreCommand.add(m.name());
            list.add(m);
        } else {
            fillSoftdep(run, m, visited, list);
        }
    }

    /** kmod's __kmod_module_fill_softdep: pre, the module, post; a module with soft dependencies ignores its install command. */
    private void fillSoftdep(Run run, Mod m, Set<String> visited, List<Mod> list) {
        Optional<ModprobeConfig.Softdep> softdep = config.softdeps(m.name());
        List<Mod> pre = new ArrayList<>();
        List<Mod> post = new ArrayList<>();
        softdep.ifPresent(s -> {
            s.pre().forEach(n -> pre.addAll(lookup(ModprobeConfig.underscores(n))));
            s.post().forEach(n -> post.addAll(lookup(ModprobeConfig.underscores(n))));
        });
        for (Mod p : pre) {
            probeList(run, p, visited, list);
        }
        list.add(m);
        if (!pre.isEmpty() || !post.isEmpty()) {
            run.ignoreCommand.add(m.name());
            if (config.installMatching(m.name()).isPresent() && !run.why.containsKey(m.name())) {
                run.why.put(m.name(), "its install command is ignored: kmod loads a module with soft dependencies "
                        + "(" + at(softdep.orElseThrow().line()) + ") directly");
            }
        }
        for (Mod p : post) {
            probeList(run, p, visited, list);
        }
    }

    /** Every module the module depends on, directly or not (modules.dep's line), nearest first. */
    Set<String> closure(String name) {
        return closures.computeIfAbsent(name, n -> {
            Set<String> out = new LinkedHashSet<>();
            List<String> queue = new ArrayList<>(directDependencies(n));
            for (int i = 0; i < queue.size(); i++) {
                String d = queue.get(i);
                if (!d.equals(n) && out.add(d)) {
                    queue.addAll(directDependencies(d));
                }
            }
            return out;
        });
    }

    /** The closure in loading order: a module after everything it needs. */
    private List<String> orderedDependencies(String name) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String d : closure(name)) {
            order(d, seen, out, name);
        }
        return out;
    }

    private void order(String d, Set<String> seen, List<String> out, String root) {
        if (d.equals(root) || !seen.add(d)) {
            return;
        }
        for (String x : directDependencies(d)) {
            order(x, seen, out, root);
        }
        out.add(d);
    }

    private List<String> directDependencies(String name) {
        return dependencies.getOrDefault(name, List.of());
    }

    /** Whether a command that loads nothing also fails: false, or exit with a status other than 0. */
    private static boolean exitsNonZero(String command) {
        List<List<String>> commands = InstallCommand.simpleCommands(command.replace("$CMDLINE_OPTS", ""));
        List<String> last = commands.isEmpty() ? List.of() : commands.get(commands.size() - 1);
        if (last.isEmpty()) {
            return false;
        }
        String program = last.get(0).substring(last.get(0).lastIndexOf('/') + 1);
        if (program.equals("false")) {
            return true;
        }
        if (program.equals("exit")) {
            return last.size() > 1 && !last.get(1).equals("0");
        }
        if ((program.equals("sh") || program.equals("bash") || program.equals("dash")) && last.contains("-c")) {
            int c = last.indexOf("-c");
            return c + 1 < last.size() && exitsNonZero(last.get(c + 1));
        }
        return false;
    }

    private static String at(ModprobeConfig.Command c) {
        return c.file() + ":" + c.line();
    }
}
