package io.nodeimage.plan;

import io.nodeimage.ConfigurationException;
import io.nodeimage.benchmark.Benchmark;
import io.nodeimage.benchmark.Benchmarks;
import io.nodeimage.profile.Profile;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A profile's hardening baseline expanded from the benchmark table for its OS: the items nodeimage
 * applies (minus {@code hardening.exclude}, and minus sysctl items the profile sets otherwise), each
 * setting cited by benchmark, version and item id, and the one sentence that says how much of the
 * benchmark that is. Emitters print that sentence; nothing else may claim the baseline.
 */
final class Baseline {

    /** One setting of an applied item; {@code id} is the full citation, e.g. "CIS ... v1.0.0 1.1.1.1". */
    record Item(String id, Kind kind, String key, String value) {
    }

    enum Kind { MODULE, SYSCTL, SSH }

    /**
     * What an applied Banner item points sshd at. The text names no OS or version (the benchmarks' banner
     * items ask for that) and makes no legal claim a site would have to vet.
     */
    static final String BANNER_TEXT = "Authorized use only. Activity on this system may be monitored and recorded.\n";

    private final Profile.Baseline level;
    private final Benchmark benchmark;
    private final List<Benchmark.Item> applied;

    private Baseline(Profile.Baseline level, Benchmark benchmark, List<Benchmark.Item> applied) {
        this.level = level;
        this.benchmark = benchmark;
        this.applied = List.copyOf(applied);
    }

    static Baseline of(Profile p) {
        return of(p, Benchmarks.bundled());
    }

    static Baseline of(Profile p, Benchmarks tables) {
        Profile.Baseline level = p.hardening().baseline();
        if (level == Profile.Baseline.NONE) {
            return new Baseline(level, null, List.of());
        }
        Benchmark b = tables.forOs(p.os());
        for (String x : p.hardening().exclude()) {
            if (b.item(x).isEmpty() && b.sectionOf(x).isEmpty()) {
                throw new ConfigurationException("profile " + p.name() + ": hardening.exclude names '" + x
                        + "', which is no item of the " + b.name(),
                        "use an item number from nodeimage/benchmarks/" + b.id() + ".yaml (numbering differs between "
                                + "benchmarks and their versions)");
            }
        }
        List<Benchmark.Item> applied = new ArrayList<>();
        for (Benchmark.Item item : b.items()) {
            if (item.applied() && counted(level, item) && !p.hardening().exclude().contains(item.id())
                    && !overridden(p, item)) {
                applied.add(item);
            }
        }
        return new Baseline(level, b, applied);
    }

    private static boolean counted(Profile.Baseline level, Benchmark.Item item) {
        return item.level() == 1 || level == Profile.Baseline.CIS_LEVEL2_SERVER;
    }

    /** A profile's own sysctl value for a key of the item, other than the item's, means the item does not hold. */
    private static boolean overridden(Profile p, Benchmark.Item item) {
        return item.kind() == Benchmark.Kind.SYSCTL && item.settings().entrySet().stream()
                .anyMatch(e -> p.sysctl().containsKey(e.getKey()) && !p.sysctl().get(e.getKey()).equals(e.getValue()));
    }

    /** Every setting of every applied item, in table order. */
    List<Item> items() {
        List<Item> out = new ArrayList<>();
        for (Benchmark.Item item : applied) {
            Kind kind = Kind.valueOf(item.kind().name());
            item.settings().forEach((k, v) -> out.add(new Item(benchmark.cite(item), kind, k, v)));
        }
        return out;
    }

    /** The applied benchmark items themselves (several settings can make one item). */
    List<Benchmark.Item> applied() {
        return applied;
    }

    /** The benchmark's name and version, or null when there is no baseline. */
    String benchmarkName() {
        return benchmark == null ? null : benchmark.name();
    }

    /**
     * "N of M level-1 items of sections ... of the CIS ... vX are applied": M counts every item of the
     * level(s) in the sections the table lists, including those nodeimage does not list because they are
     * not module, sysctl or SSH plumbing.
     */
    String claim() {
        if (benchmark == null) {
            return "no hardening baseline (hardening.baseline: none); no benchmark items are applied";
        }
        boolean two = level == Profile.Baseline.CIS_LEVEL2_SERVER;
        int total = 0;
        List<String> sections = new ArrayList<>();
        for (Benchmark.Section s : benchmark.sections()) {
            int n = s.level1Items() + (two ? s.level2Items() : 0);
            if (n > 0) {
                total += n;
                sections.add(s.id());
            }
        }
        String list = sections.size() == 1 ? sections.get(0)
                : String.join(", ", sections.subList(0, sections.size() - 1)) + " and " + sections.get(sections.size() - 1);
        return applied.size() + " of " + total + (two ? " level-1 and level-2" : " level-1") + " server items of sections "
                + list + " of the " + benchmark.name() + " are applied (" + level.yamlName() + ")";
    }

    /** SCAP rules of items that must stay unapplied, for tools that remediate the same benchmark. */
    List<String> keptOutRules() {
        Set<String> rules = new LinkedHashSet<>();
        if (benchmark != null) {
            benchmark.items().stream().filter(Benchmark.Item::keepOutOfRemediation).forEach(i -> rules.addAll(i.rules()));
        }
        return List.copyOf(rules);
    }

    Plan.Hardening hardening() {
        return new Plan.Hardening(level, benchmarkName(), claim(), keptOutRules());
    }
}
