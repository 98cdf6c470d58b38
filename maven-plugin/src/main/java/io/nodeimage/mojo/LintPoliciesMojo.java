package io.nodeimage.mojo;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Lints policies, waiver files and policy tests without judging anything: every problem of every file
 * with its file:line:column, rule ids used twice in the run, waivers of rules that no policy has, tests
 * that name unknown policies or rules, and waivers that conflict, run too long or expire soon.
 *
 * @since 0.1.0
 */
@Mojo(name = "lint-policies", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class LintPoliciesMojo extends AbstractPolicyMojo {

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.LINT_SKIP, defaultValue = "false")
    boolean skipLint;

    @Override
    String goal() {
        return "lint-policies";
    }

    @Override
    boolean skipGoal() {
        return skipLint;
    }

    @Override
    void run() {
        lintPolicies();
    }
}
