package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Version;
import io.nodeimage.yaml.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads every policy set a build judges by: the project's folder, fetched git sets, the bundled catalog. */
public final class PolicySets {

    public static final String PROJECT = "project";
    public static final String CATALOG = "nodeimage-policies";

    private PolicySets() {
    }

    /** Any problem in any policy stops the run, with every problem listed. */
    public static List<PolicySet> load(Path projectDirectory, Path shownFrom, String projectVersion,
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
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder(problems.size() + " problems in policies:");
            for (Problem p : problems) {
                message.append(System.lineSeparator()).append("  ").append(p.format());
            }
            throw new ConfigurationException(message.toString(), "fix each one at the file:line:column shown; "
                    + "docs/policies.md describes every key");
        }
        return sets;
    }
}
