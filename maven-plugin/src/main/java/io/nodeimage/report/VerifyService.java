package io.nodeimage.report;

import io.nodeimage.AtomicFiles;
import io.nodeimage.Digests;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.ConfigurationException;
import io.nodeimage.Version;
import io.nodeimage.ViolationException;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.profile.Profile;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Inspects an image, judges it against the policies, and writes facts.json, report.json, junit.xml,
 * report.sarif and summary.md into one folder. A verdict below the threshold is returned; one at or
 * above it throws a violation naming the rules.
 */
public final class VerifyService {

    /** What verify judged and with what, for certify to check nothing changed since. */
    public static final String RECORD = "verification.json";

    private final List<PolicySet> sets;
    private final List<LoadedPolicy> policies;
    private final Policy.Severity failOn;
    private final LocalDate today;

    public VerifyService(List<PolicySet> sets, Policy.Severity failOn, LocalDate today) {
        this.sets = List.copyOf(sets);
        this.policies = PolicySet.flatten(sets);
        this.failOn = failOn;
        this.today = today;
    }

    public static Policy.Severity severity(String name) {
        for (Policy.Severity s : Policy.Severity.values()) {
            if (s.yamlName().equals(name)) {
                return s;
            }
        }
        throw new ConfigurationException("failOn '" + name + "' is not a severity",
                "use one of info, low, medium, high, critical");
    }

    /** The paths the policies' file checks look at: their metadata is read even outside /etc. */
    private java.util.Set<String> filePaths() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (LoadedPolicy p : policies) {
            p.policy().rules().stream().filter(r -> r.file() != null).forEach(r -> out.add(r.file().path()));
        }
        return out;
    }

    public record Outcome(Verdict verdict, Facts facts, Path directory) {
    }

    /**
     * @param profile the profile the image was made from, for appliesTo and waivers; null when unknown
     */
    public Outcome verify(String image, Profile profile, Path directory) {
        return verify(image, profile, null, directory);
    }

    /**
     * @param profileDigest the digest of the effective profile the image was built from; null when unknown
     */
    /** An image's facts (and their JSON, whose digest certificates carry) and the rules' results. */
    public record Judged(Facts facts, String factsJson, List<RuleResult> results) {
    }

    /** Inspects the image and evaluates every policy; writes nothing. */
    public Judged judge(String image, Profile profile) {
        Facts facts = InspectService.facts(image, filePaths());
        Evaluator.Target target = profile != null
                ? new Evaluator.Target(profile.name(), profile.os().family().yamlName(), profile.os().release(),
                        profile.os().arch().yamlName())
                : new Evaluator.Target(null, facts.osRelease().getOrDefault("ID", ""),
                        facts.osRelease().getOrDefault("VERSION_ID", ""),
                        "arm64".equals(facts.architecture()) ? "aarch64" : "x86_64");
        return new Judged(facts, FactsJson.write(facts), new Evaluator(today).evaluate(policies, facts, target));
    }

    public Outcome verify(String image, Profile profile, String profileDigest, Path directory) {
        Judged judged = judge(image, profile);
        Facts facts = judged.facts();
        List<RuleResult> results = judged.results();
        Verdict verdict = new Verdict(image, profile == null ? null : profile.name(), today.toString(), results, failOn);
        String factsJson = judged.factsJson();
        AtomicFiles.write(directory.resolve("facts.json"), factsJson);
        AtomicFiles.write(directory.resolve("report.json"), ReportWriters.json(verdict, facts));
        AtomicFiles.write(directory.resolve("junit.xml"), ReportWriters.junit(verdict));
        AtomicFiles.write(directory.resolve("report.sarif"), ReportWriters.sarif(verdict, Version.current()));
        AtomicFiles.write(directory.resolve("summary.md"), ReportWriters.markdown(verdict));
        AtomicFiles.write(directory.resolve(RECORD), Verification.write(new Verification(image, facts.imageId(),
                profile == null ? null : profile.name(), profileDigest, today.toString(), failOn.yamlName(),
                verdict.passed(), Digests.sha256(factsJson), Verification.sets(sets), Verification.results(results))));
        return new Outcome(verdict, facts, directory);
    }

    /** Throws a violation when the verdict has blocking findings. */
    public static void requirePassed(List<Outcome> outcomes) {
        StringBuilder message = new StringBuilder();
        for (Outcome o : outcomes) {
            for (RuleResult r : o.verdict().blocking()) {
                message.append(System.lineSeparator()).append("  ").append(o.verdict().image()).append(": ")
                        .append(r.ruleId()).append(" (").append(r.severity().yamlName()).append(", ").append(r.policy())
                        .append(r.location() == null ? "" : " at " + r.location()).append("): ").append(r.message());
            }
        }
        if (message.length() > 0) {
            throw new ViolationException("policy violations at or above the failOn severity:" + message,
                    "fix the image or its profile, or add a waiver with reason, approver and expiry to the policy; "
                            + "reports are in summary.md, junit.xml and report.sarif beside facts.json");
        }
    }
}
