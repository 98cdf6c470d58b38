package io.nodeimage.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.benchmark.Benchmark;
import io.nodeimage.benchmark.Benchmarks;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim every output makes about the baseline is checked against the plan itself: the items it
 * counts are exactly the table's applied items whose every setting the plan carries out.
 */
class BaselineTest {

    private static final String DROP_IN = "/etc/ssh/sshd_config.d/50-nodeimage-hardening.conf";
    private static final Pattern CLAIM = Pattern.compile("(\\d+) of (\\d+) (level-1|level-1 and level-2) server items "
            + "of sections (.+) of the (.+) are applied \\((cis-level[12]-server)\\)");

    @TempDir
    Path project;

    private static List<ResolvedProfile> catalog() {
        ProfileSources sources = ProfileSources.withBundledCatalog(null, null);
        return new ProfileResolver(sources).resolveAll(sources.catalogNames());
    }

    private Profile profile(String body) throws IOException {
        Path dir = Files.createDirectories(project.resolve("profiles"));
        Files.writeString(dir.resolve("node.yaml"), "apiVersion: nodeimage/v1\nkind: Profile\nname: node\n" + body);
        return new ProfileResolver(new ProfileSources(dir, project, null)).resolve("node").profile();
    }

    /** Whether the plan does what the setting asks: module disabled, sysctl set to the value, sshd line written. */
    private static boolean carriedOut(Plan plan, Benchmark.Kind kind, String key, String value) {
        return switch (kind) {
            case MODULE -> plan.steps(Step.DisableModule.class).stream()
                    .anyMatch(d -> Planner.normal(d.module()).equals(Planner.normal(key)));
            case SYSCTL -> plan.steps(Step.Sysctl.class).stream().anyMatch(s -> value.equals(s.settings().get(key)));
            case SSH -> plan.steps(Step.WriteFile.class).stream().anyMatch(f -> f.path().equals(DROP_IN)
                    && f.content().lines().anyMatch(l -> l.equals(key + " " + value)));
        };
    }

    private static long carriedOutItems(Plan plan, Benchmark b, Profile p) {
        boolean two = p.hardening().baseline() == Profile.Baseline.CIS_LEVEL2_SERVER;
        return b.items().stream().filter(Benchmark.Item::applied).filter(i -> i.level() == 1 || two)
                .filter(i -> i.settings().entrySet().stream()
                        .allMatch(e -> carriedOut(plan, i.kind(), e.getKey(), e.getValue())))
                .count();
    }

    private static int total(Benchmark b, boolean two) {
        return b.sections().stream().mapToInt(s -> s.level1Items() + (two ? s.level2Items() : 0)).sum();
    }

