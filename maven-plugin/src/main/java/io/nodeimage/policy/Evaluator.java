package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Judges an image's facts against policies, applying the waiver in force on the given day. A policy that
 * does not apply says why: decided from the image (its OS, its drivers) or undecided (it selects profiles,
 * and no profile was named), which a verdict may not treat as a pass.
 */
public final class Evaluator {

    private final LocalDate today;
    private final Waivers.Limits limits;
    private final SiteSigners signers;

    public Evaluator(LocalDate today) {
        this(today, Waivers.Limits.NONE);
    }

    public Evaluator(LocalDate today, Waivers.Limits limits) {
        this(today, limits, SiteSigners.NONE);
    }

    /** @param signers the run's site module signers, which rules name as site:module-signers */
    public Evaluator(LocalDate today, Waivers.Limits limits, SiteSigners signers) {
        this.today = today;
        this.limits = limits;
        this.signers = signers;
    }

    /**
     * What the policy's appliesTo and waivers are matched against: the image's OS (from its own
     * os-release), the profile it was made from (null when judged without one) and the accelerator
     * vendors that profile declares.
     */
    /** {@code features}: the platform features the profile declares (hmm, nested-virtualization, mpam); none without one. */
    public record Target(String profile, String family, String release, String arch, List<String> accelerators,
                         List<String> features) {
        public Target {
            accelerators = accelerators == null ? List.of() : List.copyOf(accelerators);
            features = features == null ? List.of() : List.copyOf(features);
        }

        public Target(String profile, String family, String release, String arch, List<String> accelerators) {
            this(profile, family, release, arch, accelerators, List.of());
        }

        public Target(String profile, String family, String release, String arch) {
            this(profile, family, release, arch, List.of());
        }

        String describe() {
            return family + " " + release + " " + arch + (profile == null ? " (no profile)" : " (profile " + profile + ")");
        }
    }

    /** A waiver that waived nothing in this run, and why: a stale exception an auditor should see. */
    public record UnusedWaiver(Waivers.Entry entry, String reason) {
    }

    /** Every rule's result, the waivers that waived nothing, and warnings (waivers about to expire). */
    public record Evaluation(List<RuleResult> results, List<UnusedWaiver> unusedWaivers, List<String> warnings) {
    }

    public List<RuleResult> evaluate(List<LoadedPolicy> policies, Facts facts, Target target) {
        return judge(policies, facts, target).results();
    }

