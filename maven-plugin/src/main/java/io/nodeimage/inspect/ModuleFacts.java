package io.nodeimage.inspect;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a module file's bytes say, apart from where the file is: the part of {@link KernelModule} that the
 * module facts cache keeps by the bytes' digest, and gives back for the same bytes at any path.
 *
 * @param name the {@code name} field of {@code .modinfo}; null when the module has none (old modules),
 *     then the name comes from the file name, which is the path's
 */
public record ModuleFacts(String name, String version, String license, String vermagic, String srcversion,
                          List<String> depends, List<String> firmware, Optional<ModuleSignature> signature) {

    public ModuleFacts {
        depends = List.copyOf(depends);
        firmware = List.copyOf(firmware);
        Objects.requireNonNull(signature);
    }

    /** The module at {@code path}: a missing name is the file's, as the kernel falls back to it. */
    public KernelModule at(String path, Compression compression) {
        String moduleName = name;
        if (moduleName == null) {
            String fileName = path.substring(path.lastIndexOf('/') + 1);
            moduleName = fileName.substring(0, fileName.length() - compression.suffix().length()).replace('-', '_');
        }
        return new KernelModule(path, moduleName, version, license, vermagic, srcversion, depends, firmware,
                compression, signature);
    }
}
