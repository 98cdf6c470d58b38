package io.nodeimage.inspect;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * modprobe.d configuration resolved the way kmod resolves it:
 * <ul>
 * <li>files ending in {@code .conf} in {@link #DIRECTORIES}, in that order of precedence: a file name in
 * an earlier directory masks the same name in later ones (an empty file masks too);</li>
 * <li>the surviving files are read in order of their file names, lines in order, '\' continues a line;</li>
 * <li>module names treat '-' and '_' alike (outside glob brackets);</li>
 * <li>for a module, the first {@code install} whose name (a glob) matches is its command; modprobe
 * finds a name outside the tree only through an install (or remove) of exactly that name;</li>
 * <li>{@code blacklist} only stops targets of aliases.</li>
 * </ul>
 * What modprobe then does with a name is {@link ModuleLoading}'s to work out.
 * Files are given as text, read from the image by the caller; nothing here touches the host.
 */
public final class ModprobeConfig {

    public static final List<String> DIRECTORIES = List.of(
            "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d");

    /** One configuration line, with the file it came from. */
    public record Command(String file, int line, String keyword, String module, String rest) {
    }

    private final List<Command> commands;
    private final List<String> files;

    private ModprobeConfig(List<String> files, List<Command> commands) {
        this.files = List.copyOf(files);
        this.commands = List.copyOf(commands);
    }

    /**
     * @param filesByPath every regular file under the {@link #DIRECTORIES} of an image, by absolute path;
     *     links to /dev/null are passed as empty text
     */
    public static ModprobeConfig of(Map<String, String> filesByPath) {
        List<String> files = ConfigDirectories.effective(filesByPath, DIRECTORIES);
        List<Command> commands = new ArrayList<>();
        for (String path : files) {
            parse(path, filesByPath.get(path), commands);
        }
        return new ModprobeConfig(files, commands);
    }

    /**
     * This configuration with a kernel tree's modules.softdep (depmod's file of the modules' own softdep
     * fields) read as kmod reads it: as one more configuration file, in the order of file names.
     */
    public ModprobeConfig withTreeSoftdeps(String treePath, String modulesSoftdep) {
        if (modulesSoftdep == null || modulesSoftdep.isBlank()) {
            return this;
        }
        String pseudo = treePath + "/modules.softdep";
        List<Command> theirs = new ArrayList<>();
        parse(pseudo, modulesSoftdep, theirs);
        List<Command> merged = new ArrayList<>();
        boolean inserted = false;
        for (Command c : commands) {
            if (!inserted && baseName(c.file()).compareTo("modules.softdep") > 0) {
                merged.addAll(theirs);
                inserted = true;
            }
            merged.add(c);
        }
        if (!inserted) {
            merged.addAll(theirs);
        }
        return new ModprobeConfig(files, merged);
    }

    private static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Targets of every alias line whose pattern matches the name, in order (kmod's first lookup). */
    public List<Command> aliases(String name) {
        String n = underscores(name);
        return commands.stream().filter(c -> c.keyword().equals("alias") && glob(underscores(c.module()), n)
                && !c.rest().isBlank()).toList();
    }

    /** The module an alias line names: the first word after the pattern (kmod reads one word). */
    public static String aliasTarget(Command alias) {
        return underscores(alias.rest().strip().split("[ \\t]+")[0]);
    }

    /** The first install line naming exactly this module: how modprobe finds a module by its command. */
    public Optional<Command> installNamed(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("install") && c.module().equals(name)
                && !c.rest().isEmpty()).findFirst();
    }

    /** Whether a remove line names exactly this module (the last way modprobe's lookup finds a name). */
    public boolean removeNamed(String module) {
        String name = underscores(module);
        return commands.stream().anyMatch(c -> c.keyword().equals("remove") && c.module().equals(name) && !c.rest().isEmpty());
    }

    /** The first install line whose pattern matches the module: its command, as kmod attaches it. */
    public Optional<Command> installMatching(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("install") && glob(c.module(), name)
                && !c.rest().isEmpty()).findFirst();
    }

    /** The first softdep line whose pattern matches, as its pre and post lists (kmod takes only the first). */
    public Optional<Softdep> softdeps(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("softdep") && glob(c.module(), name)
                && !c.rest().isEmpty()).findFirst().map(Softdep::parse);
    }

    /** A softdep line's module lists: words after "pre:" and after "post:"; words before either are ignored. */
    public record Softdep(Command line, List<String> pre, List<String> post) {
        static Softdep parse(Command c) {
            List<String> pre = new ArrayList<>();
            List<String> post = new ArrayList<>();
            List<String> mode = null;
            for (String word : c.rest().strip().split("\\s+")) {
                if (word.equals("pre:")) {
                    mode = pre;
                } else if (word.equals("post:")) {
                    mode = post;
                } else if (mode != null && !word.isEmpty()) {
                    mode.add(word);
                }
            }
            return new Softdep(c, List.copyOf(pre), List.copyOf(post));
        }
    }

    /** The files that count, in the order kmod reads them. */
    public List<String> files() {
        return files;
    }

    public List<Command> commands() {
        return commands;
    }

    /** Every options line that applies, in order: modprobe passes them all. */
    public List<String> options(String module) {
        String name = underscores(module);
        List<String> out = new ArrayList<>();
        for (Command c : commands) {
            if (c.keyword().equals("options") && glob(c.module(), name) && !c.rest().isBlank()) {
                out.add(c.rest().strip());
            }
        }
        return out;
    }

    /** Where each of {@link #options} is written, file:line, in the same order. */
    public List<String> optionSources(String module) {
        String name = underscores(module);
        List<String> out = new ArrayList<>();
        for (Command c : commands) {
            if (c.keyword().equals("options") && glob(c.module(), name) && !c.rest().isBlank()) {
                out.add(c.file() + ":" + c.line());
            }
        }
        return out;
    }

    public boolean blacklisted(String module) {
        return blacklist(module).isPresent();
    }

    /** The blacklist line for the module, if any. */
    public Optional<Command> blacklist(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("blacklist") && c.module().equals(name)).findFirst();
    }

    /** The first softdep line for the module, as written after its name. */
    public Optional<String> softdep(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("softdep") && c.module().equals(name))
                .map(Command::rest).findFirst();
    }

    /**
     * Lines as kmod's parser reads them: a trailing '\' joins the next line with nothing between;
     * the keyword and module name are whitespace-separated words; the rest of the line after the one
     * separator that follows the name is kept as it is (so "install m   /bin/false" runs "  /bin/false").
     */
    private static void parse(String path, String text, List<Command> out) {
        if (text == null) {
            return;
        }
        String[] lines = text.split("\n", -1);
        StringBuilder logical = new StringBuilder();
        int startLine = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (logical.length() == 0) {
                startLine = i + 1;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1);
                continue;
            }
            logical.append(line);
            String full = logical.toString();
            logical.setLength(0);
            int p = skipBlanks(full, 0);
            if (p == full.length() || full.charAt(p) == '#') {
                continue;
            }
            int keywordEnd = wordEnd(full, p);
            String keyword = full.substring(p, keywordEnd);
            int moduleStart = skipBlanks(full, keywordEnd);
            if (moduleStart == full.length()) {
                continue;
            }
            int moduleEnd = wordEnd(full, moduleStart);
            String word = full.substring(moduleStart, moduleEnd);
            String rest = moduleEnd < full.length() ? full.substring(moduleEnd + 1) : "";
            out.add(new Command(path, startLine, keyword, keyword.equals("alias") ? word : underscores(word), rest));
        }
    }

    private static int skipBlanks(String s, int from) {
        int i = from;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int wordEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return i;
    }

    /** kmod's underscores(): '-' becomes '_' except inside '[...]'. */
    static String underscores(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean inBracket = false;
        for (char c : name.toCharArray()) {
            if (c == '[') {
                inBracket = true;
            } else if (c == ']') {
                inBracket = false;
            }
            out.append(c == '-' && !inBracket ? '_' : c);
        }
        return out.toString();
    }

    /** Compiled patterns: every module of a tree is matched against every pattern. */
    private static final Map<String, Optional<PathMatcher>> MATCHERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** fnmatch(3) without flags, through the JDK's glob matcher on a single path element. */
    static boolean glob(String pattern, String name) {
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
            return pattern.equals(name);
        }
        if (MATCHERS.size() > 10_000) {
            // Patterns come from images' files: keep the cache from growing with hostile ones.
            MATCHERS.clear();
        }
        Optional<PathMatcher> matcher = MATCHERS.computeIfAbsent(pattern, p -> {
            try {
                // The JDK's glob knows [!...] as fnmatch does; braces are literal to fnmatch.
                String jdk = p.replace("{", "\\{").replace("}", "\\}");
                return Optional.of(FileSystems.getDefault().getPathMatcher("glob:" + jdk));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        try {
            return matcher.isPresent() && matcher.get().matches(Path.of(name));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
