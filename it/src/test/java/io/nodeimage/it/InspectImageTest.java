package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.KernelModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * nodeimage:inspect's core on an image holding Debian's real cloud kernel modules and modprobe
 * configuration: the facts match the files put in, and modprobe inside the same image agrees with the
 * module states.
 */
@ExtendWith(DockerRequired.class)
class InspectImageTest {

    private static final String TAG = "nodeimage-it/kernel-image:test";
    @TempDir
    static Path context;
    private static String kver;
    private static Facts facts;
    private static GenericContainer<?> running;

    @BeforeAll
    static void buildAndInspect() throws Exception {
        Path tree = ModprobeOracleTest.kernelTree();
        kver = tree.getFileName().toString();
        Path target = context.resolve("modules").resolve(kver);
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.toList()) {
                Path to = target.resolve(tree.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    try {
                        Files.createLink(to, p);
                    } catch (Exception e) {
                        Files.copy(p, to);
                    }
                }
            }
        }
        // One module stripped of its signature: what Secure Boot refuses and the policy must catch.
        byte[] fat = Files.readAllBytes(tree.resolve("kernel/fs/fat/fat.ko"));
        Files.createDirectories(target.resolve("extra"));
        Files.write(target.resolve("extra/unsigned_fat.ko"),
                io.nodeimage.inspect.ModuleSignature.split(fat).module());
        Files.writeString(context.resolve("disable.conf"), "install fat /bin/false\nblacklist vfat\ninstall cramfs /bin/true\n");
        Files.writeString(context.resolve("sysctl.conf"), "kernel.kptr_restrict = 2\n");
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                RUN apt-get update && apt-get install -y --no-install-recommends kmod && rm -rf /var/lib/apt/lists/*
                COPY modules/ /usr/lib/modules/
                COPY disable.conf /etc/modprobe.d/disable.conf
                COPY sysctl.conf /etc/sysctl.d/60-test.conf
                RUN depmod %s
                """.formatted(kver));
        DockerClient docker = DockerClientFactory.instance().client();
        docker.buildImageCmd().withBaseDirectory(context.toFile()).withDockerfile(context.resolve("Containerfile").toFile())
                .withTags(Set.of(TAG)).withNetworkMode("host").withPull(false)
                .exec(new BuildImageResultCallback()).awaitImageId(10, TimeUnit.MINUTES);
        facts = InspectService.inspect(TAG, context.resolve("out")).facts();
        running = new GenericContainer<>(DockerImageName.parse(TAG)).withNetworkMode("none").withCommand("sleep", "600");
        running.start();
    }

    @AfterAll
    static void cleanUp() {
        if (running != null) {
            running.stop();
        }
        try {
            DockerClientFactory.instance().client().removeImageCmd(TAG).withForce(true).exec();
        } catch (RuntimeException e) {
            // Not built.
        }
    }

    @Test
    void oneKernelTreeIsReadOnceThoughMergedUsrShowsItTwice() throws Exception {
        assertThat(facts.kernels()).singleElement().satisfies(k -> {
            assertThat(k.version()).isEqualTo(kver);
            assertThat(k.path()).isEqualTo("/usr/lib/modules/" + kver);
            assertThat(k.aliases()).containsExactly("/lib/modules/" + kver);
            assertThat(k.modules()).hasSizeGreaterThan(1000);
            assertThat(k.builtin()).contains("ext4");
        });
        assertThat(facts.findings()).isEmpty();
        assertThat(facts.osRelease()).containsEntry("ID", "debian").containsEntry("VERSION_ID", "12");
        assertThat(facts.architecture()).isEqualTo("amd64");
    }

    @Test
    void everyModuleIsSignedByDebiansBuildKey() {
        List<KernelModule> modules = facts.kernels().get(0).modules().stream()
                .filter(m -> !m.path().contains("/extra/")).toList();
        assertThat(modules).allSatisfy(m -> assertThat(m.signature()).hasValueSatisfying(s -> {
            assertThat(s.signer()).isEqualTo("Build time autogenerated kernel key");
            assertThat(s.hashAlgorithm()).isEqualTo("sha256");
        }));
        assertThat(modules.stream().map(KernelModule::name)).contains("fat", "vfat", "virtio_net");
    }

    @Test
    void moduleStatesAgreeWithModprobeInTheSameImage() throws Exception {
        Map<String, Facts.ModuleState> states = facts.modules().stream()
                .collect(Collectors.toMap(Facts.ModuleState::module, s -> s));
        assertThat(states.get("fat").state()).isEqualTo("disabled");
        assertThat(states.get("fat").installFrom()).isEqualTo("/etc/modprobe.d/disable.conf:1");
        assertThat(states.get("vfat").state()).isEqualTo("loadable");
        assertThat(states.get("vfat").blacklisted()).isTrue();
        assertThat(states.get("cramfs").state()).as("not in the tree, and /bin/true loads nothing").isEqualTo("disabled");
        assertThat(states.get("ext4").state()).isEqualTo("builtin");
        for (String module : List.of("fat", "vfat", "virtio_net", "cramfs")) {
            Container.ExecResult r = running.execInContainer("modprobe", "-n", "-v", "-S", kver, module);
            List<String> lines = r.getStdout().lines().toList();
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            switch (states.get(module).state()) {
                case "disabled" -> assertThat(last).as(module).startsWith("install " + states.get(module).install());
                case "loadable" -> assertThat(last).as(module).startsWith("insmod ").contains("/" + module + ".ko");
                default -> throw new AssertionError(module + " " + states.get(module));
            }
        }
    }

    @Test
    void anUnsignedModuleFailsVerificationWithReportsThatPointAtTheRule() throws Exception {
        Path policies = Files.createDirectories(context.resolve("policies"));
        Files.writeString(policies.resolve("site.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: site
                version: 1.0.0
                rules:
                  - id: SITE-1
                    title: fat is not loadable
                    severity: medium
                    kernelModule: {name: fat, state: disabled}
                  - id: SITE-2
                    title: vfat cannot be loaded
                    severity: high
                    kernelModule: {name: vfat, state: disabled}
                waivers:
                  - {rule: SITE-2, reason: "old USB sticks", expires: 2020-01-01, approvedBy: secops}
                """);
        var loaded = io.nodeimage.report.VerifyService.policies(policies, context, true);
        var service = new io.nodeimage.report.VerifyService(loaded, io.nodeimage.policy.Policy.Severity.HIGH,
                java.time.LocalDate.of(2026, 11, 26));
        Path out = context.resolve("verify");
        var outcome = service.verify(TAG, null, out);
        var blocking = outcome.verdict().blocking();
        assertThat(blocking).extracting(io.nodeimage.policy.RuleResult::ruleId).containsExactlyInAnyOrder("NODE-SB-001", "SITE-2");
        assertThat(blocking).filteredOn(r -> r.ruleId().equals("NODE-SB-001")).singleElement()
                .satisfies(r -> assertThat(r.message()).contains("/extra/unsigned_fat.ko (fat) is not signed"));
        assertThat(blocking).filteredOn(r -> r.ruleId().equals("SITE-2")).singleElement()
                .satisfies(r -> assertThat(r.message()).endsWith("its waiver expired on 2020-01-01"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.nodeimage.report.VerifyService.requirePassed(List.of(outcome)))
                .isInstanceOf(io.nodeimage.ViolationException.class).hasMessageContaining("NODE-SB-001 (high, secure-boot-module-signing");

        // JUnit: one test case per rule, failures for the failed ones.
        var junit = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(out.resolve("junit.xml").toFile());
        assertThat(junit.getElementsByTagName("testcase").getLength()).isEqualTo(outcome.verdict().results().size());
        assertThat(junit.getElementsByTagName("failure").getLength()).isEqualTo((int) outcome.verdict()
                .count(io.nodeimage.policy.RuleResult.Status.FAIL));
        // SARIF: the result points at the rule's line in the policy file.
        String sarif = Files.readString(out.resolve("report.sarif"));
        assertThat(sarif).contains("\"version\": \"2.1.0\"").contains("\"uri\": \"policies/site.yaml\"")
                .contains("\"startLine\": 10");
        assertThat(Files.readString(out.resolve("summary.md"))).startsWith("# nodeimage verdict: FAILED");
    }

    @Test
    void packagesAndSysctlAreRead() {
        assertThat(facts.packages()).anySatisfy(p -> assertThat(p.name()).isEqualTo("kmod"));
        assertThat(facts.sysctl().get("kernel.kptr_restrict")).isEqualTo(new Facts.Setting("2", "/etc/sysctl.d/60-test.conf"));
        assertThat(facts.modprobeFiles()).contains("/etc/modprobe.d/disable.conf");
    }
}
