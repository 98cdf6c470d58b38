package io.nodeimage.inspect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Collects an image's {@link Facts} from its files. Everything is parsed here, in Java; the image runs
 * nothing.
 */
public final class Inspector {

    /** Configuration files are small; anything larger is not what it claims to be. */
    private static final int SMALL_FILE = 1024 * 1024;
    private static final List<String> MODULE_ROOTS = List.of("/usr/lib/modules", "/lib/modules");
    private static final List<String> MODULES_LOAD_DIRS = List.of(
            "/etc/modules-load.d", "/run/modules-load.d", "/usr/local/lib/modules-load.d", "/usr/lib/modules-load.d",
            "/lib/modules-load.d");
    /** At most this much of /etc is kept in memory; larger files are read from the engine when asked for. */
    private static final long ETC_KEPT_BYTES = 64L * 1024 * 1024;
    /** How many leading entries two module roots must share to be one tree seen through a /lib link. */
    private static final int SAME_TREE_PROBE = 64;

    private final ModuleReader moduleReader;
    /**
     * depmod's files modprobe reads, by tree path, then by name: modules.dep (its names for the modules
     * and what each needs), modules.alias (names modules answer to besides their own) and modules.softdep
     * (read as one more configuration file).
     */
    private final Map<String, Map<String, String>> depmodFiles = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Set<String> DEPMOD_FILES = Set.of("modules.dep", "modules.alias", "modules.softdep");
    /** depmod's alias list of a full distribution kernel is a few megabytes. */
    private static final int DEPMOD_FILE = 32 * 1024 * 1024;
    /**
     * Module bytes in flight at most, compressed and expanded together: bounds memory while parsing runs
     * beside reading, whatever the heap and the number of threads. A module takes what it declares it
     * expands to (at most {@link Decompressor#DEFAULT_LIMIT}) before anything is allocated.
     */
    private static final long IN_FLIGHT_BYTES = 128L * 1024 * 1024;

    /**
     * The paths whose file content inspect reads: a source that keeps only what inspect needs (an image
     * read from its layers) keeps these and the headers of everything else. Firmware is read by name only.
     */
    public static Set<String> contentRoots() {
        Set<String> out = new java.util.TreeSet<>(List.of("/etc", "/boot", "/usr/lib/os-release", "/var/lib/dpkg/status",
                "/usr/lib/bootc/kargs.d"));
        out.addAll(MODULE_ROOTS);
        out.addAll(MODULES_LOAD_DIRS);
        out.addAll(ModprobeConfig.DIRECTORIES);
        out.addAll(SysctlConfig.DIRECTORIES);
        out.addAll(RpmPackages.DATABASES);
        return out;
    }

    public Inspector(ModuleReader moduleReader) {
        this.moduleReader = moduleReader;
    }

    public Inspector() {
        this(new ModuleReader());
    }

    /**
     * @param extraPaths paths outside /etc whose metadata a policy asks about
     */
    public Facts inspect(String image, ImageFiles files, String architecture, Set<String> extraPaths)
            throws IOException {
        return inspect(image, files, null, architecture, extraPaths);
    }

