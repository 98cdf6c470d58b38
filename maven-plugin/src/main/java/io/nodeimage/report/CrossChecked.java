package io.nodeimage.report;

import io.nodeimage.Version;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Facts with the image's own modprobe's answers folded in, and a finding per disagreement with the model.
 * The rules then judge by the more conservative of the two states (see RuleChecks).
 */
final class CrossChecked {

    /** The policy name disagreements are reported under. */
    static final String POLICY = "nodeimage-kmod-cross-check";

    private CrossChecked() {
    }

    /** The module names kernel-module rules name, as modprobe takes them. */
    static Set<String> names(List<LoadedPolicy> policies) {
        Set<String> names = new TreeSet<>();
        for (LoadedPolicy p : policies) {
            p.policy().rules().stream().filter(r -> r.kernelModule() != null)
                    .forEach(r -> names.add(r.kernelModule().name().replace('-', '_')));
        }
        return names;
    }

    /** The facts, each asked name's state carrying modprobe's answer (a state is added where the model had none). */
    static Facts fold(Facts facts, KmodCrossCheck.Result result) {
        if (!result.ran()) {
            return facts;
        }
        Map<String, String> seen = new HashMap<>();
        result.observations().forEach(o -> seen.put(o.kernel() + "/" + o.module().replace('-', '_'), o.observed()));
        List<Facts.ModuleState> states = new ArrayList<>();
        for (Facts.ModuleState s : facts.modules()) {
            String observed = seen.remove(s.kernel() + "/" + s.module());
            states.add(observed == null ? s : s.withModprobe(observed));
        }
        new java.util.TreeMap<>(seen).forEach((key, observed) -> {
            int slash = key.indexOf('/');
            states.add(new Facts.ModuleState(key.substring(slash + 1), key.substring(0, slash), "absent", false, null,
                    null, List.of(), null, "not in the tree, not built in, no alias or command names it", observed));
        });
        return facts.withModules(states);
    }

    /** One failed result per disagreement, at the configured severity, naming both verdicts and modprobe's plan. */
    static List<RuleResult> findings(KmodCrossCheck.Result result, Policy.Severity severity) {
        List<RuleResult> out = new ArrayList<>();
        for (KmodCrossCheck.Disagreement d : result.disagreements()) {
            Policy.Rule rule = Policy.Rule.finding("KMOD-" + d.module() + "@" + d.kernel(),
                    d.module() + ": the image's modprobe agrees with nodeimage's model", severity,
                    "nodeimage judges module states by modelling kmod; where the image's own modprobe plans otherwise, "
                            + "the model is wrong for this image and the rules judge by the more conservative state.",
                    "report the case to nodeimage with the modprobe.d files involved; until it is fixed, the rules "
                            + "that name this module use the more conservative of the two states",
                    List.of());
            List<String> evidence = new ArrayList<>();
            evidence.add("modprobe -D -S " + d.kernel() + " " + d.module() + ":");
            d.output().lines().limit(20).forEach(l -> evidence.add("  " + l));
            out.add(new RuleResult(POLICY, Version.current(), rule, RuleResult.Status.FAIL,
                    d.module() + " in kernel " + d.kernel() + ": nodeimage's model says " + d.model()
                            + ", the image's modprobe shows " + d.modprobe(),
                    evidence, null, null, false, null, false));
        }
        return out;
    }

    /** The line for the report: what was asked and what it cost, or why the model judged alone. */
    static String summary(KmodCrossCheck.Result result) {
        if (!result.ran()) {
            return "module states judged by nodeimage's model alone: " + result.why();
        }
        return "module states cross-checked with the image's own modprobe: " + result.observations().size()
                + " answers, " + result.disagreements().size() + " disagreements, " + result.millis() + " ms";
    }
}
