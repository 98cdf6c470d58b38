package io.nodeimage.inspect;

import java.util.Locale;

/** How a kernel module file is compressed: Debian ships none, RHEL xz, Ubuntu 24.04 zstd; gzip exists too. */
public enum Compression {
    NONE(".ko"), XZ(".ko.xz"), ZSTD(".ko.zst"), GZIP(".ko.gz");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }

    /** The compression a module file's name says, or null when the name is not a module's. */
    public static Compression ofFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (Compression c : new Compression[] {XZ, ZSTD, GZIP, NONE}) {
            if (lower.endsWith(c.suffix)) {
                return c;
            }
        }
        return null;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace("zstd", "zst");
    }
}
