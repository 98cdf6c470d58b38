package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.render.RenderService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

/**
 * The demo profile rendered, built by the real engine from the locally seeded base, and the image
 * checked against the plan: modprobe itself reports the install override, the configuration files are
 * in place, the removed package is gone, hostile text arrived as text.
 */
@ExtendWith(DockerRequired.class)
class DemoImageBuildTest {

    private static final String DEMO_TAG = "nodeimage-it/debian-12-demo:test";
    private static final String HOSTILE_TAG = "nodeimage-it/demo-hostile:test";

    @TempDir
    static Path work;

    private static GenericContainer<?> demo;
    private static GenericContainer<?> hostile;

    @BeforeAll
    static void renderAndBuild() throws Exception {
        Path profiles = Files.createDirectories(work.resolve("profiles"));
        Files.copy(Path.of("src/test/resources/hostile/demo-hostile.yaml"), profiles.resolve("demo-hostile.yaml"));
        ProfileSources sources = ProfileSources.withBundledCatalog(profiles, work);
        List<ResolvedProfile> resolved = new ProfileResolver(sources).resolveAll(List.of("debian-12-demo", "demo-hostile"));
        Path out = work.resolve("out");
        new RenderService(Map.of(), false).render(resolved, out);
        assertThat(out.resolve("debian-12-demo/Containerfile")).as("rendered").isRegularFile();
        demo = LocalImages.start(LocalImages.build(out.resolve("debian-12-demo"), DEMO_TAG));
        hostile = LocalImages.start(LocalImages.build(out.resolve("demo-hostile"), HOSTILE_TAG));
    }

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(java.util.Arrays.asList(demo, hostile), DEMO_TAG, HOSTILE_TAG);
    }

    private static String run(GenericContainer<?> c, String... command) throws Exception {
        Container.ExecResult result = c.execInContainer(command);
        assertThat(result.getExitCode()).as(String.join(" ", command) + ": " + result.getStderr()).isZero();
        return result.getStdout();
    }

    @Test
    void modprobeReportsTheInstallOverrideForDisabledModules() throws Exception {
        // modprobe is the oracle: -n (dry run) -v prints what it would do.
        assertThat(run(demo, "modprobe", "-n", "-v", "cramfs")).isEqualTo("install /bin/false \n");
        assertThat(run(demo, "modprobe", "-n", "-v", "nouveau")).isEqualTo("install /bin/false \n");
        assertThat(run(demo, "modprobe", "-n", "-v", "usb_storage")).as("'-' and '_' are one module")
                .isEqualTo("install /bin/false \n");
    }

    @Test
    void configurationFilesAreInPlace() throws Exception {
        assertThat(run(demo, "cat", "/etc/sysctl.d/60-nodeimage.conf"))
                .contains("kernel.kptr_restrict = 2")
                .contains("# CIS-DEBIAN12-3.3.10 (CIS Debian Linux 12 Benchmark v1.1.0 3.3.10)\nnet.ipv4.tcp_syncookies = 1");
        assertThat(run(demo, "cat", "/etc/modprobe.d/nodeimage-options.conf")).contains("options loop max_loop=16");
        assertThat(run(demo, "cat", "/etc/modprobe.d/nodeimage-disable.conf"))
                .contains("# CIS-DEBIAN12-1.1.1.1 (CIS Debian Linux 12 Benchmark v1.1.0 1.1.1.1)\nblacklist cramfs\ninstall cramfs /bin/false");
        assertThat(run(demo, "stat", "-c", "%a %U", "/etc/ssh/sshd_config.d/50-nodeimage-hardening.conf"))
                .isEqualTo("600 root\n");
        // The banner the CIS Banner item points sshd at is written with it.
        assertThat(run(demo, "cat", "/etc/issue.net")).startsWith("Authorized use only.");
    }

    @Test
    void packagesAreInstalledAndRemovedAsThePlanSays() throws Exception {
        assertThat(run(demo, "dpkg-query", "-W", "-f=${Status}", "procps")).isEqualTo("install ok installed");
        Container.ExecResult removed = demo.execInContainer("dpkg-query", "-W", "-f=${Status}", "tzdata");
        assertThat(removed.getStdout()).doesNotContain("install ok installed");
        assertThat(run(demo, "sh", "-c", "ls /var/lib/apt/lists | wc -l")).as("apt lists removed in the same layer")
                .isEqualTo("0\n");
    }

    @Test
    void provisionScriptIsIdempotent() throws Exception {
        String files = "/etc/modprobe.d/nodeimage-disable.conf /etc/modprobe.d/nodeimage-options.conf "
                + "/etc/sysctl.d/60-nodeimage.conf /etc/ssh/sshd_config.d/50-nodeimage-hardening.conf";
        String built = LocalImages.execAsRoot(demo, "sh", "-c", "sha256sum " + files + " && stat -c '%a %U %G %n' " + files);
        // Every phase that needs no network, run twice more on the built image.
        for (int run = 0; run < 2; run++) {
            String output = LocalImages.execAsRoot(demo, "bash", "-c", "bash /usr/local/libexec/nodeimage/provision.sh "
                    + "modules kernel sysctl files users services initramfs && echo PROVISIONED");
            assertThat(output).endsWith("PROVISIONED\n");
        }
        assertThat(LocalImages.execAsRoot(demo, "sh", "-c", "sha256sum " + files + " && stat -c '%a %U %G %n' " + files))
                .isEqualTo(built);
        assertThat(LocalImages.execAsRoot(demo, "sh", "-c", "ls /etc/modprobe.d/ /etc/sysctl.d/ | grep -c nodeimage-tmp || true"))
                .isEqualTo("0\n");
    }

    @Test
    void theDemoImagePassesTheBundledPolicies() throws Exception {
        var policies = io.nodeimage.policy.PolicySets.load(null, null, "", List.of(), true);
        var profile = new ProfileResolver(ProfileSources.withBundledCatalog(null, null)).resolve("debian-12-demo").profile();
        var outcome = new io.nodeimage.report.VerifyService(policies, io.nodeimage.policy.Policy.Severity.HIGH,
                java.time.LocalDate.now()).verify(DEMO_TAG, profile, work.resolve("verify-demo"));
        var verdict = outcome.verdict();
        assertThat(verdict.passed()).as(verdict.results().toString()).isTrue();
        assertThat(verdict.count(io.nodeimage.policy.RuleResult.Status.FAIL)).isZero();
        assertThat(verdict.results()).filteredOn(r -> r.ruleId().equals("NODE-HARD-001")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(io.nodeimage.policy.RuleResult.Status.PASS));
        assertThat(verdict.results()).filteredOn(r -> r.ruleId().equals("NODE-SB-001")).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("no kernel module tree"));
        for (String file : List.of("facts.json", "report.json", "junit.xml", "report.sarif", "summary.md")) {
            assertThat(work.resolve("verify-demo").resolve(file)).isRegularFile();
        }
    }

    @Test
    void eachImageHoldsWhatItsOwnProfileAsksAndAnImageWithoutItFailsNamingTheProfileKey() throws Exception {
        ProfileSources sources = ProfileSources.withBundledCatalog(work.resolve("profiles"), work);
        ResolvedProfile hostile = new ProfileResolver(sources).resolve("demo-hostile");
        var settings = new io.nodeimage.report.VerifyService.Settings(io.nodeimage.policy.Policy.Severity.HIGH,
                java.time.LocalDate.now(), false, io.nodeimage.policy.Waivers.Limits.NONE, null);
        var service = new io.nodeimage.report.VerifyService(List.of(), settings)
                .with(io.nodeimage.policy.ProfilePolicy.set(hostile));
        String file = "profile:files/etc/nodeimage-hostile.txt";

        var built = service.judge(HOSTILE_TAG, hostile.profile()).results();
        assertThat(built).extracting(r -> r.ruleId()).contains(file, "profile:packages.remove/tzdata",
                "profile:sysctl/net.ipv4.conf.all.accept_redirects");
        assertThat(built).allSatisfy(r -> assertThat(r.status()).as(r.ruleId() + ": " + r.message())
                .isIn(io.nodeimage.policy.RuleResult.Status.PASS, io.nodeimage.policy.RuleResult.Status.NOT_APPLICABLE));
        assertThat(built).filteredOn(r -> r.ruleId().equals(file)).singleElement()
                .satisfies(r -> assertThat(r.evidence()).containsExactly("/etc/nodeimage-hostile.txt file 0640 root:root"));

        // The demo image, judged as if it were made from demo-hostile: it lacks the file that profile writes.
        var demoAsHostile = service.judge(DEMO_TAG, hostile.profile()).results();
        assertThat(demoAsHostile).filteredOn(r -> r.status() == io.nodeimage.policy.RuleResult.Status.FAIL).singleElement()
                .satisfies(r -> {
                    assertThat(r.ruleId()).isEqualTo(file);
                    assertThat(r.message()).isEqualTo("/etc/nodeimage-hostile.txt does not exist");
                    assertThat(r.location().toString()).isEqualTo("profiles/demo-hostile.yaml:8:11");
                });
    }

    @Test
    void containersFromTheImageRunUnprivileged() throws Exception {
        assertThat(run(demo, "id", "-u")).isEqualTo("65534\n");
    }

    @Test
    void hostileTextArrivesAsTextAndRunsNothing() throws Exception {
        ProfileSources sources = ProfileSources.withBundledCatalog(work.resolve("profiles"), work);
        var profile = new ProfileResolver(sources).resolve("demo-hostile").profile();
        DockerClient docker = DockerClientFactory.instance().client();
        assertThat(docker.inspectImageCmd(HOSTILE_TAG).exec().getConfig().getLabels())
                .containsEntry("org.opencontainers.image.description", profile.description());
        Container.ExecResult unprivileged = hostile.execInContainer("cat", "/etc/nodeimage-hostile.txt");
        assertThat(unprivileged.getExitCode()).as("mode 0640 root:root: not readable by the image's user").isNotZero();
        String written = LocalImages.execAsRoot(hostile, "cat", "/etc/nodeimage-hostile.txt");
        assertThat(written).isEqualTo(profile.files().get(0).content());
        assertThat(LocalImages.execAsRoot(hostile, "stat", "-c", "%a", "/etc/nodeimage-hostile.txt")).isEqualTo("640\n");
        assertThat(LocalImages.execAsRoot(hostile, "sh", "-c", "ls /tmp | grep -c pwned || true")).isEqualTo("0\n");
    }
}
