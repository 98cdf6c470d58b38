package io.nodeimage.policy;

import io.nodeimage.inspect.Facts;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Kernel arguments in the command-line sources of an image (GRUB defaults, kernel/cmdline, kargs.d) or a node. */
final class Cmdline {

    private Cmdline() {
    }

    /** An argument's value and the source that sets it. */
    record Argument(String value, String from) {
    }

    /**
     * The words of a source, comment lines left out; quotes, commas and brackets (GRUB's KEY="...", kargs.d's
     * TOML list) only separate them.
     */
    static List<String> tokens(String text) {
        return text.lines().filter(l -> !l.strip().startsWith("#"))
                .flatMap(l -> Arrays.stream(l.split("[\\s\"',\\[\\]]+"))).filter(t -> !t.isEmpty())
                .map(t -> t.matches("GRUB_CMDLINE_LINUX(_DEFAULT)?=.*") ? t.substring(t.indexOf('=') + 1) : t)
                .filter(t -> !t.isEmpty()).toList();
    }

    /** The last {@code key=value} across the sources, in their order: the kernel takes the last one. */
    static Optional<Argument> last(Facts f, String key) {
        Argument out = null;
        for (Facts.CmdlineSource c : f.cmdline()) {
            for (String t : tokens(c.text())) {
                if (t.startsWith(key + "=")) {
                    out = new Argument(t.substring(key.length() + 1), c.path());
                }
            }
        }
        return Optional.ofNullable(out);
    }
}
