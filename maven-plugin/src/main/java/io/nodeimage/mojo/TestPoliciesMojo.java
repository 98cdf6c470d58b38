package io.nodeimage.mojo;

import io.nodeimage.policy.PolicyTests;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs the policy tests written in YAML (facts in, the expected status of each rule out) against the
 * project's policies and the bundled ones; fails listing every expectation that did not hold.
 *
 * @since 0.1.0
 */
@Mojo(name = "test-policies", defaultPhase = LifecyclePhase.TEST, threadSafe = true)
public class TestPoliciesMojo extends AbstractPolicyMojo {

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.TEST_POLICIES_SKIP, defaultValue = "false")
    boolean skipTestPolicies;

    @Override
    String goal() {
        return "test-policies";
    }

    @Override
    boolean skipGoal() {
        return skipTestPolicies;
    }

    @Override
    void run() {
        if (!policyTestsDirectory.isDirectory()) {
            getLog().info("No policy tests in " + policyTestsDirectory);
            return;
        }
        PolicyTests.Report report = PolicyTests.requirePassed(PolicyTests.run(policyTestsDirectory.toPath(),
                basedir.toPath(), policies(true), today(), true));
        getLog().info(report.files() + " policy test files, " + report.cases() + " cases, " + report.expectations()
                + " expectations: all hold");
    }
}
