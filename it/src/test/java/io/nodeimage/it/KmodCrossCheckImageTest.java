package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.image.DockerEngine;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.policy.Waivers;
import io.nodeimage.report.VerifyService;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Verify asks the image's own modprobe about every module the rules name, in a locked-down container of
 * the image, and compares: a real Debian kmod over Debian's cloud kernel tree and modprobe.d files of
 * every kind (install commands that load nothing, that load the module, a blacklisted direct name, a
 * built-in, an absent name) agrees with the model; a model verdict made wrong (the classic mistake of
 * applying a blacklist to a name modprobe is given directly) is caught, reported, and overruled.
 */
@ExtendWith(DockerRequired.class)
class KmodCrossCheckImageTest {

    private static final String KMOD = "nodeimage-it/kmod:test";
    private static final String TAG = "nodeimage-it/kmod-cross-check:test";
    private static final String NO_KMOD = "nodeimage-it/no-kmod-cross-check:test";
    private static final String POLICY = """
            apiVersion: nodeimage/v1
            kind: Policy
            name: site
            version: 1.0.0
            rules:
              - {id: S1, severity: high, kernelModule: {name: squashfs, state: disabled}}
              - {id: S2, severity: high, kernelModule: {name: isofs, state: disabled}}
              - {id: S3, severity: high, kernelModule: {name: vfat, state: disabled}}
              - {id: S4, severity: high, kernelModule: {name: udf, state: loadable}}
              - {id: S5, severity: high, kernelModule: {name: cramfs, state: disabled}}
              - {id: S6, severity: high, kernelModule: {name: binfmt_script, state: loadable}}
            """;
    @TempDir
    static Path context;
    private static String kver;

    @BeforeAll
    static void build() throws Exception {
        Path tree = ModprobeOracleTest.kernelTree();
        kver = tree.getFileName().toString();
        LocalImages.build(Path.of("src/test/resources/kmod"), KMOD);
        Path withKmod = Files.createDirectories(context.resolve("kmod"));
        LocalImages.linkTree(tree, withKmod.resolve("modules/" + kver));
        Files.createDirectories(withKmod.resolve("modprobe.d"));
        Files.writeString(withKmod.resolve("modprobe.d/site.conf"), """
                install squashfs /bin/false
                install isofs /bin/true
                blacklist vfat
                install udf /sbin/modprobe --ignore-install udf $CMDLINE_OPTS
                """);
        Files.writeString(withKmod.resolve("Containerfile"), "FROM " + KMOD + "\nCOPY modules/ /usr/lib/modules/\n"
                + "COPY modprobe.d/ /etc/modprobe.d/\nRUN depmod " + kver + "\n");
        LocalImages.build(withKmod, TAG);
        Path without = Files.createDirectories(context.resolve("plain"));
        LocalImages.linkTree(tree, without.resolve("modules/" + kver));
        LocalImages.buildWithModules(without, NO_KMOD);
    }

    @AfterAll
    static void remove() {
        LocalImages.remove(List.of(), TAG, NO_KMOD);
    }

    static List<PolicySet> sets() {
        Problems problems = new Problems();
        LoadedPolicy site = PolicyLoader.load(SafeYaml.parse(POLICY.getBytes(StandardCharsets.UTF_8), "site.yaml"),
                "site.yaml", "site", problems).orElseThrow();
        assertThat(problems.list()).isEmpty();
        return List.of(new PolicySet("project", "1.0.0", null, List.of(site)));
    }

    static VerifyService service() {
        return new VerifyService(sets(), new VerifyService.Settings(Policy.Severity.HIGH, LocalDate.of(2026, 11, 27),
                false, Waivers.Limits.NONE, Policy.Severity.HIGH));
    }

    static String status(VerifyService.Judged judged, String rule) {
        return judged.results().stream().filter(r -> r.ruleId().equals(rule)).findFirst().orElseThrow().status().yamlName();
    }

