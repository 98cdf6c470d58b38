package io.nodeimage.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule kmod, systemd-sysctl and systemd-modules-load share for *.conf directories: a file name in
 * an earlier directory masks the same name in later ones, and the surviving files are read in order of
 * their names.
 */
final class ConfigDirectories {

    private ConfigDirectories() {
    }

    /**
     * @param filesByPath files by absolute path; only *.conf files directly in one of the directories count
     * @param directories in order of precedence
     * @return the paths that count, in the order they are read
     */
    static List<String> effective(Map<String, String> filesByPath, List<String> directories) {
        TreeMap<String, String> winners = new TreeMap<>();
        for (String dir : directories) {
            filesByPath.keySet().stream()
                    .filter(p -> p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0 && p.endsWith(".conf"))
                    .sorted()
                    .forEach(p -> winners.putIfAbsent(p.substring(dir.length() + 1), p));
        }
        return new ArrayList<>(winners.values());
    }
}
