package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Version;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.DidYouMean;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Loads every policy set a build judges by: the project's folder, fetched git sets, the bundled catalog. */
public final class PolicySets {

    public static final String PROJECT = "project";
    public static final String CATALOG = "nodeimage-policies";

    private PolicySets() {
    }

    /**
     * What no single file can see: a policy name or a rule id used twice among everything one run judges
     * (reports, SARIF and waivers name rules by id), and waivers of rules that no policy of the run has.
     */
    static List<Problem> crossCheck(List<PolicySet> sets, boolean allLoaded) {
        Problems problems = new Problems();
        Map<String, LoadedPolicy> policies = new HashMap<>();
        /** The first place each rule id was seen, and its policy. */
        record Seen(Location at, String policy) {
        }
        Map<String, Seen> rules = new HashMap<>();
        Set<String> fullIds = new TreeSet<>();
        for (LoadedPolicy lp : PolicySet.flatten(sets)) {
            if (lp.policy().name().equals(ProfilePolicy.NAME)) {
                problems.add(Location.startOf(lp.file()), "name", "policy name '" + ProfilePolicy.NAME + "' is the "
                        + "name of the rules verify makes from each image's own profile", "rename the policy");
                continue;
            }
            LoadedPolicy other = policies.putIfAbsent(lp.policy().name(), lp);
            if (other != null) {
                problems.add(Location.startOf(lp.file()), "name", "policy name '" + lp.policy().name()
                        + "' is also the name of " + other.file(), "rename one of them: a run judges each name once");
                continue;
            }
            for (Policy.Rule r : lp.policy().rules()) {
                Location at = lp.ruleLocations().get(r.id());
                Seen first = rules.putIfAbsent(r.id(), new Seen(at, lp.policy().name()));
                if (first != null && at.file().startsWith(CATALOG + ":")) {
                    // Reported in the file the user can change, naming the bundled rule.
                    problems.add(first.at(), "id", "rule id '" + r.id() + "' is also used by policy " + lp.policy().name()
                            + " at " + at, "rename it: reports, SARIF and waivers name a rule by its id");
                } else if (first != null) {
                    problems.add(at, "id", "rule id '" + r.id() + "' is also used by policy " + first.policy()
                            + " at " + first.at(), "rename one: reports, SARIF and waivers name a rule by its id");
                }
                fullIds.add(lp.policy().name() + "/" + r.id());
            }
        }
        for (LoadedPolicy lp : PolicySet.flatten(sets)) {
            for (int i = 0; i < lp.policy().waivers().size(); i++) {
                String rule = lp.policy().waivers().get(i).rule();
                if (ProfilePolicy.names(rule)) {
                    // Made per image from its profile: only the key can be checked here; verify lists the
                    // waivers that waived nothing.
                    String key = ProfilePolicy.key(rule);
                    if (!ProfilePolicy.KEYS.contains(key)) {
                        problems.add(lp.waiverLocations().get(i), "rule", "waives '" + rule + "', but '" + key
                                + "' is not a profile key verify makes rules from", DidYouMean.hint(key, ProfilePolicy.KEYS));
                    }
                    continue;
                }
                String owner = rule.contains("/") ? rule.substring(0, rule.indexOf('/')) : null;
                // A policy that failed to load is not here: its waivers wait until it loads.
                boolean known = owner != null && (policies.containsKey(owner) || allLoaded);
                if (known && !fullIds.contains(rule)) {
                    String hint = DidYouMean.hint(rule, fullIds);
                    problems.add(lp.waiverLocations().get(i), "rule", "waives '" + rule
                            + "', which no policy of this run has", hint.isEmpty()
                            ? "name the rule as policy/rule, as the report shows it" : hint);
                }
            }
        }
        return problems.list();
    }

    /** Any problem in any policy stops the run, with every problem listed. */
    public static List<PolicySet> load(Path projectDirectory, Path shownFrom, String projectVersion,
                                       List<PolicyRepository.Fetched> fetched, boolean catalog) {
        Read read = read(projectDirectory, shownFrom, projectVersion, fetched, catalog);
        require(read.problems(), "policies");
        return read.sets();
    }

    /** The sets read, and every problem found in them; nothing thrown. */
    public record Read(List<PolicySet> sets, List<Problem> problems) {
    }

    /** Stops the run listing every problem, when there are any. */
    public static void require(List<Problem> problems, String what) {
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder(problems.size() + " problems in " + what + ":");
            for (Problem p : problems) {
                message.append(System.lineSeparator()).append("  ").append(p.format());
            }
            throw new ConfigurationException(message.toString(), "fix each one at the file:line:column shown; "
                    + "docs/policies.md describes every key");
        }
    }

    public static Read read(Path projectDirectory, Path shownFrom, String projectVersion,
                            List<PolicyRepository.Fetched> fetched, boolean catalog) {
        List<Problem> problems = new ArrayList<>();
        List<PolicySet> sets = new ArrayList<>();
        PolicyLoader.Result project = PolicyLoader.load(projectDirectory, shownFrom, false);
        problems.addAll(project.problems());
        if (!project.policies().isEmpty()) {
            sets.add(new PolicySet(PROJECT, projectVersion, null, project.policies()));
        }
        for (PolicyRepository.Fetched f : fetched) {
            PolicyLoader.Result r = PolicyLoader.load(f.directory(), shownFrom, false);
            problems.addAll(r.problems());
            sets.add(new PolicySet(f.source().name(), f.source().ref(), f.commit(), r.policies()));
        }
        if (catalog) {
            PolicyLoader.Result r = PolicyLoader.load(null, null, true);
            problems.addAll(r.problems());
            sets.add(new PolicySet(CATALOG, Version.current(), null, r.policies()));
        }
        // A waiver of a rule in a policy that failed to load would be reported as unknown: wait for the fix.
        problems.addAll(crossCheck(sets, problems.isEmpty()));
        return new Read(sets, problems);
    }
}
