package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.support.KernelTree;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module facts cache gives what reading the bytes gives, and is only ever a shortcut. */
class ModuleFactsCacheTest {

    /** Each module of the real tree, at its path as an image holds it, with its bytes: plain and zstd. */
    private static Map<String, byte[]> modules;
    /** How many of them are compressed: uncompressed ones are kept only when signatures are verified. */
    private static int compressed;

    @TempDir
    Path cacheDir;

    @BeforeAll
    static void tree() throws Exception {
        Path tree = KernelTree.modules();
        String prefix = "/usr/lib/modules/" + tree.getFileName();
        modules = new LinkedHashMap<>();
        List<Path> files = KernelTree.moduleFiles(tree);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            String path = prefix + "/" + tree.relativize(f);
            byte[] bytes = Files.readAllBytes(f);
            modules.put(path, bytes);
            if (i % 10 == 0) {
                modules.put(path + ".zst", com.github.luben.zstd.Zstd.compress(bytes, 3));
                compressed++;
            }
        }
    }

    /** facts.json of an image holding just these modules, read by {@code reader}. */
    private static String factsJson(ModuleReader reader) throws Exception {
        List<KernelModule> read = new ArrayList<>();
        for (Map.Entry<String, byte[]> m : modules.entrySet()) {
            read.add(reader.read(m.getKey(), m.getValue()));
        }
        Facts.KernelTree tree = new Facts.KernelTree("6.1.0", "/usr/lib/modules/6.1.0", List.of(), read, List.of(),
                Map.of());
        return FactsJson.write(new Facts("bench", "sha256:0", Map.of(), "amd64", List.of(tree), List.of(), List.of(),
                List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of()));
    }

    @Test
    void factsAreByteIdenticalWithoutCacheOnFirstRunAndFromCache() throws Exception {
        String uncached = factsJson(new ModuleReader(ModuleTrust.NONE));

        ModuleFactsCache first = ModuleFactsCache.in(cacheDir);
        assertThat(factsJson(new ModuleReader(ModuleTrust.NONE, first))).isEqualTo(uncached);
        first.save();
        assertThat(first.stats()).isEqualTo(new ModuleFactsCache.Stats(0, compressed));

        ModuleFactsCache second = ModuleFactsCache.in(cacheDir);
        assertThat(factsJson(new ModuleReader(ModuleTrust.NONE, second))).isEqualTo(uncached);
        assertThat(second.stats()).isEqualTo(new ModuleFactsCache.Stats(compressed, 0));
    }

    @Test
    void verifiedFactsOfEveryModuleAreByteIdenticalFromCache() throws Exception {
        ModuleTrust trust = new ModuleTrust(List.of(certificate()));
        String uncached = factsJson(new ModuleReader(trust));
        assertThat(uncached).contains("\"verification\"");
        ModuleFactsCache first = ModuleFactsCache.in(cacheDir);
        assertThat(factsJson(new ModuleReader(trust, first))).isEqualTo(uncached);
        first.save();
        ModuleFactsCache second = ModuleFactsCache.in(cacheDir);
        assertThat(factsJson(new ModuleReader(trust, second))).isEqualTo(uncached);
        assertThat(second.stats()).isEqualTo(new ModuleFactsCache.Stats(modules.size(), 0));
    }

    @Test
    void damagedCacheFilesAreReadAsEmptyAndWrittenAnew() throws Exception {
        String uncached = factsJson(new ModuleReader(ModuleTrust.NONE));
        ModuleFactsCache fill = ModuleFactsCache.in(cacheDir);
        factsJson(new ModuleReader(ModuleTrust.NONE, fill));
        fill.save();
        Path file = onlyCacheFile();
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x20;
        for (byte[] damaged : List.of(java.util.Arrays.copyOf(good, good.length / 2), flipped, new byte[0],
                "not a cache".getBytes())) {
            Files.write(file, damaged);
            ModuleFactsCache cache = ModuleFactsCache.in(cacheDir);
            assertThat(factsJson(new ModuleReader(ModuleTrust.NONE, cache))).isEqualTo(uncached);
            assertThat(cache.stats().hits()).isZero();
            cache.save();
            ModuleFactsCache after = ModuleFactsCache.in(cacheDir);
            assertThat(factsJson(new ModuleReader(ModuleTrust.NONE, after))).isEqualTo(uncached);
            assertThat(after.stats().hits()).isEqualTo(compressed);
        }
    }

    @Test
    void factsVerifiedAgainstOtherCertificatesAreNotTaken() throws Exception {
        ModuleFactsCache fill = ModuleFactsCache.in(cacheDir);
        factsJson(new ModuleReader(ModuleTrust.NONE, fill));
        fill.save();

        ModuleTrust trust = new ModuleTrust(List.of(certificate()));
        assertThat(trust.digest()).isNotEqualTo(ModuleTrust.NONE.digest());
        ModuleFactsCache cache = ModuleFactsCache.in(cacheDir);
        Map.Entry<String, byte[]> one = modules.entrySet().stream().filter(e -> e.getKey().endsWith(".zst"))
                .findFirst().orElseThrow();
        KernelModule m = new ModuleReader(trust, cache).read(one.getKey(), one.getValue());
        assertThat(cache.stats().hits()).isZero();
        assertThat(m.signature().orElseThrow().verification().status()).isEqualTo(ModuleSignature.Status.UNKNOWN_KEY);
        assertThat(new ModuleReader(trust).read(one.getKey(), one.getValue())).isEqualTo(m);
    }

    @Test
    void modulesThatFailToReadAreNotKeptAndFailAgain() throws Exception {
        ModuleFactsCache cache = ModuleFactsCache.in(cacheDir);
        // 64 MiB of zeros declare more than the reader's limit.
        byte[] bomb = com.github.luben.zstd.Zstd.compress(new byte[64 * 1024 * 1024], 3);
        for (int run = 0; run < 2; run++) {
            assertThatThrownBy(() -> new ModuleReader(8 * 1024 * 1024, ModuleTrust.NONE, cache)
                    .read("/usr/lib/modules/6.1.0/bomb.ko.zst", bomb))
                    .isInstanceOf(ModuleFormatException.class).hasMessageContaining("decompression bomb");
        }
        assertThat(cache.stats()).isEqualTo(new ModuleFactsCache.Stats(0, 0));
    }

    @Test
    void runsSavingOneAfterTheOtherKeepEachOthersEntries() throws Exception {
        List<Map.Entry<String, byte[]>> all = modules.entrySet().stream().filter(e -> e.getKey().endsWith(".zst"))
                .toList();
        ModuleFactsCache a = ModuleFactsCache.in(cacheDir);
        ModuleFactsCache b = ModuleFactsCache.in(cacheDir);
        // Both look before either saves, as two runs of a matrix started together.
        new ModuleReader(ModuleTrust.NONE, a).read(all.get(0).getKey(), all.get(0).getValue());
        new ModuleReader(ModuleTrust.NONE, b).read(all.get(1).getKey(), all.get(1).getValue());
        a.save();
        b.save();
        ModuleFactsCache c = ModuleFactsCache.in(cacheDir);
        new ModuleReader(ModuleTrust.NONE, c).read(all.get(0).getKey(), all.get(0).getValue());
        new ModuleReader(ModuleTrust.NONE, c).read(all.get(1).getKey(), all.get(1).getValue());
        assertThat(c.stats().hits()).isEqualTo(2);
    }

    @Test
    void everyFieldSurvivesTheFileIncludingAbsentOnes() {
        ModuleFacts withAll = new ModuleFacts(null, "1.0", "GPL", "6.1.0 SMP", "ABC", List.of("a", "b"),
                List.of("fw.bin"), Optional.of(new ModuleSignature("Debian", "AB:CD", "sha256",
                new ModuleSignature.Verification(ModuleSignature.Status.INVALID, "00ff", "Debian Secure Boot"))));
        ModuleFacts bare = new ModuleFacts("x", null, null, null, null, List.of(), List.of(),
                Optional.of(new ModuleSignature("", "01", "sha512")));
        Map<ModuleFactsPack.Digest, ModuleFactsPack.Stored> entries = Map.of(
                new ModuleFactsPack.Digest(1, 2, 3, 4), new ModuleFactsPack.Stored(withAll, 5),
                new ModuleFactsPack.Digest(5, 6, 7, 8), new ModuleFactsPack.Stored(bare, 6));
        Path file = cacheDir.resolve("x.facts");
        io.nodeimage.AtomicFiles.write(file, ModuleFactsPack.write(entries));
        assertThat(ModuleFactsPack.read(file)).isEqualTo(entries);
        assertThat(withAll.at("/lib/modules/6.1.0/kernel/my-mod.ko.xz", Compression.XZ).name()).isEqualTo("my_mod");
    }

    private Path onlyCacheFile() throws Exception {
        try (Stream<Path> files = Files.list(cacheDir)) {
            List<Path> found = files.filter(p -> p.toString().endsWith(".facts")).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private static X509Certificate certificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Not the key that signed these modules");
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(0), new Date(4_000_000_000_000L),
                name, keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
