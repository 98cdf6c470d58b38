package io.nodeimage.host;

import io.nodeimage.inspect.Facts;
import java.util.ArrayList;
import java.util.List;

/**
 * The modules the running kernel has loaded: {@code /proc/modules} (what lsmod prints), each with what
 * {@code /sys/module/<name>} adds. Built-in modules appear in /sys/module but not in /proc/modules, and
 * are not "loaded": they cannot be unloaded or kept out.
 */
final class LoadedModules {

    private LoadedModules() {
    }

    static List<Facts.LoadedModule> read(HostFiles files) {
        return files.text("/proc/modules").map(t -> parse(t, files)).orElse(List.of());
    }

    /**
     * Lines of {@code name size refcount deps state address [(taints)]}, as the kernel's m_show writes
     * them; the taint letters in parentheses are the module's own.
     */
    static List<Facts.LoadedModule> parse(String text, HostFiles files) {
        List<Facts.LoadedModule> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 5 || !f[1].matches("[0-9]{1,19}")) {
                continue;
            }
            String name = f[0];
            String taints = "";
            if (f[f.length - 1].startsWith("(") && f[f.length - 1].endsWith(")")) {
                taints = f[f.length - 1].substring(1, f[f.length - 1].length() - 1);
            }
            String sys = "/sys/module/" + name;
            if (taints.isEmpty()) {
                taints = files == null ? "" : files.line(sys + "/taint").orElse("");
            }
            out.add(new Facts.LoadedModule(name, Long.parseLong(f[1]), f[4], taints,
                    files == null ? null : files.line(sys + "/version").orElse(null),
                    files == null ? null : files.line(sys + "/srcversion").orElse(null),
                    files == null ? null : files.line(sys + "/initstate").orElse(null)));
        }
        out.sort(java.util.Comparator.comparing(Facts.LoadedModule::name));
        return out;
    }
}
