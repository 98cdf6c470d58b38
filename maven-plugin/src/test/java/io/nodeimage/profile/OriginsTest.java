package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Planner;
import io.nodeimage.plan.Step;
import io.nodeimage.render.Renderer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendered lines from profile values name the profile file and line they were written on. */
class OriginsTest {

    @TempDir
    Path project;

    private ResolvedProfile site() {
        return new ProfileFixtures(project)
                .profile("base", MINIMAL_BODY + """
                        abstract: true
                        packages:
                          install: [openssh-server, auditd]
                        sysctl:
                          kernel.kptr_restrict: "2"
                        """)
                .profile("site", """
                        extends: base
                        packages:
                          install+:
                            - site-agent
                        sysctl:
                          vm.swappiness: "10"
                        kernel:
                          cmdline+: [iommu=pt]
                        files:
                          - path: /etc/site.conf
                            content: "x\\n"
                        """).resolve("site");
    }

    @Test
    void eachValueNamesTheLineItWasWrittenOnAcrossTheChain() {
        Plan plan = new Planner(Map.of()).plan(site());
        Step.InstallPackages install = plan.steps(Step.InstallPackages.class).stream()
                .filter(s -> s.because().equals("packages.install")).findFirst().orElseThrow();
        assertThat(plan.origin(install)).isEqualTo("packages.install: profiles/base.yaml:8, profiles/site.yaml:7");
        assertThat(plan.origins().of(install, "site-agent")).contains("profiles/site.yaml:7");
        Step.Sysctl sysctl = plan.steps(Step.Sysctl.class).get(0);
        assertThat(plan.origins().of(sysctl, "kernel.kptr_restrict")).contains("profiles/base.yaml:10");
        assertThat(plan.origins().of(sysctl, "vm.swappiness")).contains("profiles/site.yaml:9");
        Step.WriteFile file = plan.steps(Step.WriteFile.class).stream().filter(f -> f.path().equals("/etc/site.conf"))
                .findFirst().orElseThrow();
        assertThat(plan.origin(file)).isEqualTo("files: profiles/site.yaml:13");
        // plan.txt and provision.sh carry them.
        assertThat(plan.describe()).contains("[packages.install: profiles/base.yaml:8, profiles/site.yaml:7]");
        String script = new Renderer(Map.of(), false).render(site()).get("provision.sh");
        assertThat(script).contains("  # packages.install: profiles/base.yaml:8, profiles/site.yaml:7\n  apt-get install")
                .contains("# sysctl: profiles/site.yaml:9\nvm.swappiness = 10")
                .contains("  # files: profiles/site.yaml:13\n  write_file /etc/site.conf");
    }

    @Test
    void aPlanWithoutTheTreeSaysOnlyWhy() {
        Plan plan = new Planner(Map.of()).plan(site().profile());
        Step.InstallPackages install = plan.steps(Step.InstallPackages.class).get(0);
        assertThat(plan.origin(install)).isEqualTo("packages.install");
    }
}
