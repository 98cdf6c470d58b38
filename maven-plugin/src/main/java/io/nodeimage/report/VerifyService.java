package io.nodeimage.report;

import io.nodeimage.AtomicFiles;
import io.nodeimage.Digests;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.ConfigurationException;
import io.nodeimage.Version;
import io.nodeimage.ViolationException;
import io.nodeimage.host.HostInspector;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.policy.Waivers;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.FactsJson;
import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.policy.SiteSigners;
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
    public static final String RECORD = io.nodeimage.ProfileOutputs.VERIFICATION;

    private final List<PolicySet> sets;
    private final List<LoadedPolicy> policies;
    private final Settings settings;
    private final ModuleTrust trust;
    /** How images outside the engine are read (platform, plain-HTTP registries, logins). */
    private io.nodeimage.layers.Registry.Options sources = io.nodeimage.layers.Registry.Options.defaults();

    /**
     * How a run judges.
     *
     * @param failOn the lowest unwaived severity that fails
     * @param today the day waivers are judged on (nodeimage.asOf, else today)
     * @param strict a policy that cannot tell whether it applies fails the run whatever its severity
     * @param waivers warning window and longest waiver allowed
     * @param crossCheck the severity of a disagreement between nodeimage's module model and the image's
     *     own modprobe; null to judge by the model alone
     * @param moduleCache module facts kept between runs, or {@link io.nodeimage.inspect.ModuleFactsCache#DISABLED}
     * @param moduleSigners the certificates the site's nodes trust for module signatures (site:module-signers)
     */
    public record Settings(Policy.Severity failOn, LocalDate today, boolean strict, Waivers.Limits waivers,
                           Policy.Severity crossCheck, io.nodeimage.inspect.ModuleFactsCache moduleCache,
                           SiteSigners moduleSigners) {
        public Settings(Policy.Severity failOn, LocalDate today, boolean strict, Waivers.Limits waivers,
                        Policy.Severity crossCheck, io.nodeimage.inspect.ModuleFactsCache moduleCache) {
            this(failOn, today, strict, waivers, crossCheck, moduleCache, SiteSigners.NONE);
        }

        public Settings(Policy.Severity failOn, LocalDate today, boolean strict, Waivers.Limits waivers,
                        Policy.Severity crossCheck) {
            this(failOn, today, strict, waivers, crossCheck, io.nodeimage.inspect.ModuleFactsCache.DISABLED);
        }

        /** The same settings, trusting these site module signers. */
        public Settings withModuleSigners(SiteSigners signers) {
            return new Settings(failOn, today, strict, waivers, crossCheck, moduleCache, signers);
        }

        public Settings(Policy.Severity failOn, LocalDate today, boolean strict, Waivers.Limits waivers) {
            this(failOn, today, strict, waivers, Policy.Severity.HIGH);
        }
    }

    /** How long the image's modprobe may take to answer for all names, container start included. */
    static final java.time.Duration CROSS_CHECK_TIMEOUT = java.time.Duration.ofSeconds(120);

    public VerifyService(List<PolicySet> sets, Policy.Severity failOn, LocalDate today) {
        this(sets, new Settings(failOn, today, false, Waivers.Limits.NONE));
    }

    /** This service, reading images outside the engine as {@code options} say. */
    public VerifyService withSources(io.nodeimage.layers.Registry.Options options) {
        VerifyService copy = new VerifyService(sets, settings);
        copy.sources = options;
        return copy;
    }

    public VerifyService(List<PolicySet> sets, Settings settings) {
        this.sets = List.copyOf(sets);
        this.policies = PolicySet.flatten(sets);
        this.settings = settings;
        List<java.security.cert.X509Certificate> certificates = new java.util.ArrayList<>();
        policies.forEach(p -> p.certificates().forEach(c -> certificates.addAll(c.certificates())));
        // Signatures are verified against every certificate of the run; each rule then trusts its own.
        certificates.addAll(settings.moduleSigners().certificates());
        this.trust = new ModuleTrust(certificates);
    }

    /**
     * The same run with one more set judged: the image's own profile as a policy
     * ({@link io.nodeimage.policy.ProfilePolicy#set}), which differs per image.
     */
    public VerifyService with(PolicySet extra) {
        List<PolicySet> all = new java.util.ArrayList<>(sets);
        all.add(extra);
        VerifyService copy = new VerifyService(all, settings);
        copy.sources = sources;
        return copy;
    }

    public static Policy.Severity severity(String name) {
        return severity("failOn", name);
    }

    /** @param parameter the parameter that named it, for the message */
    public static Policy.Severity severity(String parameter, String name) {
        for (Policy.Severity s : Policy.Severity.values()) {
            if (s.yamlName().equals(name)) {
                return s;
            }
        }
        throw new ConfigurationException(parameter + " '" + name + "' is not a severity",
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

    /** @param crossCheck the cross-check's line for the log (its cost varies, so it is kept out of reports); null when it did not run */
    public record Outcome(Verdict verdict, Facts facts, Path directory, String crossCheck) {
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
    /** An image's facts (and their JSON, whose digest certificates carry), the rules' results, and notes. */
    /** @param crossCheck what the image's own modprobe said, or why it was not asked (for the log) */
    public record Judged(Facts facts, String factsJson, Evaluator.Evaluation evaluation, List<String> warnings,
                         KmodCrossCheck.Result crossCheck) {
        /** These results with more judged beside the policies' (a certificate's drift check). */
        public Judged with(List<RuleResult> more) {
            List<RuleResult> all = new java.util.ArrayList<>(evaluation.results());
            all.addAll(more);
            return new Judged(facts, factsJson, new Evaluator.Evaluation(all, evaluation.unusedWaivers(),
                    evaluation.warnings()), warnings, crossCheck);
        }

        public List<RuleResult> results() {
            return evaluation.results();
        }
    }

    /** Inspects the image, asks its own modprobe about the modules the rules name, and evaluates every policy. */
    public Judged judge(String image, Profile profile) {
        Facts facts = InspectService.facts(image, filePaths(), trust, settings.moduleCache(), sources);
        KmodCrossCheck.Result crossCheck = settings.crossCheck() == null
                ? KmodCrossCheck.Result.skipped("the cross-check is turned off (nodeimage.verify.crossCheck=false)")
                : !InspectService.inEngine(image)
                ? KmodCrossCheck.Result.skipped("the image is read from its layers, not an engine: nothing of it can run, "
                        + "so its own modprobe is not asked")
                : new KmodCrossCheck(DockerEngine.client("image " + image + " cannot be cross-checked"),
                        CROSS_CHECK_TIMEOUT).run(image, facts, CrossChecked.names(policies));
        return judge(facts, profile, crossCheck);
    }

    /**
     * Reads a running node's facts from its root and judges them by the same policies. Nothing runs on the
     * node and no engine is needed; what its kernel has loaded is a fact, so there is no modprobe to ask.
     *
     * @param nvidiaSmiXml nvidia-smi -q -x output for GPU modes; null to judge without them
     * @param imageTree read the node's installed tree too (module trees, /etc, packages) where it has one
     */
    public Judged judgeHost(Path root, Path nvidiaSmiXml, boolean imageTree) {
        Facts facts = HostInspector.inspect(new HostInspector.Request(root, nvidiaSmiXml,
                io.nodeimage.policy.HostQuestions.sysctlKeys(policies), filePaths(), imageTree,
                io.nodeimage.policy.HostQuestions.moduleParameters(policies)));
        List<String> warnings = new java.util.ArrayList<>();
        Evaluator.Evaluation evaluation = new Evaluator(settings.today(), settings.waivers(), settings.moduleSigners())
                .judge(policies, facts, target(facts, null, warnings));
        warnings.addAll(evaluation.warnings());
        // What could not be read is said in every report, not only in facts.json.
        facts.findings().forEach(f -> warnings.add(f.path() + ": " + f.message()));
        return new Judged(facts, FactsJson.write(facts), evaluation, warnings,
                KmodCrossCheck.Result.skipped("a running node: its loaded modules are read from its kernel"));
    }

    /** Evaluates every policy against facts already read, with modprobe's answers when there are any. */
    public Judged judge(Facts inspected, Profile profile, KmodCrossCheck.Result crossCheck) {
        Facts facts = CrossChecked.fold(inspected, crossCheck);
        List<String> warnings = new java.util.ArrayList<>();
        Evaluator.Target target = target(facts, profile, warnings);
        Evaluator.Evaluation evaluation = new Evaluator(settings.today(), settings.waivers(), settings.moduleSigners()).judge(policies, facts, target);
        warnings.addAll(evaluation.warnings());
        if (!crossCheck.ran()) {
            warnings.add(CrossChecked.summary(crossCheck));
        }
        List<RuleResult> results = new java.util.ArrayList<>(evaluation.results());
        results.addAll(CrossChecked.findings(crossCheck, settings.crossCheck() == null ? Policy.Severity.HIGH
                : settings.crossCheck()));
        evaluation = new Evaluator.Evaluation(results, evaluation.unusedWaivers(), evaluation.warnings());
        return new Judged(facts, FactsJson.write(facts), evaluation, warnings, crossCheck);
    }

    /**
     * The image is judged as what it is: the OS from its own os-release (a profile's OS only where the
     * image has none), the profile for names and waivers; a profile that says otherwise is a warning.
     */
    static Evaluator.Target target(Facts facts, Profile profile, List<String> warnings) {
        String family = facts.osRelease().getOrDefault("ID", "");
        String release = facts.osRelease().getOrDefault("VERSION_ID", "");
        String arch = "arm64".equals(facts.architecture()) ? "aarch64" : "x86_64";
        if (profile == null) {
            return new Evaluator.Target(null, family, release, arch);
        }
        String pFamily = profile.os().family().yamlName();
        String pRelease = profile.os().release();
        String pArch = profile.os().arch().yamlName();
        if (family.isEmpty()) {
            family = pFamily;
            release = pRelease;
        } else if (!family.equals(pFamily) || !(release.equals(pRelease) || release.startsWith(pRelease + ".")
                || pRelease.startsWith(release + "."))) {
            warnings.add("profile " + profile.name() + " describes " + pFamily + " " + pRelease + ", but the image is "
                    + family + " " + release + " (its /etc/os-release): judged as the image");
        }
        if (!arch.equals(pArch) && facts.architecture() != null && !facts.architecture().isEmpty()) {
            warnings.add("profile " + profile.name() + " describes " + pArch + ", but the image is " + arch
                    + ": judged as the image");
        }
        List<String> vendors = profile.accelerators().stream().map(a -> a.vendor().yamlName()).distinct().toList();
        return new Evaluator.Target(profile.name(), family, release, arch, vendors,
                Policy.features(profile.platform()));
    }

    public Outcome verify(String image, Profile profile, String profileDigest, Path directory) {
        return verify(image, profile, profileDigest, directory, line -> { });
    }

    /**
     * Removes the reports and certificate of the last run first, before the image is read: a run that
     * fails on the way leaves none of them to be taken for its own.
     *
     * @param log told which files of the last run were removed
     */
    public Outcome verify(String image, Profile profile, String profileDigest, Path directory,
                          java.util.function.Consumer<String> log) {
        List<String> removed = io.nodeimage.ProfileOutputs.removeFrom(directory, io.nodeimage.ProfileOutputs.Stage.VERIFY);
        if (!removed.isEmpty()) {
            log.accept("removed " + String.join(", ", removed) + " of the previous verify in " + directory);
        }
        return write(judge(image, profile), profile, profileDigest, directory);
    }



    /** Writes the reports and the verification record of a judged image: the same bytes for the same input. */
    public Outcome write(Judged judged, Profile profile, String profileDigest, Path directory) {
        Facts facts = judged.facts();
        String image = facts.image();
        List<RuleResult> results = judged.results();
        Policy.Severity failOn = settings.failOn();
        LocalDate today = settings.today();
        Verdict verdict = new Verdict(image, facts.imageId(), profile == null ? null : profile.name(), today.toString(),
                results, failOn, settings.strict(), policies.stream().filter(p -> !p.waiversOnly())
                .map(p -> p.policy().name() + " " + p.policy().version() + " (" + p.file() + ")").toList(),
                judged.evaluation().unusedWaivers(), judged.warnings());
        String factsJson = judged.factsJson();
        AtomicFiles.write(directory.resolve(io.nodeimage.ProfileOutputs.FACTS), factsJson);
        AtomicFiles.write(directory.resolve("report.json"), ReportWriters.json(verdict, facts));
        AtomicFiles.write(directory.resolve("junit.xml"), ReportWriters.junit(verdict));
        AtomicFiles.write(directory.resolve("report.sarif"), ReportWriters.sarif(verdict, Version.current()));
        AtomicFiles.write(directory.resolve("summary.md"), ReportWriters.markdown(verdict));
        AtomicFiles.write(directory.resolve(RECORD), Verification.write(new Verification(image, facts.imageId(),
                profile == null ? null : profile.name(), profileDigest, today.toString(), failOn.yamlName(),
                verdict.passed(), Digests.sha256(factsJson), Verification.sets(sets), Verification.results(results),
                Verification.signers(settings.moduleSigners()))));
        // When it did not run, the verdict's warnings already say why.
        return new Outcome(verdict, facts, directory,
                judged.crossCheck().ran() ? CrossChecked.summary(judged.crossCheck()) : null);
    }

    /** Throws a violation when the verdict has blocking findings. */
    public static void requirePassed(List<Outcome> outcomes) {
        StringBuilder message = new StringBuilder();
        for (Outcome o : outcomes) {
            for (RuleResult r : o.verdict().blocking()) {
                message.append(System.lineSeparator()).append("  ").append(o.verdict().image()).append(": ")
                        .append(r.ruleId()).append(" (").append(r.severity().yamlName()).append(", ").append(r.policy())
                        .append(r.location() == null ? "" : " at " + r.location()).append("): ")
                        .append(r.undecided() ? "not checked: " : "").append(r.message());
            }
        }
        if (message.length() > 0) {
            boolean nodes = outcomes.stream().anyMatch(o -> o.facts() != null && o.facts().runtime() != null);
            throw new ViolationException("policy violations at or above the failOn severity, or rules that must be "
                    + "checked and were not:" + message,
                    (nodes ? "fix the node (or the image and profile it was made from)" : "fix the image or its profile")
                            + ", or add a waiver with reason, approver and expiry (a policy or a waiver file); "
                            + (nodes ? "for a GPU rule not checked, give nvidia-smi -q -x output (nodeimage.host.nvidiaSmiXml)"
                            : "for a rule not checked, do what its reason says (name the image's profile, "
                            + "give the site's module signers with " + SiteSigners.PROPERTY + ")")
                            + "; reports are in summary.md, junit.xml and report.sarif beside facts.json");
        }
    }
}
