package io.nodeimage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.Profile;
import io.nodeimage.yaml.YamlException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchmarksTest {

    private static final String CAC = "https://github.com/ComplianceAsCode/content/blob/b3a2cca9352cbcefb7f00d770bfd6f679da18d6a/";

    private static final String HEAD = """
            apiVersion: nodeimage/v1
            kind: Benchmark
            id: cis-test
            title: CIS Test Benchmark
            version: v1.0.0
            ruleIdPrefix: CIS-TEST
            appliesTo: {family: debian, release: "12"}
            """;
    private static final String SOURCE = """
            source: {title: CIS Test Benchmark v1.0.0, url: "https://example.org/controls.yml", read: 2026-11-27}
            """;
    private static final String SECTIONS = """
            sections:
              - {id: "1.1.1", level1Items: 2, level2Items: 0}
            """;

    private static Benchmark parse(String text) {
        return Benchmarks.parse(text.getBytes(StandardCharsets.UTF_8), "bad.yaml", "cis-test");
    }

    private static String item(String id, String level) {
        return "  - id: \"" + id + "\"\n    title: t\n" + (level == null ? "" : "    level: " + level + "\n")
                + "    kind: module\n    settings: {cramfs: disabled}\n    nodeimage: applied\n";
    }

    @Test
    void everyBundledTableLoadsWithItsSourceAtTheCitedCommit() {
        List<Benchmark> all = Benchmarks.bundled().all();
        assertThat(all).extracting(Benchmark::id).containsExactlyInAnyOrder(
                "cis-debian-12", "cis-rhel-10", "cis-rhel-9", "cis-ubuntu-22.04", "cis-ubuntu-24.04");
        for (Benchmark b : all) {
            assertThat(b.source().url()).as(b.id()).startsWith(CAC);
            assertThat(b.source().title()).as(b.id()).startsWith(b.name());
            assertThat(b.source().read()).isEqualTo("2026-11-27");
            assertThat(b.items()).as(b.id()).isNotEmpty();
        }
    }

    @Test
    void everyItemHasAUniqueIdALevelAndAReasonWhenLeftOut() {
        for (Benchmark b : Benchmarks.bundled().all()) {
            Set<String> ids = new HashSet<>();
            for (Benchmark.Item i : b.items()) {
                assertThat(ids.add(i.id())).as(b.id() + " " + i.id() + " listed once").isTrue();
                assertThat(i.level()).as(b.id() + " " + i.id()).isIn(1, 2);
                assertThat(b.sectionOf(i.id())).as(b.id() + " " + i.id() + " section").isPresent();
                if (!i.applied()) {
                    assertThat(i.why()).as(b.id() + " " + i.id() + " why").isNotBlank();
                }
            }
        }
    }

    @Test
    void ipForwardingIsNeverAppliedAndKeptOutOfRemediation() {
        for (Benchmark b : Benchmarks.bundled().all()) {
            List<Benchmark.Item> forwarding = b.items().stream()
                    .filter(i -> i.settings().containsKey("net.ipv4.ip_forward")).toList();
            assertThat(forwarding).as(b.id()).singleElement().satisfies(i -> {
                assertThat(i.applied()).isFalse();
                assertThat(i.keepOutOfRemediation()).isTrue();
                assertThat(i.rules()).contains("sysctl_net_ipv4_ip_forward");
            });
        }
    }

    @Test
    void theIdsThatMovedBetweenBenchmarksAreWhereTheControlFilesPutThem() {
        Benchmarks tables = Benchmarks.bundled();
        Benchmark ubuntu = tables.forOs(new Profile.Os(Profile.Family.UBUNTU, "24.04", Profile.Arch.X86_64));
        Benchmark rhel9 = tables.forOs(new Profile.Os(Profile.Family.RHEL, "9.6", Profile.Arch.X86_64));
        Benchmark rhel10 = tables.forOs(new Profile.Os(Profile.Family.RHEL, "10", Profile.Arch.X86_64));
        assertThat(ubuntu.item("5.1.22").orElseThrow().settings()).containsEntry("UsePAM", "yes");
        assertThat(rhel9.item("5.1.12").orElseThrow().settings()).containsEntry("HostbasedAuthentication", "no");
        assertThat(rhel9.item("1.5.3")).isEmpty();
        assertThat(rhel10.item("1.1.1.10").orElseThrow().settings()).containsKey("usb-storage");
        assertThat(rhel10.item("1.5.4").orElseThrow().settings()).containsEntry("fs.suid_dumpable", "0");
        assertThat(rhel10.item("3.2.3").orElseThrow().level()).isEqualTo(1);
    }

    @Test
    void aPointReleaseFindsItsMajorReleaseTableAndAnUnknownReleaseNone() {
        assertThat(Benchmarks.bundled().forOs(new Profile.Os(Profile.Family.RHEL, "9.6", Profile.Arch.AARCH64)).id())
                .isEqualTo("cis-rhel-9");
        assertThat(Benchmarks.bundled().forOs(new Profile.Os(Profile.Family.RHEL, "10", Profile.Arch.X86_64)).id())
                .isEqualTo("cis-rhel-10");
        assertThatThrownBy(() -> Benchmarks.bundled().forOs(new Profile.Os(Profile.Family.UBUNTU, "20.04",
                Profile.Arch.X86_64))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no benchmark table for ubuntu 20.04");
    }

    @Test
    void aTableWithoutSourceFailsAtItsFileAndLine() {
        assertThatThrownBy(() -> parse(HEAD + SECTIONS + "items:\n" + item("1.1.1.1", "1")))
                .isInstanceOf(YamlException.class)
                .hasMessageContaining("bad.yaml:1:1")
                .hasMessageContaining("missing required key 'source'");
    }

    @Test
    void anItemWithoutLevelFailsAtTheItemsLine() {
        // HEAD is 7 lines, SOURCE 1, SECTIONS 2, "items:" 1: the item starts on line 12, column 5.
        assertThatThrownBy(() -> parse(HEAD + SOURCE + SECTIONS + "items:\n" + item("1.1.1.1", null)))
                .isInstanceOf(YamlException.class)
                .hasMessageContaining("bad.yaml:12:5: items[0]: missing required key 'level'");
    }

    @Test
    void anItemListedTwiceFailsAtTheSecondOnesId() {
        assertThatThrownBy(() -> parse(HEAD + SOURCE + SECTIONS + "items:\n" + item("1.1.1.1", "1") + item("1.1.1.1", "1")))
                .isInstanceOf(YamlException.class)
                .hasMessageContaining("bad.yaml:18:5: items[1].id: item 1.1.1.1 is listed twice");
    }

    @Test
    void aNotAppliedItemWithoutWhyAndAModuleSetToAnythingButDisabledAreRefused() {
        String body = HEAD + SOURCE + SECTIONS + "items:\n"
                + "  - {id: \"1.1.1.1\", title: t, level: 1, kind: module, settings: {cramfs: blacklisted}, nodeimage: applied}\n"
                + "  - {id: \"1.1.1.2\", title: t, level: 1, kind: sysctl, nodeimage: not-applied}\n";
        assertThatThrownBy(() -> parse(body)).isInstanceOf(YamlException.class)
                .hasMessageContaining("items[0].settings.cramfs: 'cramfs: blacklisted' is not a module setting")
                .hasMessageContaining("items[1].why: a not-applied item needs a 'why'");
    }

    @Test
    void moreItemsThanTheSectionCountsIsRefused() {
        String body = HEAD + SOURCE + SECTIONS + "items:\n" + item("1.1.1.1", "1") + item("1.1.1.2", "1")
                + item("1.1.1.3", "1");
        assertThatThrownBy(() -> parse(body)).isInstanceOf(YamlException.class)
                .hasMessageContaining("lists 3 level 1 and 0 level 2 items, more than the section's 2 and 0");
    }

    @Test
    void aWellFormedTableLoads() {
        Benchmark b = parse(HEAD + SOURCE + SECTIONS + "items:\n" + item("1.1.1.1", "1"));
        assertThat(b.cite(b.items().get(0))).isEqualTo("CIS-TEST-1.1.1.1 (CIS Test Benchmark v1.0.0 1.1.1.1)");
    }
}
