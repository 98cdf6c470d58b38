package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCatalogTest {

    @Test
    void everyBundledPolicyLoads() {
        PolicyLoader.Result result = PolicyLoader.load(null, null, true);
        assertThat(result.problems()).isEmpty();
        assertThat(result.policies()).extracting(p -> p.policy().name()).containsExactly("cis-kernel-modules-debian12",
                "cis-kernel-modules-rhel10", "cis-kernel-modules-rhel9", "cis-kernel-modules-ubuntu2204", "cis-kernel-modules-ubuntu2404", "container-hardening", "multi-tenant-gpu-node", "multi-tenant-hmm", "multi-tenant-mpam", "multi-tenant-numa-amd-instinct", "multi-tenant-numa-grace", "node-runtime", "nvidia-driver-baseline", "nvidia-node-runtime",
                "secure-boot-module-signing");
        assertThat(result.policies()).allSatisfy(p -> assertThat(p.policy().rules()).isNotEmpty());
    }

    @Test
    void brokenPoliciesGetExactErrors() {
        String yaml = """
                apiVersion: nodeimage/v1
                kind: Policy
                name: broken
                version: 1.0.0
                rules:
                  - {id: A, severity: urgent, kernelModule: {name: cramfs, state: disabled}}
                  - {id: B, severity: high, kernelModule: {name: cramfs, state: disabled}, sysctl: {key: a.b, value: "1"}}
                  - {id: C, severity: high, kernelModul: {name: x, state: absent}}
                waivers:
                  - {rule: Z, reason: none, expires: someday, approvedBy: me}
                """;
        Problems problems = new Problems();
        PolicyLoader.load(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "broken.yaml"), "broken.yaml", "broken", problems);
        List<String> formatted = problems.list().stream().map(Problem::format).toList();
        assertThat(formatted).as("every problem of the file in one run").containsExactly(
                "broken.yaml:6:23: rules[0].severity: 'urgent' is not one of info, low, medium, high, critical",
                "broken.yaml:7:5: rules[1]: rule 'B' has 2 checks; a rule has exactly one; use one of kernelModule, "
                        + "kernelModules, driver, package, sysctl, kernelConfig, cmdline, service, file, loadedModule, taint, gpu, secureBoot, "
                        + "moduleParameter, numaBalancing, nestedVirtualization, resctrl, and split the rest "
                        + "into rules of their own",
                "broken.yaml:8:29: rules[2].kernelModul: unknown key 'kernelModul'; did you mean 'kernelModule'?",
                "broken.yaml:10:12: waivers[0].rule: waives 'Z', which is not a rule of this policy; expected one of: A, B, C",
                "broken.yaml:10:38: waivers[0].expires: 'someday' is not a date written YYYY-MM-DD, such as 2027-03-31");
    }

    @Test
    void aFileModeMustBeOctal() {
        String yaml = "apiVersion: nodeimage/v1\nkind: Policy\nname: f\nversion: 1.0.0\n"
                + "rules:\n  - {id: F1, severity: low, file: {path: /etc/shadow, maxMode: \"0999\"}}\n";
        Problems problems = new Problems();
        PolicyLoader.load(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "f.yaml"), "f.yaml", "f", problems);
        assertThat(problems.list()).extracting(Problem::format).singleElement().asString()
                .isEqualTo("f.yaml:6:64: rules[0].file.maxMode: '0999' is not an octal file mode such as \"0644\" (quote it in YAML)");
    }

    @Test
    void theCatalogsPolicyTestsHold() {
        java.nio.file.Path tests = io.nodeimage.support.RepositoryFiles.root().resolve("policies/src/test/nodeimage/policies");
        PolicyTests.Report report = PolicyTests.run(tests, io.nodeimage.support.RepositoryFiles.root(),
                PolicyLoader.load(null, null, true).policies());
        assertThat(report.failures()).extracting(PolicyTestRunner.Failure::format).isEmpty();
        assertThat(report.files()).isEqualTo(PolicyLoader.catalogNames().size());
        assertThat(report.expectations()).isGreaterThan(20);
    }

    @Test
    void anExpectationThatDoesNotHoldIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("t.yaml"), """
                apiVersion: nodeimage/v1
                kind: PolicyTest
                policy: container-hardening
                cases:
                  - name: wrong on purpose
                    facts: {sysctl: {kernel.kptr_restrict: "1"}}
                    expect: {NODE-HARD-001: pass, NODE-HARD-002: fail}
                """);
        PolicyTests.Report report = PolicyTests.run(dir, dir, PolicyLoader.load(null, null, true).policies());
        assertThat(report.failures()).extracting(PolicyTestRunner.Failure::format).containsExactly(
                "t.yaml: wrong on purpose: NODE-HARD-001 expected pass, was fail (kernel.kptr_restrict is 1, not 2)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyTests.requirePassed(report))
                .isInstanceOf(io.nodeimage.ViolationException.class).hasMessageStartingWith("1 of 2 policy test expectations");
    }

    @Test
    void testsThatNameWhatDoesNotExistAreProblemsAtTheirLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: nodeimage/v1
                kind: PolicyTest
                policy: container-hardening
                cases:
                  - name: a rule the policy lacks, and a state with a typo
                    facts: {states: [{module: cramfs, kernel: "6.1", state: loadble}]}
                    expect: {NODE-HARD-999: pass}
                """);
        java.nio.file.Files.writeString(dir.resolve("b.yml"), """
                apiVersion: nodeimage/v1
                kind: PolicyTest
                policy: container-hardenin
                cases: []
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyTests.lint(dir, dir,
                        PolicyLoader.load(null, null, true).policies()))
                .isInstanceOf(io.nodeimage.yaml.YamlException.class)
                .satisfies(e -> assertThat(((io.nodeimage.yaml.YamlException) e).problems()).extracting(Problem::format)
                        .containsExactly(
                                "a.yaml:6:61: cases[0].facts.states[0].state: 'loadble' is not one of loadable, disabled, "
                                        + "absent, builtin; did you mean 'loadable'?",
                                "a.yaml:7:29: cases[0].expect.NODE-HARD-999: policy container-hardening has no rule "
                                        + "'NODE-HARD-999'; did you mean 'NODE-HARD-001'?",
                                "b.yml:3:9: policy: no policy named 'container-hardenin'; did you mean 'container-hardening'?"));
    }
}
