package io.nodeimage.mojo;

import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.PolicyLint;
import io.nodeimage.policy.PolicyRepository;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.PolicySets;
import io.nodeimage.ConfigurationException;
import io.nodeimage.policy.Waivers;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that read policies: where the project keeps them, sets fetched from git, and the bundled catalog. */
abstract class AbstractPolicyMojo extends AbstractNodeimageMojo {

    /**
     * The project's policies and waivers.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICIES_DIRECTORY, defaultValue = "${basedir}/src/main/nodeimage/policies")
    File policiesDirectory;

    /**
     * Policy sets kept in git repositories (a security team's): name, url, ref (tag, branch or commit),
     * optionally the commit the ref must resolve to and the folder inside the repository.
     *
     * @since 0.1.0
     */
    @Parameter
    List<PolicySetParameter> policySets;

    /**
     * Where fetched policy repositories are cached; offline builds use this cache.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICY_CACHE, defaultValue = "${settings.localRepository}/../nodeimage/policy-repositories")
    File policyCache;

    /**
     * The policy tests: *.yaml (or *.yml) files of kind PolicyTest.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.POLICY_TESTS_DIRECTORY, defaultValue = "${basedir}/src/test/nodeimage/policies")
    File policyTestsDirectory;

    @Parameter(defaultValue = "${settings.offline}", readonly = true)
    boolean offline;

    /**
     * The day waivers are judged on, YYYY-MM-DD: today when absent. Set a later day to see which waivers
     * will have expired by then.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AS_OF)
    String asOf;

    /**
     * Strict mode: a policy that cannot tell whether it applies (it selects profiles, and an image is
     * judged without one) fails the run whatever the severity of its rules; otherwise only critical ones do.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.STRICT, defaultValue = "false")
    boolean strict;

    /**
     * Warn when a waiver that applies expires within this many days; 0 never warns.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.WAIVERS_WARN_DAYS, defaultValue = "30")
    int waiverWarnDays;

    /**
     * Refuse waivers that run longer than this many days (from their 'from' day, or from the day judged);
     * 0 for no limit.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.WAIVERS_MAX_DAYS, defaultValue = "0")
    int waiverMaxDays;


    /** The day judged: {@code asOf}, else today. */
    LocalDate today() {
        if (asOf == null || asOf.isBlank()) {
            return LocalDate.now();
        }
        try {
            return LocalDate.parse(asOf.strip());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(PropertyNames.AS_OF + " '" + asOf + "' is not a date",
                    "write YYYY-MM-DD, such as -D" + PropertyNames.AS_OF + "=2027-01-31");
        }
    }

    Waivers.Limits waiverLimits() {
        if (waiverWarnDays < 0 || waiverMaxDays < 0) {
            throw new ConfigurationException("waiver day counts cannot be negative (warnDays " + waiverWarnDays
                    + ", maxDays " + waiverMaxDays + ")", "use 0 to turn a limit off");
        }
        return new Waivers.Limits(waiverWarnDays, waiverMaxDays);
    }

    /** Every policy, in one list, as the policy tests see them. */
    List<LoadedPolicy> policies(boolean withCatalog) {
        return PolicySet.flatten(policySets(withCatalog));
    }

    /** The project's set, the git sets (fetched or from the cache), and the catalog when asked. */
    List<PolicySet> policySets(boolean withCatalog) {
        PolicySets.Read read = readPolicySets(withCatalog);
        PolicySets.require(read.problems(), "policies");
        return read.sets();
    }

    /**
     * The sets a profile's image is judged by: these, and the profile's own rules when {@code profilePolicy}
     * is on (verify, certify and check-certificate must agree, as for the catalog).
     */
    static List<PolicySet> forProfile(List<PolicySet> sets, io.nodeimage.profile.ResolvedProfile profile,
                                      boolean profilePolicy) {
        if (!profilePolicy || profile == null) {
            return sets;
        }
        List<PolicySet> out = new ArrayList<>(sets);
        out.add(io.nodeimage.policy.ProfilePolicy.set(profile));
        return out;
    }

