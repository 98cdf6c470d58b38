package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version orders proven against the real tools, on hand-picked tricky pairs and on generated ones:
 * dpkg's by {@code dpkg --compare-versions}, rpm's by rpm 4.18's {@code rpm.vercmp} (its Lua binding of
 * rpmverCmp over epoch, version and release). Any disagreement names the pair and both answers.
 */
class VersionOrderTest {

    /** The seed that always runs; -Dnodeimage.differential.seed=N explores others locally. */
    static final long SEED = Long.getLong("nodeimage.differential.seed", 20261127L);
    /** A few hundred in CI; -Dnodeimage.differential.versions=20000 runs more locally. */
    static final int GENERATED = Integer.getInteger("nodeimage.differential.versions", 400);

    static final List<String[]> DEBIAN_PAIRS = List.of(
            new String[] {"1.0", "1.0"}, new String[] {"1.0~rc1", "1.0"}, new String[] {"1.0", "1.0+b1"},
            new String[] {"1:1.0", "2.0"}, new String[] {"2.0-1", "2.0-1ubuntu1"}, new String[] {"2.0-10", "2.0-9"},
            new String[] {"535.183.01-1", "580.95.05-1"}, new String[] {"1.0a", "1.0"}, new String[] {"1.0.0", "1.0"},
            new String[] {"0.9~~", "0.9~"}, new String[] {"4.0.2-3", "2:4.0.2-3"}, new String[] {"1.2.3-1+deb12u1", "1.2.3-1"},
            new String[] {"10", "9"}, new String[] {"1.01", "1.1"}, new String[] {"1.0-1~bpo12+1", "1.0-1"},
            new String[] {"1.0-10", "1.0.1-1"}, new String[] {"0:1.0", "1.0"}, new String[] {"1.0-0", "1.0"},
            new String[] {"99999999999999999999", "100000000000000000000"}, new String[] {"1.0+~", "1.0+"});

    static final List<String[]> RPM_PAIRS = List.of(
            new String[] {"3:580.95.05-1.el9", "570"}, new String[] {"1:1.0-1", "2.0-1"},
            new String[] {"1.0-10", "1.0.1-1"}, new String[] {"1.0^git1", "1.0^git2"}, new String[] {"1.0^git2", "1.0^git1"},
            new String[] {"1.0^", "1.0"}, new String[] {"1.0~rc1", "1.0"}, new String[] {"1.0~rc1^git1", "1.0~rc1"},
            new String[] {"1.0", "1.0-1"}, new String[] {"0:1.0", "1.0"}, new String[] {":1.0", "1.0"},
            new String[] {"1.0a", "1.0"}, new String[] {"a", "1"}, new String[] {"1.01", "1.1"}, new String[] {"1.0.0", "1.0"},
            new String[] {"2.0.1", "2.0"}, new String[] {"10", "9"}, new String[] {"1_0", "1.0"}, new String[] {"1..0", "1.0"},
            new String[] {"580.95.05-1.el9_4", "580.95.05-1.el9"}, new String[] {"00", "0"}, new String[] {"1.0~", "1.0"},
            new String[] {"99999999999999999999", "100000000000000000000"}, new String[] {"1.0-1.el9", "1.0-1.el10"});

    @TempDir
    Path dir;

    @Test
    void debianOrderingAgreesWithDpkgOnTrickyAndGeneratedVersions() throws Exception {
        List<String[]> pairs = new ArrayList<>(DEBIAN_PAIRS);
        pairs.addAll(generated(SEED, GENERATED, false));
        assertThat(disagreements(pairs, VersionOrder.Scheme.DPKG, dpkg(pairs), "dpkg")).as("seed " + SEED).isEmpty();
    }

