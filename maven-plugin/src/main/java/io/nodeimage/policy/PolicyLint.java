package io.nodeimage.policy;

import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.YamlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks policies, waiver files and policy tests without judging any image: everything the loader
 * refuses, what only the whole run can see (ids used twice, waivers of rules nobody has), tests that
 * name policies or rules that do not exist, and waivers that conflict, run too long, expire soon or have
 * expired. Every problem of every file in one report.
 */
public final class PolicyLint {

    private PolicyLint() {
    }

    public record Report(int policies, int rules, int waivers, int testFiles, int cases, List<String> warnings) {
        public Report {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param read the policy sets as read, with their problems
     * @param testsDirectory policy tests, or null
     */
    public static Report run(PolicySets.Read read, Path testsDirectory, Path shownFrom, LocalDate today,
                             Waivers.Limits limits) {
        List<Problem> problems = new ArrayList<>(read.problems());
        List<LoadedPolicy> policies = PolicySet.flatten(read.sets());
        int testFiles = 0;
        int cases = 0;
        if (testsDirectory != null && Files.isDirectory(testsDirectory)) {
            try {
                java.util.Set<String> unreadable = new java.util.HashSet<>();
                read.problems().forEach(p -> {
                    String file = p.location().file();
                    unreadable.add(PolicyLoader.stem(file.substring(file.lastIndexOf('/') + 1)));
                });
                PolicyTests.Report tests = PolicyTests.lint(testsDirectory, shownFrom, policies, unreadable);
                testFiles = tests.files();
                cases = tests.cases();
            } catch (YamlException e) {
                problems.addAll(e.problems());
            }
        }
        PolicySets.require(problems.stream().sorted().toList(), "policies and policy tests");
        Waivers waivers = Waivers.of(policies);
        List<String> waiverProblems = waivers.problemsForAnyProfile(today, limits);
        if (!waiverProblems.isEmpty()) {
            throw new io.nodeimage.ConfigurationException(waiverProblems.size() + " problems with waivers:"
                    + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", waiverProblems),
                    "a rule has at most one waiver in force on a day, within the length the site allows");
        }
        List<String> warnings = new ArrayList<>(waivers.expiringSoon(null, today, limits));
        for (Waivers.Entry e : waivers.all()) {
            if (LocalDate.parse(e.waiver().expires()).isBefore(today)) {
                warnings.add("the waiver of " + e.describe() + " expired on " + e.waiver().expires()
                        + "; its rule fails again: delete the waiver, or renew it with its approver");
            }
        }
        int rules = policies.stream().mapToInt(p -> p.policy().rules().size()).sum();
        int policyCount = (int) policies.stream().filter(p -> !p.waiversOnly()).count();
        return new Report(policyCount, rules, waivers.all().size(), testFiles, cases, warnings);
    }
}
