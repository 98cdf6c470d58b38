package io.nodeimage.policy;

import io.nodeimage.inspect.Facts;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module parameter's value as an image sets it: {@code module.parameter=value} on the kernel command line
 * (which modprobe passes too, and which alone reaches a built-in module), then the {@code options} lines of
 * modprobe.d in the order kmod reads them; the kernel takes the last value given.
 */
final class ParameterValues {

    /** {@code name=value}, {@code name="a b"} or a bare {@code name} (a boolean set to true). */
    private static final Pattern OPTION = Pattern.compile("([^\\s=]+)(?:=(\"[^\"]*\"|\\S*))?");

    private ParameterValues() {
    }

    /** A value and where it was set: file:line of an options line, or the command-line source. */
    record Value(String value, String from) {
    }

    static String name(String module) {
        return module.replace('-', '_');
    }

    /** The module's file is in the tree, or it is built in. */
    static boolean present(Facts.KernelTree k, String module) {
        String name = name(module);
        return k.builtin().stream().anyMatch(b -> name(b).equals(name))
                || k.modules().stream().anyMatch(m -> m.canonicalName().equals(name));
    }

    /** The last value the image sets for the parameter with that kernel, or null when it sets none. */
    static Value configured(Facts f, Facts.KernelTree k, String module, String parameter) {
        String name = name(module);
        Value out = null;
        for (Facts.CmdlineSource c : f.cmdline()) {
            for (String token : Cmdline.tokens(c.text())) {
                int dot = token.indexOf('.');
                int eq = token.indexOf('=');
                if (dot > 0 && (eq < 0 || dot < eq) && name(token.substring(0, dot)).equals(name)
                        && name(eq < 0 ? token.substring(dot + 1) : token.substring(dot + 1, eq)).equals(name(parameter))) {
                    out = new Value(eq < 0 ? "Y" : token.substring(eq + 1), c.path());
                }
            }
        }
        if (k.builtin().stream().anyMatch(b -> name(b).equals(name))) {
            // modprobe.d options do not reach a module built into the kernel.
            return out;
        }
        // kmod looks options up by the name of the module's file: Debian ships nvidia_uvm as
        // nvidia-current-open-uvm.ko, whose options lines name nvidia-current-open-uvm.
        Set<String> names = new TreeSet<>(Set.of(name));
        k.modules().stream().filter(m -> m.canonicalName().equals(name)).forEach(m -> names.add(fileName(m.path())));
        for (Facts.ModuleState state : f.modules()) {
            if (!state.kernel().equals(k.version()) || !names.contains(name(state.module()))) {
                continue;
            }
            List<String> options = state.options();
            List<String> from = state.optionsFrom();
            for (int i = 0; i < options.size(); i++) {
                Matcher m = OPTION.matcher(options.get(i));
                while (m.find()) {
                    // The kernel takes '-' and '_' in a parameter's name alike, as in a module's.
                    if (name(m.group(1)).equals(name(parameter))) {
                        String v = m.group(2) == null ? "Y" : m.group(2).replace("\"", "");
                        out = new Value(v, i < from.size() ? from.get(i) : "modprobe.d (options " + state.module() + ")");
                    }
                }
            }
        }
        return out;
    }

    /** kvm-intel for /usr/lib/modules/.../kvm-intel.ko.zst, in the kernel's spelling (kvm_intel). */
    private static String fileName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return name(ko > 0 ? base.substring(0, ko) : base);
    }

    /**
     * Booleans compare as the kernel's kstrtobool parses a bool parameter: a first letter y, Y, t, T or 1
     * is true, n, N, f, F or 0 false, and on / off; anything else as written.
     */
    static boolean same(String actual, String wanted) {
        if (actual == null) {
            return false;
        }
        Boolean a = bool(actual);
        Boolean w = bool(wanted);
        return a != null && w != null ? a.equals(w) : actual.equals(wanted);
    }

    static boolean enabled(String v) {
        return Boolean.TRUE.equals(bool(v));
    }

    private static Boolean bool(String v) {
        if (v.isEmpty()) {
            return null;
        }
        return switch (v.charAt(0)) {
            case 'Y', 'y', 'T', 't', '1' -> true;
            case 'N', 'n', 'F', 'f', '0' -> false;
            case 'O', 'o' -> v.length() > 1 && (v.charAt(1) == 'n' || v.charAt(1) == 'N') ? Boolean.TRUE
                    : v.length() > 1 && (v.charAt(1) == 'f' || v.charAt(1) == 'F') ? Boolean.FALSE : null;
            default -> null;
        };
    }

    /**
     * KVM's own default for nested: kvm_amd has allowed it from its start; kvm_intel since Linux 4.20 (commit
     * "KVM: nVMX: enable nested virtualization by default"), before which it was off.
     */
    static String nestedDefault(String module, String kernelVersion) {
        if (!name(module).equals("kvm_intel")) {
            return "Y";
        }
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernelVersion);
        if (!m.find()) {
            return "Y";
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor >= 20) ? "Y" : "N";
    }
}