    /** Judges every rule; two waivers of a rule in force at once, or one too long, stop the run. */
    public Evaluation judge(List<LoadedPolicy> policies, Facts facts, Target target) {
        Waivers waivers = Waivers.of(policies);
        List<String> problems = waivers.problems(target.profile(), today, limits);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems.size() + " problems with waivers:" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", problems),
                    "a rule has at most one waiver in force on a day, within the length the site allows");
        }
        List<RuleResult> out = new ArrayList<>();
        Set<Waivers.Entry> considered = new HashSet<>();
        for (LoadedPolicy lp : policies) {
            Policy p = lp.policy();
            Applicability applies = applicability(p.appliesTo(), target, facts);
            for (Policy.Rule rule : p.rules()) {
                if (!applies.applies()) {
                    out.add(result(lp, rule, RuleResult.Status.NOT_APPLICABLE, applies.reason(), new RuleChecks.Look(), null, false,
                            applies.undecided()));
                    continue;
                }
                Optional<RuntimeChecks.Skip> skip = PlatformChecks.handles(rule) ? PlatformChecks.skip(rule, facts)
                        : RuntimeChecks.skip(rule, facts);
                if (skip.isPresent()) {
                    out.add(result(lp, rule, RuleResult.Status.NOT_APPLICABLE, skip.get().reason(), new RuleChecks.Look(),
                            null, false, skip.get().undecided()));
                    continue;
                }
                if (rule.kernelModules() != null && SiteSigners.named(rule.kernelModules()) && signers.isEmpty()
                        && !KernelBuiltInKeys.named(rule.kernelModules())
                        && lp.certificates(rule.kernelModules().trustedCertificates()).isEmpty()) {
                    // Only the site's keys would judge, and there are none: nothing to judge with. A rule that
                    // also trusts the kernel's own keys judges with those, as a node without a MOK does.
                    out.add(result(lp, rule, RuleResult.Status.NOT_APPLICABLE, "the rule trusts the site's "
                            + "module signers (" + SiteSigners.ENTRY + "), and this run was given none; "
                            + SiteSigners.howToGive(), new RuleChecks.Look(), null, false, true));
                    continue;
                }
                RuleChecks.Look look = new RuleChecks.Look();
                Optional<String> failure = PlatformChecks.handles(rule) ? PlatformChecks.check(rule, facts, look)
                        : RuntimeChecks.handles(rule, facts) ? RuntimeChecks.check(rule, facts, look)
                        : RuleChecks.check(rule, facts, look, lp, signers);
                if (failure.isEmpty()) {
                    out.add(result(lp, rule, RuleResult.Status.PASS, "holds", look, null, false, false));
                    continue;
                }
                Waivers.Choice choice = waivers.choose(Waivers.fullId(p.name(), rule.id()), target.profile(), today);
                if (choice.inForce() != null) {
                    Policy.Waiver w = choice.inForce().waiver();
                    considered.add(choice.inForce());
                    out.add(result(lp, rule, RuleResult.Status.WAIVED, failure.get() + "; waived until "
                            + w.expires() + " by " + w.approvedBy() + ": " + w.reason(), look, w, false, false));
                } else if (choice.expired() != null) {
                    considered.add(choice.expired());
                    out.add(result(lp, rule, RuleResult.Status.FAIL, failure.get() + "; its waiver expired on "
                            + choice.expired().waiver().expires(), look, choice.expired().waiver(), true, false));
                } else if (choice.notYet() != null) {
                    considered.add(choice.notYet());
                    out.add(result(lp, rule, RuleResult.Status.FAIL, failure.get() + "; its waiver starts on "
                            + choice.notYet().waiver().from(), look, null, false, false));
                } else {
                    out.add(result(lp, rule, RuleResult.Status.FAIL, failure.get(), look, null, false, false));
                }
            }
        }
        return new Evaluation(out, unused(waivers, considered, out, target),
                waivers.expiringSoon(target.profile(), today, limits));
    }

    private List<UnusedWaiver> unused(Waivers waivers, Set<Waivers.Entry> considered, List<RuleResult> results,
                                      Target target) {
        List<UnusedWaiver> out = new ArrayList<>();
        for (Waivers.Entry e : waivers.all()) {
            if (considered.contains(e)) {
                continue;
            }
            Optional<RuleResult> r = results.stream().filter(x -> x.fullId().equals(e.rule())).findFirst();
            String reason;
            if (!matchesProfile(e.waiver().profiles(), target.profile())) {
                reason = "it covers profiles " + e.waiver().profiles() + ", and the image was judged "
                        + (target.profile() == null ? "without a profile" : "as " + target.profile());
            } else if (r.isEmpty()) {
                reason = "no rule " + e.rule() + " was judged";
            } else if (r.get().status() == RuleResult.Status.PASS) {
                reason = "the rule passes" + (e.inForce(today) ? "" : LocalDate.parse(e.waiver().expires()).isBefore(today)
                        ? "; the waiver expired on " + e.waiver().expires() : "; the waiver starts on " + e.waiver().from());
            } else if (r.get().status() == RuleResult.Status.NOT_APPLICABLE) {
                reason = "the rule is not applicable: " + r.get().message();
            } else {
                reason = "another waiver of the rule was in force";
            }
            out.add(new UnusedWaiver(e, reason));
        }
        return out;
    }

    private static RuleResult result(LoadedPolicy lp, Policy.Rule rule, RuleResult.Status status, String message,
                                     RuleChecks.Look look, Policy.Waiver waiver, boolean expired, boolean undecided) {
        return new RuleResult(lp.policy().name(), lp.policy().version(), rule, status, message, look.evidence,
                lp.ruleLocations().get(rule.id()), waiver, expired, look.imagePath, undecided);
    }

    /** Whether a policy applies, and if not, why, and whether the image could decide it. */
    record Applicability(boolean applies, boolean undecided, String reason) {
        static final Applicability YES = new Applicability(true, false, "");

        static Applicability no(String reason) {
            return new Applicability(false, false, reason);
        }
    }

    static Applicability applicability(Policy.AppliesTo a, Target t, Facts facts) {
        if (!a.family().isEmpty() && !a.family().contains(t.family())) {
            return Applicability.no("the policy is for " + String.join(", ", a.family()) + "; the image is " + t.describe());
        }
        if (!a.release().isEmpty() && a.release().stream().noneMatch(r -> releaseMatches(r, t.release()))) {
            return Applicability.no("the policy is for releases " + String.join(", ", a.release()) + "; the image is "
                    + t.describe());
        }
        if (!a.arch().isEmpty() && !a.arch().contains(t.arch())) {
            return Applicability.no("the policy is for " + String.join(", ", a.arch()) + "; the image is " + t.describe());
        }
        if (!a.drivers().isEmpty() && facts.drivers().stream().noneMatch(d -> a.drivers().contains(d.vendor()) && !inbox(d))
                && t.accelerators().stream().noneMatch(a.drivers()::contains)) {
            boolean onlyInbox = facts.drivers().stream().anyMatch(d -> a.drivers().contains(d.vendor()));
            return Applicability.no("the image has no " + String.join(" or ", a.drivers()) + " driver module"
                    + (onlyInbox ? " beyond the kernel's own amdgpu, which every x86_64 distribution kernel carries" : "")
                    + (t.profile() == null ? "" : ", and profile " + t.profile() + " declares no such accelerator"));
        }
        List<String> missing = a.features().stream().filter(f -> !t.features().contains(f)).toList();
        if (!missing.isEmpty()) {
            return Applicability.no("the policy is for profiles that declare " + String.join(", ", a.features())
                    + (t.profile() == null ? "; the image was judged without a profile, which declares no feature"
                    : "; profile " + t.profile() + " does not declare " + String.join(", ", missing)));
        }
        List<String> declared = a.withoutFeatures().stream().filter(t.features()::contains).toList();
        if (!declared.isEmpty()) {
            return Applicability.no("the policy is for profiles that do not declare " + String.join(", ", a.withoutFeatures())
                    + "; profile " + t.profile() + " declares " + String.join(", ", declared));
        }
        if (!a.profiles().isEmpty() && t.profile() == null) {
            return new Applicability(false, true, "the policy selects profiles " + String.join(", ", a.profiles())
                    + ", and the image was judged without a profile, so it could not tell whether it applies; name "
                    + "the profile (nodeimage.profiles), or let the policy select by what the image holds (appliesTo.drivers)");
        }
        if (!matchesProfile(a.profiles(), t.profile())) {
            return Applicability.no("the policy selects profiles " + String.join(", ", a.profiles())
                    + "; the image was made from " + t.profile());
        }
        return Applicability.YES;
    }

    /**
     * The kernel's own amdgpu (in the tree, not added by amdgpu-dkms) is in every x86_64 distribution kernel: it
     * says nothing about whether the image is an AMD GPU node, so appliesTo.drivers does not count it (the
     * profile's accelerators still do).
     */
    private static boolean inbox(Facts.Driver d) {
        return d.vendor().equals("amd") && "inbox".equals(d.flavor());
    }

    /** "9" covers "9.6": a policy may name a major release. */
    static boolean releaseMatches(String wanted, String actual) {
        return actual != null && (actual.equals(wanted) || actual.startsWith(wanted + "."));
    }

    static boolean matchesProfile(List<String> globs, String profile) {
        if (globs.isEmpty()) {
            return true;
        }
        if (profile == null) {
            return false;
        }
        return globs.stream().anyMatch(g -> FileSystems.getDefault().getPathMatcher("glob:" + g).matches(Path.of(profile)));
    }
}