    @Test
    void rpmOrderingAgreesWithRpmOnTrickyAndGeneratedVersions() throws Exception {
        List<String[]> pairs = new ArrayList<>(RPM_PAIRS);
        pairs.addAll(generated(SEED, GENERATED, true));
        assertThat(disagreements(pairs, VersionOrder.Scheme.RPM, rpm(pairs), "rpm")).as("seed " + SEED).isEmpty();
    }

    /** Each pair the tool orders otherwise, with both answers. */
    private static List<String> disagreements(List<String[]> pairs, VersionOrder.Scheme order, List<Integer> tool,
                                              String toolName) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            int ours = Integer.signum(order.compare(pairs.get(i)[0], pairs.get(i)[1]));
            if (ours != tool.get(i)) {
                out.add(pairs.get(i)[0] + " vs " + pairs.get(i)[1] + ": nodeimage " + ours + ", " + toolName + " " + tool.get(i));
            }
        }
        return out;
    }

    @Test
    void aBoundEndingInAStarIsAPrefixAsAptAndDnfPinsAre() {
        VersionOrder.Scheme dpkg = VersionOrder.Scheme.DPKG;
        assertThat(VersionOrder.satisfies("2:4.0.2-3", "=2:4.0.2*", dpkg)).isTrue();
        // A glob over the text, as apt's: 4.0.20 starts with 4.0.2 too.
        assertThat(VersionOrder.satisfies("2:4.0.20-1", "=2:4.0.2*", dpkg)).isTrue();
        assertThat(VersionOrder.satisfies("2:3.3.17-7", "=2:4.0.2*", dpkg)).isFalse();
        assertThat(VersionOrder.satisfies("4.0.2-3", "=2:4.0.2*", dpkg)).as("the epoch is part of the text").isFalse();
        VersionOrder.Scheme rpm = VersionOrder.Scheme.RPM;
        assertThat(VersionOrder.satisfies("3:580.95.05-1.el9", "=580.95*", rpm)).as("dnf matches without the epoch").isTrue();
        assertThat(VersionOrder.satisfies("3:580.95.05-1.el9", "==3:580.95*", rpm)).isTrue();
        assertThat(VersionOrder.satisfies("3:570.195.03-1.el9", "=580.95*", rpm)).isFalse();
        assertThat(VersionOrder.satisfies("580.95.05", "=580.95*,<580.96", rpm)).isTrue();
    }

    @Test
    void rangesCombineBoundsAndAnRpmBoundWithoutReleaseIgnoresIt() {
        VersionOrder.Scheme rpm = VersionOrder.Scheme.RPM;
        assertThat(VersionOrder.satisfies("580.95.05", ">=570", rpm)).isTrue();
        assertThat(VersionOrder.satisfies("3:580.95.05-1.el9", ">=570", rpm)).as("NVIDIA's RHEL packages carry an epoch").isTrue();
        assertThat(VersionOrder.satisfies("535.183.01", ">=570", rpm)).isFalse();
        assertThat(VersionOrder.satisfies("580.95.05", ">=570,<600", rpm)).isTrue();
        assertThat(VersionOrder.satisfies("610.1", ">=570, <600", rpm)).isFalse();
        assertThat(VersionOrder.satisfies("535.183.01-1.el9", "=535.183.01", rpm)).isTrue();
        assertThat(VersionOrder.satisfies("535.183.01-1.el9", "=535.183.01-2.el9", rpm)).isFalse();
        assertThat(VersionOrder.satisfies("1.0-1", "=1.0-1", VersionOrder.Scheme.DPKG)).isTrue();
    }

    /**
     * Random versions of the shapes packages have: optional epoch, dotted numbers with leading zeros,
     * letters, '~' pre-releases, '+' and (rpm) '^' and '_' suffixes, optional revision or release. Half
     * of the pairs share a prefix, so the interesting comparisons (a segment apart) are frequent.
     */
    static List<String[]> generated(long seed, int count, boolean rpm) {
        Random random = new Random(seed + (rpm ? 1 : 0));
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String a = version(random, rpm);
            String b = random.nextBoolean() ? mutate(random, a, rpm) : version(random, rpm);
            out.add(new String[] {a, b});
        }
        return out;
    }

    private static String version(Random r, boolean rpm) {
        StringBuilder v = new StringBuilder();
        if (r.nextInt(4) == 0) {
            v.append(r.nextInt(4)).append(':');
        }
        v.append(number(r));
        int parts = r.nextInt(4);
        for (int i = 0; i < parts; i++) {
            v.append(piece(r, rpm));
        }
        if (r.nextInt(3) > 0) {
            v.append('-').append(r.nextBoolean() ? number(r) : "0");
            int more = r.nextInt(3);
            for (int i = 0; i < more; i++) {
                v.append(rpm ? (r.nextBoolean() ? ".el9" : "." + word(r)) : (r.nextBoolean() ? "+deb12u" + r.nextInt(3) : word(r)));
            }
        }
        return v.toString();
    }

    private static String piece(Random r, boolean rpm) {
        return switch (r.nextInt(rpm ? 7 : 5)) {
            case 0, 1 -> "." + number(r);
            case 2 -> "~" + word(r) + (r.nextBoolean() ? number(r) : "");
            case 3 -> word(r);
            case 4 -> "+" + word(r) + number(r);
            case 5 -> "^" + word(r) + number(r);
            default -> "_" + number(r);
        };
    }

    private static String mutate(Random r, String v, boolean rpm) {
        int cut = r.nextInt(v.length() + 1);
        String head = v.substring(0, cut);
        if (head.endsWith(":") || head.endsWith("-") || head.isEmpty()) {
            head = head + number(r);
        }
        return r.nextBoolean() ? head : head + piece(r, rpm);
    }

    private static String number(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "0" + r.nextInt(10);
            case 1 -> Integer.toString(r.nextInt(1000));
            case 2 -> "00";
            default -> Integer.toString(r.nextInt(12));
        };
    }

    private static String word(Random r) {
        String[] words = {"a", "b", "rc", "alpha", "beta", "git", "z", "A", "Z", "ubuntu", "el"};
        return words[r.nextInt(words.length)];
    }

    /** One rpm process for every pair: a Lua script printing rpm.vercmp of each. */
    private List<Integer> rpm(List<String[]> pairs) throws Exception {
        StringBuilder lua = new StringBuilder("local out = {}\n");
        for (String[] p : pairs) {
            lua.append("out[#out+1] = rpm.vercmp([[").append(p[0]).append("]], [[").append(p[1]).append("]])\n");
        }
        lua.append("print(table.concat(out, \"\\n\"))\n");
        Path script = dir.resolve("vercmp.lua");
        Files.writeString(script, lua.toString());
        ExternalTool.Result r = ExternalTool.run(dir, "rpm", "--eval", "%{lua: dofile('" + script + "')}");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<Integer> out = r.output().lines().filter(l -> !l.isBlank()).map(l -> Integer.signum(Integer.parseInt(l.strip())))
                .toList();
        assertThat(out).hasSameSizeAs(pairs);
        return out;
    }

    /** One shell for every pair: dpkg --compare-versions lt, then eq. */
    private List<Integer> dpkg(List<String[]> pairs) throws Exception {
        StringBuilder lines = new StringBuilder();
        pairs.forEach(p -> lines.append(p[0]).append(' ').append(p[1]).append('\n'));
        Path input = dir.resolve("pairs.txt");
        Files.writeString(input, lines.toString(), StandardCharsets.UTF_8);
        ExternalTool.require("dpkg");
        ExternalTool.Result r = ExternalTool.run(dir, "sh", "-c", "while read -r a b; do "
                + "if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; "
                + "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < pairs.txt");
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<Integer> out = r.output().lines().map(l -> Integer.parseInt(l.strip())).toList();
        assertThat(out).hasSameSizeAs(pairs);
        return out;
    }
}