    /**
     * As {@link #inspect(String, ImageFiles, String, Set)}, with the module trees read from a second
     * reader of the same image (a second container) while everything else is read from the first. An
     * engine serves one archive request of a container at a time: the small reads would otherwise wait
     * for the trees.
     *
     * @param trees a second reader of the same image; null to read everything from {@code source}
     */
    public Facts inspect(String image, ImageFiles source, ImageFiles trees, String architecture,
                         Set<String> extraPaths) throws IOException {
        // Module parsing runs on a pool and reports here too.
        List<Facts.Finding> findings = java.util.Collections.synchronizedList(new ArrayList<>());
        ImageFiles treeSource = trees != null ? trees : source;
        KeptFiles files = new KeptFiles(source);
        java.util.concurrent.FutureTask<List<Facts.KernelTree>> kernelsRead =
                new java.util.concurrent.FutureTask<>(() -> kernels(treeSource, findings));
        if (trees != null) {
            Thread reader = new Thread(kernelsRead, "nodeimage-module-trees");
            reader.setDaemon(true);
            reader.start();
        }
        try {
            // /etc holds most of what is read below, in many small files: one archive request instead of dozens.
            List<KeptFiles.Kept> etc = files.keep("/etc", SMALL_FILE, ETC_KEPT_BYTES);
            Map<String, String> osRelease = keyValues(files.read("/etc/os-release", SMALL_FILE)
                    .or(() -> readQuietly(files, "/usr/lib/os-release")).orElse(new byte[0]));
            if (trees == null) {
                // One container: the trees in turn, where they always were read.
                kernelsRead.run();
            }
            Map<String, String> modprobeFiles = configFiles(files, ModprobeConfig.DIRECTORIES, findings);
            ModprobeConfig modprobe = ModprobeConfig.of(modprobeFiles);
            List<String> firmware = firmware(files);
            List<List<String>> units = units(files);
            List<String> modulesLoad = modulesLoad(configFiles(files, MODULES_LOAD_DIRS, findings));
            List<Facts.CmdlineSource> cmdline = cmdline(files, findings);
            Map<String, Facts.Setting> sysctl = SysctlConfig.of(configFiles(files, SysctlConfig.DIRECTORIES, findings));
            List<Facts.Package> packages = packages(files, findings);
            List<Facts.FileEntry> fileEntries = fileEntries(files, etc, extraPaths);
            List<Facts.KernelTree> kernels = await(kernelsRead);
            return new Facts(image, files.imageId(), osRelease, architecture, kernels, modprobe.files(),
                    states(kernels, modprobe, depmodFiles), modulesLoad, cmdline, sysctl, packages, units.get(0),
                    units.get(1), firmware, drivers(kernels, firmware), fileEntries, sorted(findings));
        } finally {
            // On any failure here, the tree reader stops too (its stream is an interruptible channel).
            kernelsRead.cancel(true);
        }
    }

    private static List<Facts.KernelTree> await(java.util.concurrent.FutureTask<List<Facts.KernelTree>> trees)
            throws IOException {
        try {
            return trees.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading module trees", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IOException("reading module trees failed: " + e.getCause(), e.getCause());
        }
    }

    private static List<Facts.Finding> sorted(List<Facts.Finding> findings) {
        synchronized (findings) {
            List<Facts.Finding> out = new ArrayList<>(findings);
            out.sort(java.util.Comparator.comparing(Facts.Finding::path).thenComparing(Facts.Finding::message));
            return out;
        }
    }

