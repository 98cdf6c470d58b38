package io.nodeimage.inspect;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * sysctl.d read the way systemd-sysctl (systemd 252) reads it at boot, checked against systemd-sysctl
 * itself (it/SysctlDifferentialTest):
 * <ul>
 * <li>*.conf in {@link #DIRECTORIES}, a file name in an earlier directory masking the same name in later
 * ones (an empty file or a link to /dev/null too), the survivors read in order of their names;</li>
 * <li>lines {@code key = value}: blanks around both stripped, {@code #} and {@code ;} start comments, a
 * leading {@code -} only means "ignore a failure to write", a line without {@code =} is ignored;</li>
 * <li>a key is normalized as systemd does: when its first separator is '.', dots and slashes swap
 * ({@code kernel/kptr_restrict} and {@code kernel.kptr_restrict} are one key);</li>
 * <li>a later assignment of a key replaces the earlier one; a key with a glob applies to every key it
 * matches that no explicit assignment names, the glob applied last winning.</li>
 * </ul>
 * Keys are given in the dotted form policies use.
 */
public final class SysctlConfig {

    public static final List<String> DIRECTORIES = List.of(
            "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d");

    private SysctlConfig() {
    }

    /**
     * The effective assignments: explicit keys, and glob keys (with '*', '?' or '[') in the order systemd
     * applies them ({@link Facts.Setting#order()}).
     */
    public static Map<String, Facts.Setting> of(Map<String, String> filesByPath) {
        // Insertion order is systemd's: a replaced assignment keeps its first place.
        Map<String, Facts.Setting> ordered = new LinkedHashMap<>();
        for (String path : ConfigDirectories.effective(filesByPath, DIRECTORIES)) {
            for (String line : filesByPath.get(path).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                    continue;
                }
                if (l.startsWith("-")) {
                    l = l.substring(1);
                }
                int eq = l.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = dotted(normalize(l.substring(0, eq).strip()));
                if (key.isEmpty()) {
                    continue;
                }
                Facts.Setting earlier = ordered.get(key);
                int order = earlier == null ? ordered.size() : earlier.order();
                ordered.put(key, new Facts.Setting(l.substring(eq + 1).strip(), path, order));
            }
        }
        return new TreeMap<>(ordered);
    }

    /** The value a key ends up with: its own assignment, else the last-applied glob that matches it. */
    public static Optional<Facts.Setting> value(Map<String, Facts.Setting> settings, String key) {
        String k = dotted(normalize(key));
        Facts.Setting own = settings.get(k);
        if (own != null) {
            return Optional.of(own);
        }
        Facts.Setting best = null;
        for (Map.Entry<String, Facts.Setting> e : settings.entrySet()) {
            if (isGlob(e.getKey()) && matches(e.getKey(), k) && (best == null || e.getValue().order() > best.order())) {
                best = e.getValue();
            }
        }
        return Optional.ofNullable(best);
    }

    static boolean isGlob(String key) {
        return key.indexOf('*') >= 0 || key.indexOf('?') >= 0 || key.indexOf('[') >= 0;
    }

    /** Globs match /proc/sys paths: a '*' stays within one component. */
    private static boolean matches(String globKey, String key) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + slashed(globKey).replace("{", "\\{").replace("}", "\\}"))
                    .matches(Path.of(slashed(key)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** systemd's sysctl_normalize: the slash form, dots and slashes swapped when the first separator is a dot. */
    static String normalize(String key) {
        int first = firstSeparator(key);
        String out = first >= 0 && key.charAt(first) == '.' ? swap(key) : key;
        // path_simplify: no doubled or trailing slashes.
        out = out.replaceAll("/{2,}", "/");
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        while (out.startsWith("/")) {
            out = out.substring(1);
        }
        return out;
    }

    /** The dotted form sysctl(8) and policies use, from the slash form. */
    static String dotted(String slashForm) {
        return swap(slashForm);
    }

    private static String slashed(String dotted) {
        return swap(dotted);
    }

    private static int firstSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '.' || s.charAt(i) == '/') {
                return i;
            }
        }
        return -1;
    }

    private static String swap(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return out.toString();
    }
}
