package io.nodeimage.inspect;

import io.nodeimage.AtomicFiles;
import io.nodeimage.inspect.ModuleFactsPack.Digest;
import io.nodeimage.inspect.ModuleFactsPack.Stored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Module facts kept between runs, by the SHA-256 of the module file's bytes as the image holds them, so a
 * matrix of profiles on one kernel, or a second check, reads each module once. The key also covers what
 * else decides the facts: the file's compression, the certificates signatures are verified against, and
 * {@link ModuleFactsPack#FORMAT}. Files that failed to read are never kept: their finding is made anew.
 * {@link ModuleReader} decides what is worth keeping (not uncompressed modules read without certificates).
 *
 * <p>One file per kernel version and certificate set ({@code <kver>-<trust digest>.facts}), read whole
 * when that tree's first module is looked up and replaced atomically when the run gained entries: runs in
 * parallel each write whole files, and the last one's stays. Bounded: at most
 * {@link ModuleFactsPack#MAX_ENTRIES} modules per file (this run's first, then the most recently used),
 * and {@link #MAX_BYTES} in all, least recently used files removed first. The directory can be deleted at
 * any time; a damaged file is read as empty and written anew.
 */
public final class ModuleFactsCache {

    /** The whole cache on disk: about 170 kernel trees of 4,000 modules each. */
    static final long MAX_BYTES = 256L * 1024 * 1024;
    private static final String SUFFIX = ".facts";

    /** No cache: every module is read from its bytes. */
    public static final ModuleFactsCache DISABLED = new ModuleFactsCache(null);

    /** Where a module's facts are kept: its file, and its key within. */
    record Key(String file, Digest digest) {
    }

    private final Path directory;
    private final long now = System.currentTimeMillis();
    private final Map<String, Pack> packs = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * What a run took from the cache and gave it.
     *
     * @param hits modules whose facts came from the cache
     * @param added modules read from their bytes and kept
     */
    public record Stats(int hits, int added) {
    }

    private static final class Pack {
        final Map<Digest, Stored> entries;
        final Set<Digest> used = ConcurrentHashMap.newKeySet();
        volatile boolean changed;

        Pack(Map<Digest, Stored> entries) {
            this.entries = new ConcurrentHashMap<>(entries);
        }
    }

    private ModuleFactsCache(Path directory) {
        this.directory = directory;
    }

    /** A cache in {@code directory}, made when first written. */
    public static ModuleFactsCache in(Path directory) {
        return new ModuleFactsCache(directory.toAbsolutePath().normalize());
    }

    public boolean enabled() {
        return directory != null;
    }

    /**
     * The key of a module file's facts; null when the cache is disabled.
     *
     * @param path the file's path in the image: its kernel version names the cache file
     */
    Key key(String path, ModuleTrust trust, Compression compression, byte[] file) {
        if (directory == null) {
            return null;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((ModuleFactsPack.FORMAT + "\0" + compression.suffix() + "\0" + trust.digest() + "\0")
                .getBytes(StandardCharsets.UTF_8));
        sha.update(file);
        return new Key(fileName(path, trust), Digest.of(sha.digest()));
    }

    /** {@code <kver>-<first 16 hex of the trust digest>.facts}: a matrix on one kernel reads one file. */
    private static String fileName(String path, ModuleTrust trust) {
        int at = path.indexOf("/modules/");
        String rest = at < 0 ? "" : path.substring(at + "/modules/".length());
        String kver = rest.indexOf('/') < 0 ? "other" : rest.substring(0, rest.indexOf('/'));
        kver = kver.replaceAll("[^A-Za-z0-9._+-]", "_");
        if (kver.startsWith(".") || kver.length() > 100) {
            kver = "other";
        }
        return kver + "-" + trust.digest().substring(0, 16) + SUFFIX;
    }

    Optional<ModuleFacts> get(Key key) {
        Pack pack = pack(key.file());
        Stored stored = pack.entries.get(key.digest());
        if (stored == null) {
            return Optional.empty();
        }
        pack.used.add(key.digest());
        hits.incrementAndGet();
        return Optional.of(stored.facts());
    }

    void put(Key key, ModuleFacts facts) {
        Pack pack = pack(key.file());
        pack.entries.put(key.digest(), new Stored(facts, now));
        pack.used.add(key.digest());
        pack.changed = true;
        added.incrementAndGet();
    }

    public Stats stats() {
        return new Stats(hits.get(), added.get());
    }

    private Pack pack(String file) {
        return packs.computeIfAbsent(file, f -> new Pack(ModuleFactsPack.read(directory.resolve(f))));
    }

    /**
     * Writes the files this run added to, merged with what other runs wrote since they were read, and
     * keeps the cache within its bounds. Never fails: a cache that cannot be written is only slower.
     */
    public void save() {
        if (directory == null) {
            return;
        }
        for (Map.Entry<String, Pack> e : packs.entrySet()) {
            Path file = directory.resolve(e.getKey());
            Pack pack = e.getValue();
            try {
                if (pack.changed) {
                    AtomicFiles.write(file, ModuleFactsPack.write(merged(file, pack)));
                } else if (!pack.used.isEmpty() && Files.isRegularFile(file)) {
                    // Used, unchanged: marked recent, so the bound removes other files first.
                    Files.setLastModifiedTime(file, FileTime.fromMillis(now));
                }
            } catch (IOException | RuntimeException ignored) {
                // Read-only or full disk: the next run reads the modules again.
            }
        }
        evict();
    }

    /** This run's entries, then other runs' most recently used ones, up to the bound. */
    private Map<Digest, Stored> merged(Path file, Pack pack) {
        Map<Digest, Stored> all = ModuleFactsPack.read(file);
        all.putAll(pack.entries);
        List<Map.Entry<Digest, Stored>> order = new ArrayList<>(all.entrySet());
        for (Map.Entry<Digest, Stored> e : order) {
            if (pack.used.contains(e.getKey())) {
                e.setValue(new Stored(e.getValue().facts(), now));
            }
        }
        order.sort(Comparator.comparingLong((Map.Entry<Digest, Stored> e) -> e.getValue().used()).reversed());
        Map<Digest, Stored> out = new HashMap<>();
        for (Map.Entry<Digest, Stored> e : order) {
            if (out.size() == ModuleFactsPack.MAX_ENTRIES) {
                break;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Removes the least recently used files past {@link #MAX_BYTES}, and temporary files left by crashed runs. */
    private void evict() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    files.add(p);
                } else if (name.endsWith(".tmp") && Files.getLastModifiedTime(p).toMillis() < now - 3_600_000) {
                    Files.deleteIfExists(p);
                }
            }
            Map<Path, long[]> stat = new HashMap<>();
            long total = 0;
            for (Path p : files) {
                long[] s = {Files.getLastModifiedTime(p).toMillis(), Files.size(p)};
                stat.put(p, s);
                total += s[1];
            }
            files.sort(Comparator.comparingLong(p -> stat.get(p)[0]));
            for (Path p : files) {
                if (total <= MAX_BYTES) {
                    break;
                }
                if (!packs.containsKey(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                    total -= stat.get(p)[1];
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // No directory yet, or another run removed a file first: nothing to bound.
        }
    }
}
