package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.ViolationException;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.Quote;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import io.nodeimage.yaml.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the *.yaml policy tests in a folder and runs each against the policy it names. */
public final class PolicyTests {

    private PolicyTests() {
    }

    public record Report(int files, int cases, int expectations, List<PolicyTestRunner.Failure> failures) {
    }

    public static Report run(Path testsDirectory, Path shownFrom, List<LoadedPolicy> policies) {
        Map<String, LoadedPolicy> byName = policies.stream()
                .collect(Collectors.toMap(p -> p.policy().name(), p -> p, (a, b) -> a));
        Problems problems = new Problems();
        List<PolicyTestRunner.Failure> failures = new ArrayList<>();
        int files = 0;
        int cases = 0;
        int expectations = 0;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(testsDirectory)) {
            paths = walk.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException("cannot list policy tests in " + testsDirectory + ": " + e.getMessage(),
                    "check the folder", e);
        }
        for (Path file : paths) {
            String shown = io.nodeimage.yaml.SourceFiles.shown(file, shownFrom);
            Optional<PolicyTest> test = load(file, shown, problems);
            if (test.isEmpty()) {
                continue;
            }
            LoadedPolicy policy = byName.get(test.get().policy());
            if (policy == null) {
                problems.add(new Problem(Location.startOf(shown), "policy", "no policy named '"
                        + Quote.forMessage(test.get().policy()) + "'",
                        io.nodeimage.yaml.DidYouMean.hint(test.get().policy(), byName.keySet())));
                continue;
            }
            files++;
            cases += test.get().cases().size();
            expectations += test.get().cases().stream().mapToInt(c -> c.expect().size()).sum();
            for (PolicyTestRunner.Failure f : PolicyTestRunner.run(test.get(), policy)) {
                failures.add(new PolicyTestRunner.Failure(shown + ": " + f.testCase(), f.rule(), f.expected(), f.actual(),
                        f.message()));
            }
        }
        if (!problems.isEmpty()) {
            throw new YamlException(problems.size() + " problems in policy tests:", problems.list(),
                    "fix each one at the file:line:column shown");
        }
        return new Report(files, cases, expectations, failures);
    }

    /** Throws a violation listing every expectation that did not hold. */
    public static Report requirePassed(Report report) {
        if (!report.failures().isEmpty()) {
            StringBuilder m = new StringBuilder(report.failures().size() + " of " + report.expectations()
                    + " policy test expectations did not hold:");
            report.failures().forEach(f -> m.append(System.lineSeparator()).append("  ").append(f.format()));
            throw new ViolationException(m.toString(), "fix the policy, or the test if the policy is right");
        }
        return report;
    }

    static Optional<PolicyTest> load(Path file, String shown, Problems problems) {
        YNode root;
        try {
            root = SafeYaml.read(file, shown);
        } catch (YamlException e) {
            problems.addAll(e.problems());
            return Optional.empty();
        }
        int before = problems.size();
        if (root instanceof YNode.Mapping doc) {
            doc.get("kind").ifPresent(k -> {
                if (!(k instanceof YNode.Scalar s) || !s.text().equals("PolicyTest")) {
                    problems.add(k.location(), "kind", "expected 'PolicyTest', found " + YNode.describe(k),
                            "write 'kind: PolicyTest'");
                }
            });
        }
        PolicyTest test = new YamlBinder(problems).bindDocument(root, PolicyTest.class);
        if (problems.size() == before && test.today() != null) {
            try {
                java.time.LocalDate.parse(test.today());
            } catch (java.time.format.DateTimeParseException e) {
                problems.add(YNode.at(root, "today").map(YNode::location).orElse(root.location()), "today",
                        "'" + test.today() + "' is not a date", "write YYYY-MM-DD");
            }
        }
        return problems.size() == before ? Optional.of(test) : Optional.empty();
    }
}
