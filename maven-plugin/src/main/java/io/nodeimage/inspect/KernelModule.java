package io.nodeimage.inspect;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts of one module file. {@code name} comes from {@code .modinfo}, never from the file name:
 * Debian installs the NVIDIA open driver as nvidia-current-open.ko, whose name is nvidia.
 */
public record KernelModule(String path, String name, String version, String license, String vermagic,
                           String srcversion, List<String> depends, List<String> firmware, Compression compression,
                           Optional<ModuleSignature> signature) {

    public KernelModule {
        Objects.requireNonNull(path);
        Objects.requireNonNull(name);
        depends = List.copyOf(depends);
        firmware = List.copyOf(firmware);
        Objects.requireNonNull(compression);
        Objects.requireNonNull(signature);
    }

    /** modprobe treats '-' and '_' in module names alike. */
    public String canonicalName() {
        return name.replace('-', '_');
    }
}