    @Test
    void theImagesModprobeAgreesWithTheModelOnEveryKindOfConfiguration() {
        VerifyService.Judged judged = service().judge(TAG, null);
        KmodCrossCheck.Result x = judged.crossCheck();
        assertThat(x.ran()).as(x.why()).isTrue();
        assertThat(x.observations()).extracting(o -> o.module() + " " + o.observed()).containsExactly(
                "binfmt_script builtin", "cramfs absent", "isofs install", "squashfs install", "udf install",
                "vfat loadable");
        assertThat(x.disagreements()).isEmpty();
        assertThat(judged.results()).extracting(RuleResult::ruleId).doesNotContain("KMOD-vfat@" + kver);
        // The model's verdicts, now confirmed: the blacklist does not stop a name given directly.
        assertThat(status(judged, "S1")).isEqualTo("pass");
        assertThat(status(judged, "S2")).isEqualTo("pass");
        assertThat(status(judged, "S3")).isEqualTo("fail");
        assertThat(status(judged, "S4")).isEqualTo("pass");
        assertThat(status(judged, "S5")).isEqualTo("pass");
        assertThat(status(judged, "S6")).isEqualTo("pass");
        assertThat(judged.facts().modules()).filteredOn(s -> s.module().equals("vfat")).singleElement()
                .satisfies(s -> assertThat(s.modprobe()).isEqualTo("loadable"));
        assertThat(judged.factsJson()).contains("\"modprobe\": \"install\"");
        // The container is gone, whatever the reaper does.
        assertThat(DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nodeimage.role", KmodCrossCheck.ROLE)).exec()).isEmpty();
    }

    @Test
    void aWrongModelVerdictIsAFindingAndTheRuleTakesTheConservativeOne() {
        VerifyService service = service();
        VerifyService.Judged real = service.judge(TAG, null);
        // A model that applies "blacklist vfat" to the name itself would say disabled; modprobe loads it.
        List<Facts.ModuleState> wrong = new ArrayList<>();
        for (Facts.ModuleState s : real.facts().modules()) {
            wrong.add(s.module().equals("vfat") ? new Facts.ModuleState(s.module(), s.kernel(), "disabled", true, null,
                    null, List.of(), null, "blacklisted") : new Facts.ModuleState(s.module(), s.kernel(), s.state(),
                    s.blacklisted(), s.install(), s.installFrom(), s.options(), s.softdep(), s.reason()));
        }
        Facts modelSaid = real.facts().withModules(wrong);
        KmodCrossCheck.Result x = new KmodCrossCheck(DockerEngine.client("test"), Duration.ofSeconds(120))
                .run(TAG, modelSaid, Set.of("vfat", "udf", "squashfs"));
        assertThat(x.disagreements()).singleElement().satisfies(d -> {
            assertThat(d.module()).isEqualTo("vfat");
            assertThat(d.model()).isEqualTo("disabled");
            assertThat(d.modprobe()).isEqualTo("loadable");
            assertThat(d.output()).contains("insmod /lib/modules/" + kver + "/kernel/fs/fat/vfat.ko");
        });
        VerifyService.Judged judged = service.judge(modelSaid, null, x);
        RuleResult finding = judged.results().stream().filter(r -> r.ruleId().equals("KMOD-vfat@" + kver))
                .findFirst().orElseThrow();
        assertThat(finding.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(finding.severity()).isEqualTo(Policy.Severity.HIGH);
        assertThat(finding.message()).contains("model says disabled", "modprobe shows loadable");
        RuleResult rule = judged.results().stream().filter(r -> r.ruleId().equals("S3")).findFirst().orElseThrow();
        assertThat(rule.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(rule.message()).contains("loadable, by the image's modprobe; nodeimage's model said disabled");
    }

    @Test
    void anImageWithoutKmodIsJudgedByTheModelAloneAndTheReportSaysSo() {
        VerifyService.Judged judged = service().judge(NO_KMOD, null);
        assertThat(judged.crossCheck().ran()).isFalse();
        assertThat(judged.crossCheck().why()).contains("no modprobe");
        assertThat(judged.warnings()).anySatisfy(w -> assertThat(w).startsWith("module states judged by nodeimage's "
                + "model alone: the image has no modprobe"));
        assertThat(status(judged, "S3")).isEqualTo("fail");
        assertThat(DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nodeimage.role", KmodCrossCheck.ROLE)).exec()).isEmpty();
    }
}