    private static Optional<byte[]> readQuietly(ImageFiles files, String path) {
        try {
            return files.read(path, SMALL_FILE);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---- file metadata

    /**
     * Paths an engine writes into every container it creates (Docker's init layer: empty hosts, hostname
     * and resolv.conf over the image's, an mtab link, .dockerenv, console): through an engine the image's
     * own entries there cannot be seen, and a node writes its own at boot. Left out of the file facts on
     * every source, so that the facts of one image are the same whatever it is read from.
     */
    static final Set<String> ENGINE_MADE = Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab",
            "/.dockerenv", "/dev/console", "/dev/pts", "/dev/shm");

    private static List<Facts.FileEntry> fileEntries(ImageFiles files, List<KeptFiles.Kept> etc,
                                                     Set<String> extraPaths) throws IOException {
        Map<Long, String> users = ids(etc, "/etc/passwd");
        Map<Long, String> groups = ids(etc, "/etc/group");
        TreeMap<String, Facts.FileEntry> out = new TreeMap<>();
        for (KeptFiles.Kept k : etc) {
            if (!ENGINE_MADE.contains(k.path())) {
                out.put(k.path(), entry(k.path(), k.entry(), users, groups));
            }
        }
        for (String path : new TreeSet<>(extraPaths)) {
            if (out.containsKey(path) || ENGINE_MADE.contains(path) || path.equals("/etc") || path.startsWith("/etc/")) {
                continue;
            }
            files.stat(path).ifPresent(e -> out.put(path, entry(path, e, users, groups)));
        }
        return new ArrayList<>(out.values());
    }

    private static Facts.FileEntry entry(String path, TarArchiveEntry e, Map<Long, String> users, Map<Long, String> groups) {
        String type = e.isSymbolicLink() ? "link" : e.isDirectory() ? "directory" : e.isFile() ? "file" : "other";
        String mode = String.format("%04o", e.getMode() & 07777);
        return new Facts.FileEntry(path, type, mode, e.getLongUserId(), e.getLongGroupId(),
                users.getOrDefault(e.getLongUserId(), Long.toString(e.getLongUserId())),
                groups.getOrDefault(e.getLongGroupId(), Long.toString(e.getLongGroupId())),
                e.isFile() ? e.getSize() : 0, e.isSymbolicLink() ? e.getLinkName() : null);
    }

    /** Number to name from a passwd or group file (name:x:number:...); the first name for a number wins. */
    static Map<Long, String> ids(List<KeptFiles.Kept> etc, String path) {
        Map<Long, String> out = new HashMap<>();
        etc.stream().filter(k -> k.path().equals(path) && k.content() != null).findFirst().ifPresent(k -> {
            for (String line : new String(k.content(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[2].matches("[0-9]{1,10}")) {
                    out.putIfAbsent(Long.parseLong(f[2]), f[0]);
                }
            }
        });
        return out;
    }

    // ---- kernels and modules

    private List<Facts.KernelTree> kernels(ImageFiles files, List<Facts.Finding> findings) throws IOException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nodeimage-module-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            // /boot first: module signatures are verified against the kernels' own keys as they stream by.
            Boot boot = boot(files, findings);
            List<java.security.cert.X509Certificate> all = new ArrayList<>();
            boot.keys().values().forEach(all::addAll);
            return kernels(files, findings, new Parser(pool, moduleReader.trusting(all)), boot);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Parses module files on a pool while the tar stream is read, with the bytes in flight bounded. */
    private final class Parser {
        private final java.util.concurrent.ExecutorService pool;
        private final java.util.concurrent.Semaphore budget =
                new java.util.concurrent.Semaphore((int) (IN_FLIGHT_BYTES / 1024));
        private final List<java.util.concurrent.Future<?>> pending = new ArrayList<>();

        private final ModuleReader reader;

        Parser(java.util.concurrent.ExecutorService pool, ModuleReader reader) {
            this.pool = pool;
            this.reader = reader;
        }

        void submit(String path, byte[] data, TreeBuilder tree, List<Facts.Finding> findings) throws IOException {
            Compression compression = Compression.ofFileName(path);
            long declared = compression == null || compression == Compression.NONE ? 0
                    : Decompressor.declaredSize(data, compression);
            // Undeclared sizes may grow to the limit; a size past it is refused before any allocation.
            long expanded = declared < 0 || declared > Decompressor.DEFAULT_LIMIT ? Decompressor.DEFAULT_LIMIT : declared;
            long need = data.length + (declared > Decompressor.DEFAULT_LIMIT ? 0 : expanded);
            int permits = (int) Math.min(IN_FLIGHT_BYTES / 1024, Math.max(1, need / 1024 + 1));
            try {
                budget.acquire(permits);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading modules", e);
            }
            pending.add(pool.submit(() -> {
                try {
                    KernelModule m = reader.read(path, data, declared);
                    synchronized (tree) {
                        tree.modules.add(m);
                    }
                } catch (ModuleFormatException e) {
                    synchronized (findings) {
                        findings.add(new Facts.Finding(path, e.getMessage()));
                    }
                } finally {
                    budget.release(permits);
                }
            }));
        }

        void await() throws IOException {
            for (java.util.concurrent.Future<?> f : pending) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading modules", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        // Out of memory or worse: a bug of nodeimage's, never a problem of the engine or image.
                        throw error;
                    }
                    throw new IOException("reading a module failed: " + e.getCause(), e.getCause());
                }
            }
            pending.clear();
        }
    }

    private List<Facts.KernelTree> kernels(ImageFiles files, List<Facts.Finding> findings, Parser parser, Boot boot)
            throws IOException {
        Map<String, TreeBuilder> byPath = new LinkedHashMap<>();
        List<String> firstRootListing = null;
        for (String root : MODULE_ROOTS) {
            List<String> listing = new ArrayList<>();
            boolean[] link = new boolean[1];
            boolean[] sameAsFirst = new boolean[1];
            List<String> compareWith = firstRootListing;
            try {
                files.walk(root, (path, entry, in) -> {
                    if (path.equals(root)) {
                        if (entry.isSymbolicLink()) {
                            link[0] = true;
                            findings.add(new Facts.Finding(root, "is a link to " + entry.getLinkName()
                                    + "; module trees behind it are not read"));
                        }
                        return;
                    }
                    String relative = path.substring(root.length());
                    if (compareWith != null && listing.size() < SAME_TREE_PROBE) {
                        listing.add(relative + " " + entry.getSize());
                        if (listing.size() == Math.min(SAME_TREE_PROBE, compareWith.size())
                                && compareWith.subList(0, listing.size()).equals(listing)) {
                            sameAsFirst[0] = true;
                            throw new SameTree();
                        }
                    } else if (compareWith == null && listing.size() < SAME_TREE_PROBE) {
                        listing.add(relative + " " + entry.getSize());
                    }
                    visitModuleEntry(root, path, entry, in, byPath, findings, parser);
                });
                parser.await();
            } catch (SameTree e) {
                // The second root is the first one seen through a link (merged /usr): read once.
                parser.await();
            }
            if (sameAsFirst[0]) {
                for (TreeBuilder t : byPath.values()) {
                    if (t.path.startsWith(MODULE_ROOTS.get(0) + "/")) {
                        t.aliases.add(root + t.path.substring(MODULE_ROOTS.get(0).length()));
                    }
                }
                // Entries read before the match was certain belong to the alias: drop them, and what they found.
                byPath.keySet().removeIf(p -> p.startsWith(root + "/"));
                synchronized (findings) {
                    findings.removeIf(f -> f.path().startsWith(root + "/"));
                }
            }
            if (firstRootListing == null && !link[0]) {
                firstRootListing = listing;
            }
        }
        List<Facts.KernelTree> out = new ArrayList<>();
        for (TreeBuilder t : byPath.values()) {
            if (!t.looksLikeTree) {
                continue;
            }
            t.modules.sort((a, b) -> a.path().compareTo(b.path()));
            // /boot's config, read in the same walk as the kernel image; a link there is followed here.
            byte[] configFile = boot.configs().get(t.version);
            Optional<byte[]> config = configFile != null ? Optional.of(configFile)
                    : readQuietly(files, "/boot/config-" + t.version);
            List<java.security.cert.X509Certificate> keys = boot.keys().get(t.version);
            out.add(new Facts.KernelTree(t.version, t.path, List.copyOf(t.aliases), List.copyOf(t.modules),
                    List.copyOf(t.builtin),
                    config.map(b -> kernelConfig(new String(b, StandardCharsets.UTF_8))).orElse(Map.copyOf(t.config)),
                    keys == null ? null : KernelKeys.keys(keys)));
        }
        return out;
    }

    /** A kernel image is a few to tens of megabytes; a bigger file under /boot is not one. */
    private static final long KERNEL_IMAGE_LIMIT = 128L * 1024 * 1024;

    /** What /boot says of each kernel version: its image's built-in keys and its config file. */
    private record Boot(Map<String, List<java.security.cert.X509Certificate>> keys, Map<String, byte[]> configs) {
    }

    /**
     * One walk of /boot: the built-in keys of each kernel image ({@code vmlinuz-<version>}) and each
     * {@code config-<version>}, by version. An image that cannot be read is a finding, and its kernel's keys
     * stay unknown.
     */
    private static Boot boot(ImageFiles files, List<Facts.Finding> findings) throws IOException {
        Map<String, List<java.security.cert.X509Certificate>> out = new java.util.TreeMap<>();
        Map<String, byte[]> configs = new java.util.TreeMap<>();
        files.walk("/boot", (path, entry, in) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!path.equals("/boot/" + name) || !entry.isFile()) {
                return;
            }
            if (name.startsWith("config-") && entry.getSize() <= SMALL_FILE) {
                configs.put(name.substring("config-".length()), in.readNBytes((int) entry.getSize()));
                return;
            }
            if (!name.startsWith("vmlinuz-")) {
                return;
            }
            if (entry.getSize() > KERNEL_IMAGE_LIMIT) {
                synchronized (findings) {
                    findings.add(new Facts.Finding(path, "is larger than " + KERNEL_IMAGE_LIMIT + " bytes: not read as a kernel"));
                }
                return;
            }
            try {
                out.put(name.substring("vmlinuz-".length()), KernelKeys.certificates(in.readNBytes((int) entry.getSize())));
            } catch (ModuleFormatException e) {
                synchronized (findings) {
                    findings.add(new Facts.Finding(path, "its built-in keys cannot be read: " + e.getMessage()));
                }
            }
        });
        return new Boot(out, configs);
    }

    private static final class SameTree extends RuntimeException {
        SameTree() {
            super(null, null, false, false);
        }
    }

    private static final class TreeBuilder {
        final String version;
        final String path;
        final List<String> aliases = new ArrayList<>();
        final List<KernelModule> modules = new ArrayList<>();
        final List<String> builtin = new ArrayList<>();
        final Map<String, String> config = new HashMap<>();
        /** Whether the folder looks like a module tree at all (kernel/, modules.*, or a module file). */
        boolean looksLikeTree;

        TreeBuilder(String version, String path) {
            this.version = version;
            this.path = path;
        }
    }

    private void visitModuleEntry(String root, String path, TarArchiveEntry entry, java.io.InputStream in,
                                  Map<String, TreeBuilder> byPath, List<Facts.Finding> findings, Parser parser)
            throws IOException {
        String relative = path.substring(root.length() + 1);
        int slash = relative.indexOf('/');
        String version = slash < 0 ? relative : relative.substring(0, slash);
        String treePath = root + "/" + version;
        if (slash < 0) {
            if (entry.isDirectory()) {
                byPath.putIfAbsent(treePath, new TreeBuilder(version, treePath));
            } else if (entry.isSymbolicLink()) {
                findings.add(new Facts.Finding(path, "is a link to " + entry.getLinkName() + "; not read as a module tree"));
            }
            return;
        }
        TreeBuilder tree = byPath.computeIfAbsent(treePath, p -> new TreeBuilder(version, p));
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (relative.equals(version + "/kernel") || name.startsWith("modules.") || Compression.ofFileName(name) != null) {
            tree.looksLikeTree = true;
        }
        if (entry.isSymbolicLink()) {
            if (Compression.ofFileName(name) != null) {
                findings.add(new Facts.Finding(path, "module file is a link to " + entry.getLinkName() + "; not read"));
            }
            return;
        }
        if (!entry.isFile()) {
            return;
        }
        if (relative.equals(version + "/" + name) && DEPMOD_FILES.contains(name)) {
            if (entry.getSize() <= DEPMOD_FILE) {
                depmodFiles.computeIfAbsent(treePath, p -> new java.util.concurrent.ConcurrentHashMap<>())
                        .put(name, new String(in.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8));
            } else {
                findings.add(new Facts.Finding(path, "of " + entry.getSize() + " bytes, more than " + DEPMOD_FILE
                        + "; not read"));
            }
            return;
        }
        if (relative.equals(version + "/modules.builtin")) {
            if (entry.getSize() <= SMALL_FILE) {
                for (String line : new String(in.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        String file = line.substring(line.lastIndexOf('/') + 1);
                        tree.builtin.add(file.replaceAll("\\.ko$", "").replace('-', '_'));
                    }
                }
            }
            return;
        }
        if (Compression.ofFileName(name) == null) {
            return;
        }
        if (entry.getSize() > Decompressor.DEFAULT_LIMIT) {
            findings.add(new Facts.Finding(path, "module file of " + entry.getSize() + " bytes; not read"));
            return;
        }
        parser.submit(path, in.readNBytes((int) entry.getSize()), tree, findings);
    }

    static Map<String, String> kernelConfig(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                out.put(line.substring(0, eq), line.substring(eq + 1));
            } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                out.put(line.substring(2, line.length() - " is not set".length()), "n");
            }
        }
        return out;
    }

    // ---- modprobe verdicts

    /**
     * Each module's state per kernel, as {@code modprobe NAME} would leave it (see {@link ModuleLoading}):
     * every module of the tree, every built-in one, and every name the configuration mentions.
     */
    static List<Facts.ModuleState> states(List<Facts.KernelTree> kernels, ModprobeConfig modprobe,
                                          Map<String, Map<String, String>> depmodFiles) {
        List<Facts.ModuleState> out = new ArrayList<>();
        Set<String> mentioned = new TreeSet<>();
        for (ModprobeConfig.Command c : modprobe.commands()) {
            if (!c.keyword().equals("alias") && !c.module().matches(".*[*?\\[].*")) {
                mentioned.add(c.module());
            }
        }
        for (Facts.KernelTree k : kernels) {
            Map<String, String> depmod = depmodFiles.getOrDefault(k.path(), Map.of());
            ModprobeConfig config = modprobe.withTreeSoftdeps(k.path(), depmod.get("modules.softdep"));
            Map<String, KernelModule> tree = new LinkedHashMap<>();
            k.modules().forEach(m -> tree.put(m.path(), m));
            Set<String> builtin = new LinkedHashSet<>(k.builtin());
            Set<String> names = new TreeSet<>(mentioned);
            k.modules().forEach(m -> names.add(m.canonicalName()));
            names.addAll(builtin);
            ModuleLoading loading = new ModuleLoading(config, tree, builtin,
                    ModuleLoading.TreeAliases.parse(depmod.get("modules.alias")), depmod.get("modules.dep"));
            names.addAll(loading.modprobeNames());
            for (String name : names) {
                ModuleLoading.Verdict v = loading.judge(name);
                out.add(new Facts.ModuleState(name, k.version(), v.state(), config.blacklisted(name),
                        v.install() == null ? null : v.install().rest(),
                        v.install() == null ? null : v.install().file() + ":" + v.install().line(), config.options(name),
                        config.softdep(name).orElse(null), v.reason(), null, config.optionSources(name)));
            }
        }
        return out;
    }

    // ---- configuration directories

    /** Regular files (and links, followed inside the image) directly in each directory, by path. */
    private static Map<String, String> configFiles(ImageFiles files, List<String> dirs, List<Facts.Finding> findings)
            throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String dir : dirs) {
            Map<String, String> links = new TreeMap<>();
            files.walk(dir, (path, entry, in) -> {
                if (path.equals(dir) || path.indexOf('/', dir.length() + 1) >= 0) {
                    return;
                }
                if (entry.isSymbolicLink()) {
                    links.put(path, entry.getLinkName());
                } else if (entry.isFile() && entry.getSize() <= SMALL_FILE) {
                    out.put(path, new String(in.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8));
                }
            });
            for (Map.Entry<String, String> link : links.entrySet()) {
                String target = ImageFiles.resolveLink(link.getKey(), link.getValue());
                if (target.equals("/dev/null")) {
                    out.put(link.getKey(), "");
                } else {
                    Optional<byte[]> content = files.read(target, SMALL_FILE);
                    if (content.isPresent()) {
                        out.put(link.getKey(), new String(content.get(), StandardCharsets.UTF_8));
                    } else {
                        findings.add(new Facts.Finding(link.getKey(), "links to " + link.getValue()
                                + ", which is not a readable file in the image"));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> modulesLoad(Map<String, String> files) {
        List<String> out = new ArrayList<>();
        for (String path : ConfigDirectories.effective(files, MODULES_LOAD_DIRS)) {
            for (String line : files.get(path).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith(";")) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** systemd-sysctl: files masked by name across directories, read in name order, later settings win. */
    // ---- kernel command line, packages, units, firmware, drivers

    private static List<Facts.CmdlineSource> cmdline(ImageFiles files, List<Facts.Finding> findings) throws IOException {
        List<Facts.CmdlineSource> out = new ArrayList<>();
        for (String path : List.of("/etc/default/grub", "/etc/kernel/cmdline")) {
            readQuietly(files, path).ifPresent(b -> out.add(new Facts.CmdlineSource(path, new String(b, StandardCharsets.UTF_8))));
        }
        for (String dir : List.of("/etc/default/grub.d", "/usr/lib/bootc/kargs.d")) {
            configFiles(files, List.of(dir), findings).forEach((p, text) -> out.add(new Facts.CmdlineSource(p, text)));
        }
        return out;
    }

    private static List<Facts.Package> packages(ImageFiles files, List<Facts.Finding> findings) throws IOException {
        List<Facts.Package> out = dpkgPackages(files);
        out.addAll(RpmPackages.read(files, findings));
        out.sort(java.util.Comparator.comparing(Facts.Package::name).thenComparing(Facts.Package::version));
        return out;
    }

    private static List<Facts.Package> dpkgPackages(ImageFiles files) {
        Optional<byte[]> status = Optional.empty();
        try {
            status = files.read("/var/lib/dpkg/status", 64 * 1024 * 1024);
        } catch (IOException e) {
            // No dpkg database: not a Debian or Ubuntu image.
        }
        List<Facts.Package> out = new ArrayList<>();
        if (status.isEmpty()) {
            return out;
        }
        for (String stanza : new String(status.get(), StandardCharsets.UTF_8).split("\n\n")) {
            Map<String, String> fields = new HashMap<>();
            for (String line : stanza.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith(" ")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            if ("install ok installed".equals(fields.get("Status"))) {
                out.add(new Facts.Package(fields.get("Package"), fields.get("Version"), fields.get("Architecture")));
            }
        }
        return out;
    }

    /** Enabled units (links in *.wants and *.requires) and masked ones (links to /dev/null), in one pass. */
    private static List<List<String>> units(ImageFiles files) throws IOException {
        TreeSet<String> enabled = new TreeSet<>();
        TreeSet<String> masked = new TreeSet<>();
        files.walk("/etc/systemd/system", (path, entry, in) -> {
            if (!entry.isSymbolicLink()) {
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            String parent = path.substring(0, path.lastIndexOf('/'));
            if (entry.getLinkName().equals("/dev/null")) {
                if (parent.equals("/etc/systemd/system")) {
                    masked.add(name);
                }
            } else if (parent.endsWith(".wants") || parent.endsWith(".requires")) {
                enabled.add(name);
            }
        });
        return List.of(new ArrayList<>(enabled), new ArrayList<>(masked));
    }

    /**
     * Firmware file names. Merged-/usr images show one tree at both paths, and the archive API sends
     * every byte of it: read /usr/lib/firmware, and /lib/firmware only where the former is absent.
     */
    private static List<String> firmware(ImageFiles files) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        ImageFiles.Visitor names = (path, entry, in) -> {
            if (entry.isFile() || entry.isSymbolicLink()) {
                out.add(path);
            }
        };
        if (!files.walk("/usr/lib/firmware", names)) {
            files.walk("/lib/firmware", names);
        }
        return new ArrayList<>(out);
    }

    /** Driver facts from the modules: NVIDIA's license says the flavour (open modules are Dual MIT/GPL). */
    static List<Facts.Driver> drivers(List<Facts.KernelTree> kernels, List<String> firmware) {
        List<Facts.Driver> out = new ArrayList<>();
        for (Facts.KernelTree k : kernels) {
            for (KernelModule m : k.modules()) {
                if (m.name().equals("nvidia")) {
                    String version = m.version();
                    String branch = version == null ? null : version.split("\\.")[0];
                    String flavor = "NVIDIA".equals(m.license()) ? "proprietary" : "open";
                    boolean gsp = version != null && firmware.stream().anyMatch(f -> f.contains("/nvidia/" + version + "/gsp"));
                    out.add(new Facts.Driver("nvidia", m.path(), k.version(), version, branch, flavor, gsp));
                } else if (m.name().equals("amdgpu")) {
                    out.add(new Facts.Driver("amd", m.path(), k.version(), m.version(), null,
                            m.path().contains("/updates/") || m.path().contains("/extra/") ? "dkms" : "inbox", false));
                }
            }
        }
        return out;
    }

    /** os-release's KEY=value lines, quotes removed (also what a running node's os-release is read with). */
    public static Map<String, String> keyValues(byte[] text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(line.substring(0, eq).strip(), value);
            }
        }
        return out;
    }
}
