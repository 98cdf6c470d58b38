package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.ViolationException;
import io.nodeimage.yaml.KeyPath;
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
        return run(testsDirectory, shownFrom, policies, java.time.LocalDate.now(), true);
    }

    /** Reads every test and checks what it names without running it: the lint. */
    public static Report lint(Path testsDirectory, Path shownFrom, List<LoadedPolicy> policies) {
        return lint(testsDirectory, shownFrom, policies, java.util.Set.of());
    }

    /** @param unreadable names of policies whose files have problems: tests of them are not checked yet */
    public static Report lint(Path testsDirectory, Path shownFrom, List<LoadedPolicy> policies,
                              java.util.Set<String> unreadable) {
        return run(testsDirectory, shownFrom, policies, java.time.LocalDate.now(), false, unreadable);
    }

    /**
     * @param asOf the day judged by tests that name none
     * @param execute false to only read the tests and check the policies and rules they name
     */
    public static Report run(Path testsDirectory, Path shownFrom, List<LoadedPolicy> policies, java.time.LocalDate asOf,
                             boolean execute) {
        return run(testsDirectory, shownFrom, policies, asOf, execute, java.util.Set.of());
    }

    private static Report run(Path testsDirectory, Path shownFrom, List<LoadedPolicy> policies, java.time.LocalDate asOf,
                              boolean execute, java.util.Set<String> unreadable) {
        Map<String, LoadedPolicy> byName = policies.stream()
                .collect(Collectors.toMap(p -> p.policy().name(), p -> p, (a, b) -> a));
        Problems problems = new Problems();
        List<PolicyTestRunner.Failure> failures = new ArrayList<>();
        int files = 0;
        int cases = 0;
        int expectations = 0;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(testsDirectory)) {
            paths = walk.filter(p -> PolicyLoader.isYaml(p) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException("cannot list policy tests in " + testsDirectory + ": " + e.getMessage(),
                    "check the folder", e);
        }
        for (Path file : paths) {
            String shown = io.nodeimage.yaml.SourceFiles.shown(file, shownFrom);
            Optional<Loaded> test = load(file, shown, problems);
            if (test.isEmpty()) {
                continue;
            }
            LoadedPolicy policy = byName.get(test.get().policy());
            if (policy == null && unreadable.contains(test.get().policy())) {
                continue;
            }
            if (policy == null) {
                problems.add(new Problem(test.get().at("policy"), "policy", "no policy named '"
                        + Quote.forMessage(test.get().policy()) + "'",
                        io.nodeimage.yaml.DidYouMean.hint(test.get().policy(), byName.keySet())));
                continue;
            }
            java.util.Set<String> ids = new java.util.TreeSet<>();
            policy.policy().rules().forEach(r -> ids.add(r.id()));
            for (int i = 0; i < test.get().test().cases().size(); i++) {
                for (String rule : test.get().test().cases().get(i).expect().keySet()) {
                    if (!ids.contains(rule)) {
                        problems.add(test.get().at("cases", i, "expect", rule), KeyPath.key(KeyPath.key(
                                KeyPath.index("cases", i), "expect"), rule), "policy " + policy.policy().name()
                                + " has no rule '" + Quote.forMessage(rule) + "'", io.nodeimage.yaml.DidYouMean.hint(rule, ids));
                    }
                }
            }
            List<SiteSigners> signers = signers(test.get(), file.getParent(), problems);
            files++;
            cases += test.get().cases().size();
            expectations += test.get().cases().stream().mapToInt(c -> c.expect().size()).sum();
            if (!execute || !test.get().clean()) {
                continue;
            }
            for (PolicyTestRunner.Failure f : PolicyTestRunner.run(test.get().test(), policy, asOf, signers)) {
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

    /**
     * Each case's site module signers, read from its trustedModuleSigners files beside the test, as a run
     * reads nodeimage.trustedModuleSigners; a file that is missing or holds no certificate is a problem at
     * its line.
     */
    private static List<SiteSigners> signers(Loaded test, Path folder, Problems problems) {
        List<SiteSigners> out = new ArrayList<>();
        for (int i = 0; i < test.cases().size(); i++) {
            List<String> files = test.cases().get(i).trustedModuleSigners();
            List<TrustedCertificate> read = new ArrayList<>();
            for (int k = 0; files != null && k < files.size(); k++) {
                try {
                    read.addAll(SiteSigners.read(List.of(folder.resolve(files.get(k))), folder, "trustedModuleSigners")
                            .files());
                } catch (ConfigurationException e) {
                    problems.add(test.at("cases", i, "trustedModuleSigners", k), KeyPath.index(KeyPath.key(
                            KeyPath.index("cases", i), "trustedModuleSigners"), k),
                            e.getMessage().replaceFirst("^trustedModuleSigners: ", ""),
                            "put the certificate (PEM or DER) beside the test and name it relative to the test file");
                }
            }
            out.add(new SiteSigners(read));
        }
        return out;
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

    /** A test and its document, for locations. */
    record Loaded(PolicyTest test, YNode root, boolean clean) {
        Location at(Object... path) {
            return YNode.at(root, path).map(YNode::location).orElse(root.location());
        }

        String policy() {
            return test.policy();
        }

        List<PolicyTest.Case> cases() {
            return test.cases();
        }
    }

    static Optional<Loaded> load(Path file, String shown, Problems problems) {
        int before = problems.size();
        YNode root = SafeYaml.read(file, shown, problems);
        if (root == null) {
            return Optional.empty();
        }
        if (root instanceof YNode.Mapping doc) {
            doc.get("kind").ifPresent(k -> {
                if (!(k instanceof YNode.Scalar s) || !s.text().equals("PolicyTest")) {
                    problems.add(k.location(), "kind", "expected 'PolicyTest', found " + YNode.describe(k),
                            "write 'kind: PolicyTest'");
                }
            });
        }
        PolicyTest test = new YamlBinder(problems, false).bindDocument(root, PolicyTest.class);
        // Returned even with problems, so what it names is checked in the same run; it is not run then.
        return test.policy() == null ? Optional.empty() : Optional.of(new Loaded(test, root, problems.size() == before));
    }
}