    @Test
    void everyCatalogProfilesClaimCountsExactlyTheItemsItsPlanCarriesOut() {
        int checked = 0;
        for (ResolvedProfile r : catalog()) {
            Profile p = r.profile();
            if (p.hardening().baseline() == Profile.Baseline.NONE) {
                continue;
            }
            Plan plan = new Planner(Map.of(), io.nodeimage.support.SiteVendor.catalog()).plan(p);
            Benchmark b = Benchmarks.bundled().forOs(p.os());
            Baseline baseline = Baseline.of(p);
            for (Benchmark.Item item : baseline.applied()) {
                item.settings().forEach((k, v) -> assertThat(carriedOut(plan, item.kind(), k, v))
                        .as(p.name() + ": " + b.cite(item) + " " + k + " " + v).isTrue());
            }
            Matcher m = CLAIM.matcher(plan.hardening().claim());
            assertThat(m.matches()).as(p.name() + ": " + plan.hardening().claim()).isTrue();
            boolean two = p.hardening().baseline() == Profile.Baseline.CIS_LEVEL2_SERVER;
            assertThat(Long.parseLong(m.group(1))).as(p.name()).isEqualTo(carriedOutItems(plan, b, p))
                    .isEqualTo(baseline.applied().size());
            assertThat(Integer.parseInt(m.group(2))).as(p.name()).isEqualTo(total(b, two));
            assertThat(m.group(5)).isEqualTo(b.name()).isEqualTo(plan.hardening().benchmark());
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    @Test
    void eachCatalogOsGetsItsOwnBenchmarkAndVersion() {
        Map<String, String> expected = Map.of("ubuntu 22.04", "CIS Ubuntu Linux 22.04 LTS Benchmark v2.0.0",
                "ubuntu 24.04", "CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0",
                "rhel 9", "CIS Red Hat Enterprise Linux 9 Benchmark v2.0.0",
                "rhel 10", "CIS Red Hat Enterprise Linux 10 Benchmark v1.0.1",
                "debian 12", "CIS Debian Linux 12 Benchmark v1.1.0");
        for (ResolvedProfile r : catalog()) {
            Profile p = r.profile();
            String os = p.os().family().yamlName() + " " + p.os().release().replaceAll("^(\\d+)\\.\\d+$", "$1");
            if (p.hardening().baseline() != Profile.Baseline.NONE && expected.containsKey(os)) {
                Plan plan = new Planner(Map.of(), io.nodeimage.support.SiteVendor.catalog()).plan(p);
                assertThat(plan.hardening().benchmark()).as(p.name()).isEqualTo(expected.get(os));
                assertThat(plan.describe()).contains("# Hardening: " + plan.hardening().claim());
                plan.steps(Step.DisableModule.class).stream().filter(d -> d.because().startsWith("CIS"))
                        .forEach(d -> assertThat(d.because()).matches("CIS-[A-Z0-9]+-[0-9.]+ \\(" + java.util.regex.Pattern.quote(expected.get(os)) + " [0-9.]+\\)"));
            }
        }
    }

    @Test
    void ipForwardingIsNeverSetByTheBaseline() {
        for (ResolvedProfile r : catalog()) {
            Plan plan = new Planner(Map.of(), io.nodeimage.support.SiteVendor.catalog()).plan(r.profile());
            plan.steps(Step.Sysctl.class).forEach(s -> assertThat(s.settings())
                    .doesNotContainKeys("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"));
        }
    }

    @Test
    void anExcludedItemIsNeitherAppliedNorCounted() throws IOException {
        String body = """
                os: {family: ubuntu, release: "24.04", arch: x86_64}
                base: {image: "ubuntu:24.04"}
                hardening: {baseline: cis-level1-server%s}
                """;
        Plan all = new Planner(Map.of()).plan(profile(body.formatted("")));
        Plan without = new Planner(Map.of()).plan(profile(body.formatted(", exclude: [\"1.1.1.9\", \"5.1.22\"]")));
        assertThat(all.steps(Step.DisableModule.class)).extracting(Step.DisableModule::module).contains("usb-storage");
        assertThat(without.steps(Step.DisableModule.class)).extracting(Step.DisableModule::module)
                .doesNotContain("usb-storage");
        assertThat(without.steps(Step.WriteFile.class).stream().filter(f -> f.path().equals(DROP_IN)).findFirst()
                .orElseThrow().content()).doesNotContain("UsePAM");
        assertThat(all.hardening().claim()).startsWith("33 of 43 level-1 server items of sections 1.1.1, 1.5, 3.3 and 5.1 "
                + "of the CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0");
        assertThat(without.hardening().claim()).startsWith("31 of 43 ");
    }

    @Test
    void anExcludeThatNamesNoItemOfTheBenchmarkIsAnError() throws IOException {
        Profile p = profile("""
                os: {family: rhel, release: "9", arch: x86_64}
                base: {image: "registry.access.redhat.com/ubi9/ubi:9.6"}
                hardening: {baseline: cis-level1-server, exclude: ["7.7.7"]}
                """);
        assertThatThrownBy(() -> new Planner(Map.of()).plan(p)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("hardening.exclude names '7.7.7', which is no item of the "
                        + "CIS Red Hat Enterprise Linux 9 Benchmark v2.0.0");
    }

    @Test
    void aSysctlTheProfileSetsOtherwiseIsNotCounted() throws IOException {
        Plan plan = new Planner(Map.of()).plan(profile("""
                os: {family: debian, release: "12", arch: x86_64}
                base: {image: "debian:12"}
                sysctl: {net.ipv6.conf.all.accept_ra: 2}
                hardening: {baseline: cis-level1-server}
                """));
        assertThat(plan.steps(Step.Sysctl.class).get(0).settings()).containsEntry("net.ipv6.conf.all.accept_ra", "2")
                .doesNotContainKey("net.ipv6.conf.default.accept_ra");
        assertThat(plan.hardening().claim()).startsWith("32 of 41 level-1 server items");
    }

    @Test
    void levelTwoCountsBothLevelsAndNamesTheNetworkModuleSection() throws IOException {
        Plan plan = new Planner(Map.of()).plan(profile("""
                os: {family: rhel, release: "9", arch: x86_64}
                base: {image: "registry.access.redhat.com/ubi9/ubi:9.6"}
                hardening: {baseline: cis-level2-server}
                """));
        assertThat(plan.hardening().claim()).isEqualTo("38 of 50 level-1 and level-2 server items of sections 1.1.1, "
                + "1.5, 3.2, 3.3 and 5.1 of the CIS Red Hat Enterprise Linux 9 Benchmark v2.0.0 are applied "
                + "(cis-level2-server)");
        assertThat(plan.steps(Step.DisableModule.class)).extracting(Step.DisableModule::module).contains("sctp", "squashfs");
    }

    @Test
    void anAppliedBannerWritesTheFileItPointsAt() throws IOException {
        Plan plan = new Planner(Map.of()).plan(profile("""
                os: {family: ubuntu, release: "22.04", arch: x86_64}
                base: {image: "ubuntu:22.04"}
                hardening: {baseline: cis-level1-server}
                """));
        assertThat(plan.steps(Step.WriteFile.class)).anySatisfy(f -> {
            assertThat(f.path()).isEqualTo("/etc/issue.net");
            assertThat(f.content()).isEqualTo(Baseline.BANNER_TEXT);
        });
    }

    @Test
    void noBaselineClaimsNothing() throws IOException {
        Plan plan = new Planner(Map.of()).plan(profile("""
                os: {family: ubuntu, release: "24.04", arch: x86_64}
                base: {image: "ubuntu:24.04"}
                """));
        assertThat(plan.hardening().claim()).contains("no benchmark items are applied");
        assertThat(plan.hardening().benchmark()).isNull();
        assertThat(plan.steps(Step.DisableModule.class)).isEmpty();
    }
}
