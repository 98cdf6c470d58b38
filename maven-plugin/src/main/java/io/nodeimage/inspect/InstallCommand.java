package io.nodeimage.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an install command does to the module it stands in for. kmod runs the command (through
 * {@code sh -c}, with $CMDLINE_OPTS replaced by the module's options and $MODPROBE_MODULE set to its
 * name) instead of loading the module: the module is loaded only when the command itself loads it, with
 * {@code modprobe} or {@code insmod} naming it (as distributions write it:
 * {@code /sbin/modprobe --ignore-install nvidia $CMDLINE_OPTS}). Any other command loads nothing of
 * it, whatever it prints or returns: {@code /bin/false}, {@code /bin/true}, {@code /bin/sh -c "exit 1"},
 * a script that only logs.
 *
 * <p>A command this reading cannot see into (a script that might call modprobe) counts as loading the
 * module: a verdict of "disabled" must never be given for a module that modprobe could load.
 */
public final class InstallCommand {

    /** Programs that load no module, whatever their arguments. */
    private static final Set<String> INERT = Set.of("false", "true", ":", "exit", "echo", "printf", "logger",
            "sleep", "return");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash");

    private InstallCommand() {
    }

    /** How a command gets the module loaded, if it does. */
    public enum Kind {
        /** It loads nothing of the module. */
        NOTHING,
        /** It runs modprobe for the module: a probe of its own, dependencies included. */
        MODPROBE,
        /** It runs insmod on the module's file: the kernel takes it if its dependencies are loaded. */
        INSMOD,
        /** It runs something this reading cannot see into; counted as loading the module. */
        OPAQUE
    }

    /** What the command does for one module. */
    public record Effect(Kind kind, String reason) {
        public boolean loads() {
            return kind != Kind.NOTHING;
        }
    }

    /** @param module the module the command stands in for (its canonical name, '_' for '-') */
    public static Effect of(String command, String module) {
        String text = command.replace("$CMDLINE_OPTS", "").replace("${MODPROBE_MODULE}", module)
                .replace("$MODPROBE_MODULE", module);
        if (text.contains("`") || text.contains("$(")) {
            return new Effect(Kind.OPAQUE, "it runs a command substitution, which may load it");
        }
        for (List<String> words : simpleCommands(text)) {
            if (words.isEmpty()) {
                continue;
            }
            String program = baseName(words.get(0));
            if (SHELLS.contains(program)) {
                int c = words.indexOf("-c");
                if (c >= 0 && c + 1 < words.size()) {
                    Effect inner = of(words.get(c + 1), module);
                    if (inner.loads()) {
                        return inner;
                    }
                    continue;
                }
                return new Effect(Kind.OPAQUE, "it runs a shell script (" + String.join(" ", words)
                        + "), which may load it");
            }
            if (program.equals("modprobe")) {
                if (words.stream().anyMatch(w -> w.equals("-r") || w.equals("--remove"))) {
                    continue;
                }
                if (words.stream().skip(1).filter(w -> !w.startsWith("-")).anyMatch(w -> canonical(w).equals(module))) {
                    return new Effect(Kind.MODPROBE, "it runs modprobe for " + module);
                }
                continue;
            }
            if (program.equals("insmod")) {
                if (words.stream().skip(1).filter(w -> !w.startsWith("-")).anyMatch(w -> isFileOf(w, module))) {
                    return new Effect(Kind.INSMOD, "it runs insmod on " + module + "'s file");
                }
                continue;
            }
            if (INERT.contains(program) || program.isEmpty()) {
                continue;
            }
            return new Effect(Kind.OPAQUE, "it runs " + words.get(0) + ", which may load it");
        }
        return new Effect(Kind.NOTHING, "the command loads nothing of it");
    }

    private static boolean isFileOf(String path, String module) {
        String file = baseName(path);
        for (String suffix : List.of(".ko", ".ko.xz", ".ko.zst", ".ko.gz")) {
            if (file.endsWith(suffix) && canonical(file.substring(0, file.length() - suffix.length())).equals(module)) {
                return true;
            }
        }
        return false;
    }

    private static String canonical(String name) {
        return ModprobeConfig.underscores(name);
    }

    private static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * The simple commands of a shell line, as words: split at ; & | and newlines outside quotes, words at
     * blanks outside quotes, quotes removed. Enough for the commands modprobe.d files hold; anything it
     * cannot follow (substitutions, redirections into programs) ends up as a program it does not know,
     * which counts as possibly loading.
     */
    static List<List<String>> simpleCommands(String line) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else if (ch == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(ch);
                }
                continue;
            }
            switch (ch) {
                case '\'', '"' -> {
                    quote = ch;
                    inWord = true;
                }
                case '\\' -> {
                    if (i + 1 < line.length()) {
                        word.append(line.charAt(++i));
                        inWord = true;
                    }
                }
                case ' ', '\t' -> {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                }
                case '<', '>' -> {
                    // A redirection (2>&1, >/dev/null, < file): it and its target are no words of the command.
                    if (inWord && word.toString().chars().allMatch(Character::isDigit)) {
                        word.setLength(0);
                        inWord = false;
                    } else if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    while (i + 1 < line.length() && "<>&-0123456789".indexOf(line.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    while (i + 1 < line.length() && (line.charAt(i + 1) == ' ' || line.charAt(i + 1) == '\t')) {
                        i++;
                    }
                    if (i < line.length() && (line.charAt(i) == '&' || Character.isDigit(line.charAt(i)) || line.charAt(i) == '-')) {
                        continue;
                    }
                    while (i + 1 < line.length() && " \t;&|\n()".indexOf(line.charAt(i + 1)) < 0) {
                        i++;
                    }
                }
                case ';', '&', '|', '\n', '(', ')' -> {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    out.add(words);
                    words = new ArrayList<>();
                }
                default -> {
                    word.append(ch);
                    inWord = true;
                }
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        out.add(words);
        return out;
    }
}
