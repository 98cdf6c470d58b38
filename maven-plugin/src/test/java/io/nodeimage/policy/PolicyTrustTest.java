package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.report.Verdict;
import io.nodeimage.yaml.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holes that let a bad image pass, each closed: silent skips, rule ids used twice, waivers that pick
 * the wrong one or mean nothing, errors that hide each other.
 */
class PolicyTrustTest {

    static final String HEADER = "apiVersion: nodeimage/v1\nkind: Policy\nversion: 1.0.0\n";
    static final LocalDate DAY = LocalDate.of(2026, 11, 27);

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, yaml);
        return f;
    }

    private static List<String> problems(PolicyLoader.Result r) {
        return r.problems().stream().map(Problem::format).toList();
    }

    private static Facts noKernel() {
        return new Facts("img", "sha256:00", Map.of("ID", "debian", "VERSION_ID", "12"), "amd64", List.of(), List.of(),
                List.of(), List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
    }

    private static Facts oneKernel(String state) {
        Facts base = EvaluatorTest.facts(List.of(), List.of(new Facts.ModuleState("squashfs", EvaluatorTest.KVER, state,
                false, null, null, List.of(), null)), List.of(), List.of());
        return base;
    }

    @Test
    void ymlFilesAreReadAndTwoFilesForOneNameAreRefused() throws Exception {
        write("a.yml", HEADER + "name: a\nrules: [{id: A-1, severity: critical, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}]\n");
        write("b.yaml", HEADER + "name: b\nrules: [{id: B-1, severity: low, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}]\n");
        write("b.yml", HEADER + "name: b\nrules: [{id: B-2, severity: low, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}]\n");
        PolicyLoader.Result r = PolicyLoader.load(dir, dir, false);
        assertThat(r.policies()).extracting(p -> p.policy().name()).containsExactly("a", "b");
        assertThat(problems(r)).containsExactly("b.yml:1:1: a second file for 'b' (the first is b.yaml); keep one of b.yaml and b.yml");
    }

    @Test
    void aRuleIdUsedTwiceInARunStopsItNamingBothPlaces() throws Exception {
        write("site.yaml", HEADER + "name: site\nrules:\n  - {id: NODE-HARD-001, severity: low, sysctl: {key: kernel.kptr_restrict, value: \"1\"}}\n");
        assertThatThrownBy(() -> PolicySets.load(dir, dir, "1.0", List.of(), true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rule id 'NODE-HARD-001' is also used by policy ")
                .hasMessageContaining("nodeimage-policies:nodeimage/policies/container-hardening.yaml:")
                .hasMessageContaining("site.yaml:6:5");
    }

    @Test
    void everyDateProblemOfAFileIsReportedAtOnceWithTheFormatToWrite() throws Exception {
        write("w.yaml", HEADER + """
                name: w
                rules: [{id: W-1, severity: low, sysctl: {key: kernel.kptr_restrict, value: "2"}}]
                waivers:
                  - {rule: W-1, reason: a, expires: 12/31/2026, approvedBy: me}
                  - {rule: W-1, reason: b, expires: 2026-12-32, approvedBy: me}
                  - {rule: W-1, reason: c, expires: 2027-02-29, approvedBy: me}
                  - {rule: W-1, reason: " ", expires: 2027-01-31, approvedBy: ""}
                  - {rule: W-1, reason: d, from: 2027-02-01, expires: 2027-01-31, approvedBy: me}
                """);
        assertThat(problems(PolicyLoader.load(dir, dir, false))).containsExactly(
                "w.yaml:7:37: waivers[0].expires: '12/31/2026' is not a date written YYYY-MM-DD, such as 2027-03-31",
                "w.yaml:8:37: waivers[1].expires: '2026-12-32' is not a day of the calendar; check the month and day "
                        + "(2026 has 28 days in February)",
                "w.yaml:9:37: waivers[2].expires: '2027-02-29' is not a day of the calendar; check the month and day "
                        + "(2027 has 28 days in February)",
                "w.yaml:10:25: waivers[3].reason: is blank; say why the rule does not hold for these images",
                "w.yaml:10:63: waivers[3].approvedBy: is blank; name who approved the exception",
                "w.yaml:11:34: waivers[4].from: the waiver starts on 2027-02-01, after it expires on 2027-01-31; "
                        + "swap the dates, or correct one of them");
    }

    @Test
    void aDuplicateKeyDoesNotHideTheFilesOtherProblems() throws Exception {
        write("d.yaml", HEADER + "name: d\nname: d\nrules: [{id: D-1, severity: urgent, sysctl: {key: a.b, value: \"1\"}}]\n"
                + "rules+: []\n");
        assertThat(problems(PolicyLoader.load(dir, dir, false))).containsExactly(
                "d.yaml:5:1: duplicate key 'name'; each key may appear once in a mapping; remove or merge the repeated one",
                "d.yaml:6:29: rules[0].severity: 'urgent' is not one of info, low, medium, high, critical",
                "d.yaml:7:1: rules+: 'rules+' appends to an inherited list, but this document extends nothing; write 'rules:'");
    }

    @Test
    void aTabAfterAColonIsCalledATab() throws Exception {
        write("t.yaml", HEADER + "name:\tt\nrules: []\n");
        assertThat(problems(PolicyLoader.load(dir, dir, false))).singleElement().asString()
                .contains("a tab character here; YAML separates keys, values and indentation with spaces only");
    }

    @Test
    void aMergeKeyIsRefusedWithoutSuggestingExtends() throws Exception {
        write("m.yaml", HEADER + "name: m\nbase: &b {severity: low}\nrules: [{<<: *b, id: M-1, sysctl: {key: a.b, value: \"1\"}}]\n");
        assertThat(problems(PolicyLoader.load(dir, dir, false))).anySatisfy(p -> assertThat(p)
                .contains("the merge key '<<' is not allowed; write the keys out in full"));
    }

    @Test
    void aModuleRuleOnAnImageWithoutAKernelIsNotApplicableNotPassed() {
        LoadedPolicy p = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + "rules: [{id: K, severity: high, kernelModule: {name: squashfs, state: disabled}}]\n");
        RuleResult r = new Evaluator(DAY).evaluate(List.of(p), noKernel(), EvaluatorTest.UBUNTU).get(0);
        assertThat(r.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.message()).startsWith("the image has no kernel module tree (a container image)");
        assertThat(new Evaluator(DAY).evaluate(List.of(p), oneKernel("absent"), EvaluatorTest.UBUNTU).get(0).status())
                .as("absent from a node image's tree still counts as disabled").isEqualTo(RuleResult.Status.PASS);
    }

    @Test
    void aPolicySelectingProfilesCannotPassAnImageJudgedWithoutOne() {
        LoadedPolicy p = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + "appliesTo: {profiles: [\"*nvidia*\"]}\n"
                + "rules:\n  - {id: C, severity: critical, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}\n"
                + "  - {id: M, severity: medium, sysctl: {key: kernel.kptr_restrict, value: \"2\"}}\n");
        Evaluator.Target byName = new Evaluator.Target(null, "ubuntu", "24.04", "x86_64");
        List<RuleResult> results = new Evaluator(DAY).evaluate(List.of(p), oneKernel("loadable"), byName);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
            assertThat(r.undecided()).isTrue();
        });
        Verdict lenient = new Verdict("img", null, null, DAY.toString(), results, Policy.Severity.HIGH, false, List.of(),
                List.of(), List.of());
        assertThat(lenient.blocking()).extracting(RuleResult::ruleId).containsExactly("C");
        Verdict strict = new Verdict("img", null, null, DAY.toString(), results, Policy.Severity.HIGH, true, List.of(),
                List.of(), List.of());
        assertThat(strict.blocking()).extracting(RuleResult::ruleId).containsExactly("C", "M");
        assertThat(new Evaluator(DAY).evaluate(List.of(p), oneKernel("loadable"),
                new Evaluator.Target("ubuntu-24.04-amd-mi300x", "ubuntu", "24.04", "x86_64")).get(0))
                .satisfies(r -> {
                    assertThat(r.undecided()).as("a named profile decides it").isFalse();
                    assertThat(r.message()).isEqualTo("the policy selects profiles *nvidia*; the image was made from "
                            + "ubuntu-24.04-amd-mi300x");
                });
    }

    @Test
    void theWaiverInForceOnTheDayWinsWhereverItIsListed() {
        String rules = "rules: [{id: S, severity: high, kernelModule: {name: squashfs, state: disabled}}]\n";
        LoadedPolicy p = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion") + rules + """
                waivers:
                  - {rule: S, reason: "old one", expires: 2026-06-30, approvedBy: secops}
                  - {rule: S, reason: "renewed", from: 2026-07-01, expires: 2027-06-30, approvedBy: ciso}
                """);
        RuleResult r = new Evaluator(DAY).evaluate(List.of(p), oneKernel("loadable"), EvaluatorTest.UBUNTU).get(0);
        assertThat(r.status()).isEqualTo(RuleResult.Status.WAIVED);
        assertThat(r.waiver().reason()).isEqualTo("renewed");
        RuleResult before = new Evaluator(LocalDate.of(2026, 6, 1)).evaluate(List.of(p), oneKernel("loadable"),
                EvaluatorTest.UBUNTU).get(0);
        assertThat(before.waiver().reason()).isEqualTo("old one");
        RuleResult after = new Evaluator(LocalDate.of(2027, 7, 1)).evaluate(List.of(p), oneKernel("loadable"),
                EvaluatorTest.UBUNTU).get(0);
        assertThat(after.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(after.message()).endsWith("its waiver expired on 2027-06-30");
    }

    @Test
    void twoWaiversInForceForOneRuleAreAnError() {
        LoadedPolicy p = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + "rules: [{id: S, severity: high, kernelModule: {name: squashfs, state: disabled}}]\n" + """
                waivers:
                  - {rule: S, reason: "one", expires: 2027-06-30, approvedBy: secops}
                  - {rule: p/S, reason: "two", expires: 2027-03-31, approvedBy: ciso}
                """);
        assertThatThrownBy(() -> new Evaluator(DAY).evaluate(List.of(p), oneKernel("loadable"), EvaluatorTest.UBUNTU))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two waivers of p/S are in force on 2026-11-27: p/S (p.yaml:7:5) and p/S (p.yaml:8:5)");
    }

    @Test
    void aWaiverFileWaivesABundledRuleByItsFullIdAndUnusedWaiversAreListed() throws Exception {
        write("waivers.yaml", """
                apiVersion: nodeimage/v1
                kind: Waivers
                name: waivers
                waivers:
                  - {rule: container-hardening/NODE-HARD-001, reason: "kptr needed by the profiler", expires: 2026-12-15, approvedBy: secops}
                  - {rule: container-hardening/NODE-HARD-002, reason: "stale", expires: 2027-01-31, approvedBy: secops}
                  - {rule: container-hardening/NODE-HARD-001, profiles: ["rhel-*"], reason: "other profiles", expires: 2027-01-31, approvedBy: secops}
                """);
        List<PolicySet> sets = PolicySets.load(dir, dir, "1.0", List.of(), true);
        Facts f = EvaluatorTest.facts(List.of(), List.of(), List.of(), List.of());
        Facts leaky = new Facts(f.image(), f.imageId(), f.osRelease(), f.architecture(), f.kernels(), f.modprobeFiles(),
                f.modules(), f.modulesLoad(), f.cmdline(), Map.of("kernel.kptr_restrict", new Facts.Setting("1", "/etc/sysctl.d/x.conf"),
                "kernel.dmesg_restrict", new Facts.Setting("1", "/etc/sysctl.d/x.conf")), f.packages(), f.enabledUnits(),
                f.maskedUnits(), f.firmware(), f.drivers(), f.files(), f.findings());
        Evaluator.Evaluation e = new Evaluator(DAY, new Waivers.Limits(30, 0))
                .judge(PolicySet.flatten(sets), leaky, EvaluatorTest.UBUNTU);
        RuleResult hard1 = e.results().stream().filter(r -> r.ruleId().equals("NODE-HARD-001")).findFirst().orElseThrow();
        assertThat(hard1.status()).isEqualTo(RuleResult.Status.WAIVED);
        assertThat(hard1.imagePath()).isEqualTo("/etc/sysctl.d/x.conf");
        assertThat(e.unusedWaivers()).extracting(u -> u.entry().rule() + ": " + u.reason()).containsExactly(
                "container-hardening/NODE-HARD-002: the rule passes",
                "container-hardening/NODE-HARD-001: it covers profiles [rhel-*], and the image was judged as "
                        + "ubuntu-24.04-nvidia-gb200");
        assertThat(e.warnings()).containsExactly("the waiver of container-hardening/NODE-HARD-001 (waivers.yaml:5:5) "
                + "expires on 2026-12-15, in 18 days; renew it with its approver, or fix the image");
        assertThatThrownBy(() -> new Evaluator(DAY, new Waivers.Limits(0, 30)).judge(PolicySet.flatten(sets), leaky,
                EvaluatorTest.UBUNTU)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the waiver of container-hardening/NODE-HARD-002 (waivers.yaml:6:5) runs 65 days "
                        + "from 2026-11-27 to 2027-01-31, longer than the 30 days allowed");
    }

    @Test
    void waiverFilesMustNameRulesThatExist() throws Exception {
        write("waivers.yaml", """
                apiVersion: nodeimage/v1
                kind: Waivers
                name: waivers
                waivers:
                  - {rule: container-hardening/NODE-HARD-010, reason: r, expires: 2027-01-31, approvedBy: me}
                  - {rule: NODE-HARD-001, reason: r, expires: 2027-01-31, approvedBy: me}
                """);
        assertThatThrownBy(() -> PolicySets.load(dir, dir, "1.0", List.of(), true))
                .hasMessageContaining("waivers.yaml:6:12: waivers[1].rule: 'NODE-HARD-001' does not say whose rule it is; "
                        + "write policy/rule, such as cis-kernel-modules-ubuntu2404/NODE-HARD-001");
        write("waivers.yaml", Files.readString(dir.resolve("waivers.yaml")).replace("  - {rule: NODE-HARD-001, reason: r, expires: 2027-01-31, approvedBy: me}\n", ""));
        assertThatThrownBy(() -> PolicySets.load(dir, dir, "1.0", List.of(), true))
                .hasMessageContaining("waivers.yaml:5:5: rule: waives 'container-hardening/NODE-HARD-010', which no policy "
                        + "of this run has; did you mean 'container-hardening/NODE-HARD-001'?");
    }

    @Test
    void signerOrKeyIdEitherAcceptsAModule() {
        Facts f = EvaluatorTest.facts(List.of(EvaluatorTest.module("fat", "GPL", null, true)), List.of(), List.of(), List.of());
        String rule = "rules: [{id: N, severity: high, kernelModules: {trustedSigners: [%s], trustedKeyIds: [%s]}}]\n";
        LoadedPolicy bySigner = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + rule.formatted("\"Canonical Ltd. Kernel Module Signing\"", "\"00:11\""));
        LoadedPolicy byKey = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + rule.formatted("\"Someone else\"", "\"aa:bb\""));
        LoadedPolicy neither = EvaluatorTest.policy(HEADER.replace("version", "name: p\nversion")
                + rule.formatted("\"Someone else\"", "\"00:11\""));
        assertThat(new Evaluator(DAY).evaluate(List.of(bySigner), f, EvaluatorTest.UBUNTU).get(0).status())
                .isEqualTo(RuleResult.Status.PASS);
        assertThat(new Evaluator(DAY).evaluate(List.of(byKey), f, EvaluatorTest.UBUNTU).get(0).status())
                .isEqualTo(RuleResult.Status.PASS);
        assertThat(new Evaluator(DAY).evaluate(List.of(neither), f, EvaluatorTest.UBUNTU).get(0).message())
                .contains("untrusted signer: signed by 'Canonical Ltd. Kernel Module Signing' with key AA:BB, "
                        + "neither a trusted signer nor a trusted key id");
    }

    @Test
    void aTrustedCertificateMustBeAFileBesideThePolicy() throws Exception {
        write("s.yaml", HEADER + "name: s\nrules: [{id: S-1, severity: high, kernelModules: {trustedCertificates: "
                + "[certs/missing.pem, certs/junk.pem]}}]\n");
        write("certs/junk.pem", "not a certificate\n");
        assertThat(problems(PolicyLoader.load(dir, dir, false))).containsExactly(
                "s.yaml:5:73: rules[0].kernelModules.trustedCertificates[0]: 'certs/missing.pem' is not a file beside the "
                        + "policy; put the certificate (PEM or DER) in the policy's folder and name it relative to the policy",
                "s.yaml:5:92: rules[0].kernelModules.trustedCertificates[1]: 'certs/junk.pem' is not a PEM or DER X.509 "
                        + "certificate (No certificate data found); give an X.509 "
                        + "certificate, PEM (-----BEGIN CERTIFICATE-----) or DER");
    }
}
