package io.nodeimage.inspect;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads a module file's bytes into its facts: expands it, splits off the signature, reads .modinfo. */
public final class ModuleReader {

    private final int expansionLimit;
    private final ModuleTrust trust;
    private final ModuleFactsCache cache;

    /** @param cache facts of module files read before, by their bytes */
    public ModuleReader(int expansionLimit, ModuleTrust trust, ModuleFactsCache cache) {
        this.expansionLimit = expansionLimit;
        this.trust = trust;
        this.cache = cache;
    }

    public ModuleReader(int expansionLimit, ModuleTrust trust) {
        this(expansionLimit, trust, ModuleFactsCache.DISABLED);
    }

    public ModuleReader(ModuleTrust trust, ModuleFactsCache cache) {
        this(Decompressor.DEFAULT_LIMIT, trust, cache);
    }

    public ModuleReader(int expansionLimit) {
        this(expansionLimit, ModuleTrust.NONE);
    }

    public ModuleReader(ModuleTrust trust) {
        this(Decompressor.DEFAULT_LIMIT, trust);
    }

    public ModuleReader() {
        this(Decompressor.DEFAULT_LIMIT, ModuleTrust.NONE);
    }

    /** This reader, also trusting {@code more} (a kernel's built-in keys); itself when there are none. */
    public ModuleReader trusting(List<java.security.cert.X509Certificate> more) {
        return more.isEmpty() ? this : new ModuleReader(expansionLimit, trust.plus(more), cache);
    }

    /**
     * @param path where the module is in the image, such as /lib/modules/6.1.0-50-cloud-amd64/kernel/fs/fat/fat.ko
     */
    public KernelModule read(String path, byte[] file) throws ModuleFormatException {
        Compression compression = Compression.ofFileName(path);
        return read(path, file, compression == null ? -1 : Decompressor.declaredSize(file, compression));
    }

    /** @param declared the size the compressed data declares, as {@link Decompressor#declaredSize} gave it */
    public KernelModule read(String path, byte[] file, long declared) throws ModuleFormatException {
        Compression compression = Compression.ofFileName(path);
        if (compression == null) {
            throw new ModuleFormatException("not a module file name (.ko, .ko.xz, .ko.zst, .ko.gz)");
        }
        // An uncompressed module whose signature is not verified reads faster than its bytes hash
        // (measured on linux-image-amd64: parsing 180 MB of modules 50 to 250 ms, SHA-256 of them 0.5 to 1 s).
        boolean worthKeeping = compression != Compression.NONE || !trust.isEmpty();
        ModuleFactsCache.Key key = worthKeeping ? cache.key(path, trust, compression, file) : null;
        if (key != null) {
            java.util.Optional<ModuleFacts> known = cache.get(key);
            if (known.isPresent()) {
                return known.get().at(path, compression);
            }
        }
        ModuleFacts facts = facts(file, compression, declared);
        if (key != null) {
            cache.put(key, facts);
        }
        return facts.at(path, compression);
    }

    private ModuleFacts facts(byte[] file, Compression compression, long declared) throws ModuleFormatException {
        byte[] expanded = Decompressor.expand(file, compression, expansionLimit, declared);
        ModuleSignature.Split split = ModuleSignature.split(expanded);
        Map<String, List<String>> info = ElfModinfo.read(split.data(), split.length());
        String depends = first(info, "depends");
        java.util.Optional<ModuleSignature> signature = split.signature();
        if (signature.isPresent() && !trust.isEmpty()) {
            signature = java.util.Optional.of(signature.get().withVerification(trust.verify(split.data(), split.length(), split.pkcs7())));
        }
        return new ModuleFacts(first(info, "name"), first(info, "version"), first(info, "license"),
                first(info, "vermagic"), first(info, "srcversion"),
                depends == null || depends.isEmpty() ? List.of() : Arrays.asList(depends.split(",")),
                info.getOrDefault("firmware", List.of()), signature);
    }

    private static String first(Map<String, List<String>> info, String key) {
        List<String> values = info.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
