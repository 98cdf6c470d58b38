package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.KernelTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** modules.alias lookups through the prefix index give what trying every pattern in order gives. */
class TreeAliasesTest {

    @Test
    void indexedLookupMatchesTryingEveryPatternInOrder() throws Exception {
        // modules.alias as depmod writes it: each module's alias fields, from the real tree.
        StringBuilder file = new StringBuilder();
        TreeSet<String> names = new TreeSet<>(List.of("", "-", "x", "fs-ext4", "crypto-crc32c", "char-major-10-229",
                "pci:v00008086d00001533sv00008086sd00000001bc02sc00i00", "usb:v0BDAp8153d3000dc00dsc00dp00icFFisc00ip00in00",
                "acpi*:PNP0C0A:*", "a\\b", "[x]"));
        for (Path f : KernelTree.moduleFiles(KernelTree.modules())) {
            byte[] bytes = Files.readAllBytes(f);
            ModuleSignature.Split split = ModuleSignature.split(bytes);
            Map<String, List<String>> info = ElfModinfo.read(split.data(), split.length());
            String module = info.get("name").get(0);
            names.add(module);
            for (String alias : info.getOrDefault("alias", List.of())) {
                file.append("alias ").append(alias).append(' ').append(module).append('\n');
                // The literal text of a pattern, and the pattern cut at its first wildcard, as names.
                names.add(ModprobeConfig.underscores(alias));
                names.add(ModprobeConfig.underscores(alias.replaceAll("[*?\\[].*", "")));
            }
        }
        file.append("alias a\\b escaped\nalias [x] bracket\nalias * everything\nalias f?-ext4 late_fs\n");

        List<String[]> all = new ArrayList<>();
        for (String line : file.toString().split("\n")) {
            String[] w = line.split(" ");
            all.add(new String[] {ModprobeConfig.underscores(w[1]), ModprobeConfig.underscores(w[2])});
        }
        assertThat(all).hasSizeGreaterThan(1000);
        ModuleLoading.TreeAliases aliases = ModuleLoading.TreeAliases.parse(file.toString());
        int matched = 0;
        // Every pattern against every fifth name: the reference tries them all, which takes its time.
        List<String> sample = new ArrayList<>();
        int i = 0;
        for (String name : names) {
            if (i++ % 5 == 0 || name.length() < 6) {
                sample.add(name);
            }
        }
        for (String name : sample) {
            List<String> expected = everyPattern(all, name);
            assertThat(aliases.lookup(name)).as(name).isEqualTo(expected);
            matched += expected.size() > 1 ? 1 : 0;
        }
        assertThat(matched).as("names that more than the catch-all matches").isGreaterThan(20);
    }

    /** What modprobe does: exact aliases first, then every pattern in the file's order. */
    private static List<String> everyPattern(List<String[]> all, String name) {
        List<String> out = new ArrayList<>();
        for (String[] a : all) {
            if (!a[0].matches(".*[*?\\[].*") && a[0].equals(name)) {
                out.add(a[1]);
            }
        }
        for (String[] a : all) {
            if (a[0].matches(".*[*?\\[].*") && ModprobeConfig.glob(a[0], name)) {
                out.add(a[1]);
            }
        }
        return out;
    }
}