    /** Lints every policy, waiver file and policy test, and logs what it found; stops on any problem. */
    void lintPolicies() {
        PolicyLint.Report report = PolicyLint.run(readPolicySets(true), policyTestsDirectory.toPath(), basedir.toPath(),
                today(), waiverLimits());
        report.warnings().forEach(w -> getLog().warn(w));
        getLog().info(report.policies() + " policies (" + report.rules() + " rules), " + report.waivers() + " waivers, "
                + report.testFiles() + " policy test files (" + report.cases() + " cases): no problems");
    }

    /**
     * The site module signers from the goal's {@code trustedModuleSigners}: comma-separated paths relative
     * to the project, read once; a missing or unreadable file, or one without a certificate, stops the run.
     */
    io.nodeimage.policy.SiteSigners moduleSigners(List<String> files) {
        List<Path> paths = new ArrayList<>();
        if (files != null) {
            for (String f : files) {
                if (f != null && !f.isBlank()) {
                    paths.add(basedir.toPath().resolve(f.strip()));
                }
            }
        }
        io.nodeimage.policy.SiteSigners signers = io.nodeimage.policy.SiteSigners.read(paths, basedir.toPath(),
                PropertyNames.TRUSTED_MODULE_SIGNERS);
        if (!signers.isEmpty()) {
            getLog().info("Site module signers: " + signers.certificates().size() + " certificates from "
                    + String.join(", ", signers.files().stream().map(io.nodeimage.policy.TrustedCertificate::file).toList()));
        }
        return signers;
    }

    /** Each line at the level of what it does to the build: ERROR only for what fails it. */
    void logVerdict(io.nodeimage.report.Verdict v, Path directory) {
        for (io.nodeimage.report.VerdictLines.Line line : io.nodeimage.report.VerdictLines.of(v, directory)) {
            switch (line.level()) {
                case INFO -> getLog().info(line.text());
                case WARN -> getLog().warn(line.text());
                case ERROR -> getLog().error(line.text());
            }
        }
    }

    private PolicySets.Read readPolicySets(boolean withCatalog) {
        List<PolicyRepository.Fetched> fetched = new ArrayList<>();
        if (policySets != null) {
            Path checkout = outputDirectory.toPath().resolve("policy-sets");
            for (PolicySetParameter p : policySets) {
                PolicyRepository.Fetched f = p.toRepository().fetch(policyCache.toPath().normalize(), checkout, offline);
                getLog().info("Policy set " + p.name + " from " + io.nodeimage.Urls.withoutCredentials(p.url) + " at "
                        + p.ref + ": commit " + f.commit());
                fetched.add(f);
            }
        }
        return PolicySets.read(policiesDirectory.toPath(), basedir.toPath(), projectVersion, fetched, withCatalog);
    }

    /** The public key given, checked against the pinned fingerprint; null when none was given. */
    io.nodeimage.signing.VerificationKey verificationKey(java.io.File publicKey, String publicKeyFingerprint) {
        if (publicKey == null) {
            if (publicKeyFingerprint != null && !publicKeyFingerprint.isBlank()) {
                throw new io.nodeimage.ConfigurationException(PropertyNames.PUBLIC_KEY_FINGERPRINT + " is pinned, but no public key "
                        + "was given to check signatures with", "give the key whose fingerprint is pinned: -D"
                        + PropertyNames.PUBLIC_KEY + "=<PEM file>");
            }
            return null;
        }
        return io.nodeimage.signing.VerificationKey.pinned(publicKey.toPath(),
                io.nodeimage.yaml.SourceFiles.shown(publicKey.toPath(), basedir.toPath()), publicKeyFingerprint,
                PropertyNames.PUBLIC_KEY_FINGERPRINT);
    }
}
