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
 * <li>for a module in the kernel's tree, the first {@code install} whose name (a glob) matches wins;
 * for a module absent from the tree, modprobe finds it only through an install of exactly its name;</li>
 * <li>{@code blacklist} only stops loading by alias; a module is disabled when its install command
 * replaces loading with {@code /bin/false}, {@code /bin/true} or the like.</li>
 * </ul>
 * Files are given as text, read from the image by the caller; nothing here touches the host.
 */
public final class ModprobeConfig {

    public static final List<String> DIRECTORIES = List.of(
            "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d");

    /** Commands that do nothing and fail or succeed, whatever their arguments. */
    private static final List<String> NO_OP = List.of("/bin/false", "/bin/true", "/usr/bin/false", "/usr/bin/true",
            "false", "true", ":");

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

    /** The files that count, in the order kmod reads them. */
    public List<String> files() {
        return files;
    }

    public List<Command> commands() {
        return commands;
    }

    /**
     * The install command modprobe would run instead of loading the module.
     *
     * @param inTree whether the module is in the kernel's module tree (found by modules.dep)
     */
    public Optional<Command> install(String module, boolean inTree) {
        String name = underscores(module);
        for (Command c : commands) {
            if (!c.keyword().equals("install")) {
                continue;
            }
            if (inTree ? glob(c.module(), name) : c.module().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
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

    public boolean blacklisted(String module) {
        String name = underscores(module);
        return commands.stream().anyMatch(c -> c.keyword().equals("blacklist") && c.module().equals(name));
    }

    /** The first softdep line for the module, as written after its name. */
    public Optional<String> softdep(String module) {
        String name = underscores(module);
        return commands.stream().filter(c -> c.keyword().equals("softdep") && c.module().equals(name))
                .map(Command::rest).findFirst();
    }

    /**
     * Whether an install command replaces loading with nothing: its program is false, true or ':',
     * and nothing else runs after it (no shell operators).
     */
    public static boolean loadsNothing(String command) {
        String normal = command.strip();
        if (normal.matches(".*[;&|`$<>()].*")) {
            return false;
        }
        return NO_OP.contains(normal.split("\\s+")[0]);
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

    /** fnmatch(3) without flags, through the JDK's glob matcher on a single path element. */
    static boolean glob(String pattern, String name) {
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
            return pattern.equals(name);
        }
        try {
            // The JDK's glob knows [!...] as fnmatch does; braces are literal to fnmatch.
            String jdk = pattern.replace("{", "\\{").replace("}", "\\}");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + jdk);
            return matcher.matches(Path.of(name));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
