package io.nodeimage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One benchmark item, one id, everywhere: the plan cites an applied item by the same id the bundled
 * policies judge it with, and a bundled CIS rule checks exactly what the item of its own benchmark says,
 * on exactly that benchmark's operating system.
 */
class OneIdPerItemTest {

    private final List<Benchmark> benchmarks = Benchmarks.bundled().all();

    @Test
    void everyBenchmarkHasItsOwnPrefixAndCitesItemsByTheirRuleId() {
        Set<String> prefixes = new HashSet<>();
        for (Benchmark b : benchmarks) {
            assertThat(prefixes.add(b.ruleIdPrefix())).as(b.id() + " shares its prefix").isTrue();
            Benchmark.Item item = b.items().get(0);
            assertThat(b.cite(item)).isEqualTo(b.ruleIdPrefix() + "-" + item.id() + " (" + b.name() + " " + item.id() + ")");
        }
    }

    @Test
    void everyBundledCisRuleIsAnItemOfItsBenchmarkOnThatBenchmarksSystem() {
        Map<String, Benchmark> byPrefix = new HashMap<>();
        benchmarks.forEach(b -> byPrefix.put(b.ruleIdPrefix(), b));
        PolicyLoader.Result bundled = PolicyLoader.load(null, null, true);
        int judged = 0;
        for (LoadedPolicy loaded : bundled.policies()) {
            for (Policy.Rule rule : loaded.policy().rules()) {
                if (!rule.id().startsWith("CIS-")) {
                    continue;
                }
                String prefix = rule.id().substring(0, rule.id().indexOf('-', 4));
                Benchmark b = byPrefix.get(prefix);
                assertThat(b).as(rule.id() + ": no benchmark table has the prefix " + prefix).isNotNull();
                Benchmark.Item item = b.item(rule.id().substring(prefix.length() + 1)).orElse(null);
                assertThat(item).as(rule.id() + " is not an item of " + b.name()).isNotNull();
                Policy.AppliesTo on = loaded.policy().appliesTo();
                assertThat(on.family()).as(loaded.policy().name()).containsExactly(b.appliesTo().family().yamlName());
                assertThat(on.release()).as(loaded.policy().name()).containsExactly(b.appliesTo().release());
                assertThat(rule.references()).extracting(Policy.Reference::id).as(rule.id())
                        .containsExactly(b.name() + " " + item.id());
                if (rule.kernelModule() != null) {
                    assertThat(item.kind()).isEqualTo(Benchmark.Kind.MODULE);
                    assertThat(item.settings()).as(rule.id()).containsEntry(rule.kernelModule().name(), "disabled");
                }
                judged++;
            }
        }
        assertThat(judged).isGreaterThanOrEqualTo(30);
    }
}
