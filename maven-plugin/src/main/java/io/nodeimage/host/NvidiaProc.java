package io.nodeimage.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the loaded NVIDIA driver says about itself in {@code /proc/driver/nvidia}. */
final class NvidiaProc {

    /**
     * The driver's version line, such as {@code NVRM version: NVIDIA UNIX Open Kernel Module for x86_64
     * 580.159.04 Release Build ...} (open) or {@code NVRM version: NVIDIA UNIX x86_64 Kernel Module
     * 535.183.01 Sun May 12 ...} (proprietary).
     */
    record Version(String version, String branch, String flavor, String architecture) {
    }

    private static final Pattern VERSION = Pattern.compile("\\s([0-9]{2,4}(?:\\.[0-9]{1,4}){1,2})(?:\\s|$)");
    private static final Pattern ARCH = Pattern.compile("\\b(x86_64|aarch64|ppc64le)\\b");

    private NvidiaProc() {
    }

    static Optional<Version> version(String text) {
        String line = text.lines().filter(l -> l.startsWith("NVRM version:")).findFirst().orElse(null);
        if (line == null) {
            return Optional.empty();
        }
        Matcher v = VERSION.matcher(line);
        if (!v.find()) {
            return Optional.empty();
        }
        String version = v.group(1);
        // The open modules announce themselves; the proprietary line has no flavour word at all.
        String flavor = line.contains("Open Kernel Module") ? "open" : "proprietary";
        Matcher a = ARCH.matcher(line);
        return Optional.of(new Version(version, version.split("\\.")[0], flavor, a.find() ? a.group(1) : null));
    }

    /** A GPU's {@code information} file: "Key:  value" lines, blanks and tabs around the value removed. */
    static Map<String, String> information(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return out;
    }
}
