package io.nodeimage.host;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Module parameters as the running kernel has them, {@code /sys/module/<module>/parameters/<parameter>}: only
 * the ones the policies ask about (a loaded driver has dozens). Built-in modules have the directory too, so a
 * parameter of kvm built into the kernel is read like one of a loaded kvm.ko.
 */
final class ModuleParameters {

    /** What the kernel names a module or parameter with; anything else could leave /sys/module. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private ModuleParameters() {
    }

    /**
     * @param asked {@code module/parameter} pairs; '-' in a module name is read as '_', as the kernel names it
     * @return the value of each that exists, stripped, keyed as asked with the kernel's module name
     */
    static Map<String, String> read(HostFiles files, Set<String> asked) {
        Map<String, String> out = new TreeMap<>();
        for (String key : new TreeSet<>(asked)) {
            int slash = key.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String module = key.substring(0, slash).replace('-', '_');
            String parameter = key.substring(slash + 1);
            if (!NAME.matcher(module).matches() || !NAME.matcher(parameter).matches()) {
                continue;
            }
            files.line("/sys/module/" + module + "/parameters/" + parameter)
                    .ifPresent(v -> out.put(module + "/" + parameter, v));
        }
        return out;
    }
}
