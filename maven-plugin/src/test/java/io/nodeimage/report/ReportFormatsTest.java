package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.nodeimage.inspect.Compression;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.policy.LoadedPolicy;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.Waivers;
import io.nodeimage.support.Golden;
import io.nodeimage.support.RepositoryFiles;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every report format from one fixed facts input, through the real verify path: the same bytes on every
 * run, a reviewed golden file each, SARIF valid under the OASIS 2.1.0 schema, JUnit XML read by Maven's own
 * report parser, and text that YAML and JavaScript consumers reject (C1 controls, U+2028, U+2029) escaped.
 */
class ReportFormatsTest {

    static final Path GOLDEN = RepositoryFiles.root().resolve("maven-plugin/src/test/resources/golden-reports");
    static final String KVER = "6.8.0-1017-nvidia";
    /** Text as an image may carry it: C1 control, NEL, line and paragraph separators, markup, quotes. */
    static final String HOSTILE = "Ubuntu \u0085 24.04\u2028LTS\u2029 <b>&\"'\u009b";
    static final List<String> FILES = List.of("facts.json", "report.json", "junit.xml", "report.sarif", "summary.md",
            VerifyService.RECORD);

    static Facts facts() {
        String tree = "/usr/lib/modules/" + KVER;
        ModuleSignature canonical = new ModuleSignature("Canonical Ltd. Kernel Module Signing", "1A:2B:3C", "sha512");
        List<KernelModule> modules = List.of(
                new KernelModule(tree + "/kernel/drivers/video/nvidia.ko.zst", "nvidia", "580.95.05", "Dual MIT/GPL",
                        KVER + " SMP preempt mod_unload modversions aarch64", "0F1E2D", List.of(),
                        List.of("nvidia/580.95.05/gsp_ga10x.bin"), Compression.ZSTD, Optional.of(canonical)),
                new KernelModule(tree + "/kernel/fs/cramfs/cramfs.ko.zst", "cramfs", null, "GPL",
                        KVER + " SMP preempt mod_unload modversions aarch64", "ABCDEF", List.of(), List.of(),
                        Compression.ZSTD, Optional.empty()),
                new KernelModule(tree + "/kernel/drivers/usb/storage/usb-storage.ko.zst", "usb_storage", null, "GPL",
                        KVER + " SMP preempt mod_unload modversions aarch64", "123456", List.of("usbcore"), List.of(),
                        Compression.ZSTD, Optional.of(canonical)));
        return new Facts("nodeimage/gpu-node:1.0", "sha256:" + "5e".repeat(32),
                Map.of("ID", "ubuntu", "VERSION_ID", "24.04", "PRETTY_NAME", HOSTILE), "arm64",
                List.of(new Facts.KernelTree(KVER, tree, List.of("/lib/modules/" + KVER), modules, List.of("ext4"),
                        Map.of("CONFIG_MODULE_SIG", "y", "CONFIG_MODULE_SIG_FORCE", "y"))),
                List.of("/etc/modprobe.d/nodeimage.conf"),
                List.of(new Facts.ModuleState("cramfs", KVER, "disabled", true, "/bin/false",
                                "/etc/modprobe.d/nodeimage.conf:1", List.of(), null, "install command loads nothing"),
                        new Facts.ModuleState("nvidia", KVER, "loadable", false, null, null, List.of(), null,
                                "found in modules.dep"),
                        new Facts.ModuleState("usb_storage", KVER, "loadable", false, null, null, List.of(), null,
                                "found in modules.dep")),
                List.of("nvidia"), List.of(new Facts.CmdlineSource("/etc/default/grub", "iommu.passthrough=1 " + HOSTILE)),
                Map.of("kernel.kptr_restrict", new Facts.Setting("2", "/etc/sysctl.d/60-nodeimage.conf"),
                        "kernel.dmesg_restrict", new Facts.Setting("1", "/etc/sysctl.d/60-nodeimage.conf")),
                List.of(new Facts.Package("nvidia-driver-580-server-open", "580.95.05-0ubuntu0.24.04.1", "arm64"),
                        new Facts.Package("telnet", "0.17+2.5-3ubuntu4" + HOSTILE, "arm64")),
                List.of("nvidia-persistenced.service"), List.of("ctrl-alt-del.target"),
                List.of("nvidia/580.95.05/gsp_ga10x.bin"),
                List.of(new Facts.Driver("nvidia", "nvidia", KVER, "580.95.05", "580", "open", true)),
                List.of(new Facts.FileEntry("/etc/shadow", "file", "0640", 0, 42, "root", "shadow", 1200, null)),
                List.of(new Facts.Finding(tree + "/kernel/bomb.ko.xz", "expands past 100663296 bytes " + HOSTILE)));
    }

    /** The bundled catalog and a site policy with one waiver (policy text cannot carry such characters). */
    static List<PolicySet> policies() {
        PolicyLoader.Result catalog = PolicyLoader.load(null, null, true);
        assertThat(catalog.problems()).isEmpty();
        String site = """
                apiVersion: nodeimage/v1
                kind: Policy
                name: site
                version: 1.2.0
                description: Site rules
                rules:
                  - id: SITE-001
                    title: "No telnet <client> & friends"
                    severity: high
                    rationale: clear-text logins
                    remediation: remove the telnet package
                    references: [{id: CIS 2.2.4, url: "https://www.cisecurity.org/benchmark/ubuntu_linux"}]
                    package: {name: telnet, state: absent}
                  - id: SITE-002
                    title: usb-storage cannot load
                    severity: medium
                    kernelModule: {name: usb-storage, state: disabled}
                waivers:
                  - rule: SITE-002
                    reason: console keyboards on the BMC
                    approvedBy: secops
                    expires: 2027-01-31
                """;
        Problems problems = new Problems();
        Optional<LoadedPolicy> loaded = PolicyLoader.load(SafeYaml.parse(site.getBytes(StandardCharsets.UTF_8),
                "policies/site.yaml"), "policies/site.yaml", "site", problems);
        assertThat(problems.list()).isEmpty();
        return List.of(new PolicySet("project", "1.0.0", null, List.of(loaded.orElseThrow())),
                new PolicySet("catalog", "0.1.0", null, catalog.policies()));
    }

    /**
     * What an image's modprobe could answer: cramfs through its install command (agrees with the model),
     * usb_storage by loading its file (agrees), and nvidia not loaded at all where the model says loadable.
     */
    static KmodCrossCheck.Result crossCheck(Facts facts) {
        String tree = "/lib/modules/" + KVER;
        List<KmodCrossCheck.Observation> seen = List.of(
                new KmodCrossCheck.Observation("cramfs", KVER, "install", "install /bin/false"),
                new KmodCrossCheck.Observation("nvidia", KVER, "not-loaded", ""),
                new KmodCrossCheck.Observation("usb_storage", KVER, "loadable",
                        "insmod " + tree + "/kernel/drivers/usb/storage/usb-storage.ko.zst"));
        return new KmodCrossCheck.Result(true, null, seen, KmodCrossCheck.compare(facts, seen), 123);
    }

    static Path run(Path dir) {
        VerifyService service = new VerifyService(policies(), new VerifyService.Settings(Policy.Severity.HIGH,
                LocalDate.of(2026, 11, 27), false, Waivers.Limits.NONE));
        service.write(service.judge(facts(), null, crossCheck(facts())), null, null, dir);
        return dir;
    }

    @Test
    void twoRunsWriteTheSameBytesAndEachFormatMatchesItsGoldenFile(@TempDir Path dir) throws Exception {
        Path first = run(dir.resolve("first"));
        Path second = run(dir.resolve("second"));
        for (String file : FILES) {
            assertThat(Files.readAllBytes(second.resolve(file))).as(file).isEqualTo(Files.readAllBytes(first.resolve(file)));
            Golden.assertMatches(GOLDEN.resolve(file), Files.readString(first.resolve(file)));
        }
    }

    @Test
    void sarifIsValidUnderTheOasisSchema(@TempDir Path dir) throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("json/sarif-schema-2.1.0.json")) {
            assertThat(in).as("the SARIF schema from io.github.detekt.sarif4j:sarif4j").isNotNull();
            JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            assertThat(tree.get("title").asText()).contains("SARIF").contains("2.1.0");
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(tree);
        }
        JsonNode sarif = Json.read(run(dir).resolve("report.sarif"), "report.sarif");
        assertThat(schema.validate(sarif)).isEmpty();
        assertThat(sarif.at("/runs/0/results")).isNotEmpty();
        // The schema is strict enough to matter: a result without its message is refused.
        ((com.fasterxml.jackson.databind.node.ObjectNode) sarif.at("/runs/0/results/0")).remove("message");
        assertThat(schema.validate(sarif)).isNotEmpty();
    }

    @Test
    void junitXmlReadsInMavensOwnReportParserWithTheVerdictsCounts(@TempDir Path dir) throws Exception {
        Path out = run(dir);
        JsonNode report = Json.read(out.resolve("report.json"), "report.json");
        List<ReportTestSuite> suites;
        try (InputStreamReader in = new InputStreamReader(Files.newInputStream(out.resolve("junit.xml")), StandardCharsets.UTF_8)) {
            suites = new TestSuiteXmlParser(new NullConsoleLogger()).parse(in);
        }
        // Surefire groups test cases by class name: one suite a policy.
        assertThat(suites).extracting(ReportTestSuite::getFullClassName).containsExactly("site", "cis-kernel-modules-debian12",
                "cis-kernel-modules-rhel10", "cis-kernel-modules-rhel9", "cis-kernel-modules-ubuntu2204", "cis-kernel-modules-ubuntu2404", "container-hardening",
                "multi-tenant-gpu-node", "multi-tenant-hmm", "multi-tenant-mpam", "multi-tenant-numa-amd-instinct",
                "multi-tenant-numa-grace", "node-runtime", "nvidia-driver-baseline",
                "nvidia-node-runtime", "secure-boot-module-signing", "nodeimage-kmod-cross-check");
        assertThat(suites.stream().mapToInt(ReportTestSuite::getNumberOfTests).sum()).isEqualTo(report.get("results").size());
        assertThat(suites.stream().mapToInt(ReportTestSuite::getNumberOfFailures).sum())
                .isEqualTo(report.at("/counts/fail").asInt()).isPositive();
        assertThat(suites.stream().mapToInt(ReportTestSuite::getNumberOfSkipped).sum())
                .isEqualTo(report.at("/counts/waived").asInt() + report.at("/counts/not-applicable").asInt());
        assertThat(suites.get(0).getTestCases()).anySatisfy(c -> {
            assertThat(c.getName()).isEqualTo("SITE-001: No telnet <client> & friends");
            assertThat(c.getFailureMessage()).startsWith("telnet 0.17+2.5-3ubuntu4Ubuntu \u0085 24.04\u2028LTS");
        });
    }

    @Test
    void textThatOtherConsumersRejectIsEscapedAndReadsBackTheSame(@TempDir Path dir) throws Exception {
        Path out = run(dir);
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (String file : List.of("facts.json", "report.json", "report.sarif", VerifyService.RECORD)) {
            String text = Files.readString(out.resolve(file));
            for (char c : new char[] {'\u0085', '\u2028', '\u2029', '\u009b'}) {
                assertThat(text.indexOf(c)).as(file + " holds U+%04X unescaped", (int) c).isEqualTo(-1);
            }
            // The same document through a YAML loader (JSON is YAML) and through Jackson: equal values.
            Object asYaml = yaml.load(text);
            Object asJson = new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, Object.class);
            assertThat(asYaml).as(file).isEqualTo(asJson);
        }
        for (String file : List.of("junit.xml", "summary.md")) {
            String text = Files.readString(out.resolve(file));
            assertThat(text).as(file).doesNotContain("\u0085", "\u2028", "\u2029", "\u009b").contains("&#x2029;");
        }
        JsonNode facts = Json.read(out.resolve("facts.json"), "facts.json");
        assertThat(facts.at("/osRelease/PRETTY_NAME").asText()).isEqualTo(HOSTILE);
        String junit = Files.readString(out.resolve("junit.xml"));
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(junit.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theWriterSortsMapsWithoutAnOrderAndEscapesForEveryConsumer() {
        Map<String, Object> unordered = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
            unordered.put("k" + (char) ('z' - i % 26) + i, i);
        }
        String once = Json.write(unordered);
        List<String> keys = new ArrayList<>();
        Json.read(once.getBytes(StandardCharsets.UTF_8), "x").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isSorted();
        assertThat(Json.write(Map.of("b", 1, "a", List.of()))).isEqualTo("{\n  \"a\": [],\n  \"b\": 1\n}");
        assertThat(Json.writeLine(Map.of("include", List.of(Map.of("x", "y")))))
                .isEqualTo("{\"include\": [{\"x\": \"y\"}]}");
        // HCL2 and TOML know no \b or \f; YAML rejects raw C1 controls; JavaScript breaks lines at U+2028.
        assertThat(Json.quote("a\bb\fc\u007f\u0085\u2028\u2029\ufeff\"\\\n"))
                .isEqualTo("\"a\\u0008b\\u000Cc\\u007F\\u0085\\u2028\\u2029\\uFEFF\\\"\\\\\\n\"");
        assertThat(Json.quote("GPU \u00e9\u4e2d")).isEqualTo("\"GPU \u00e9\u4e2d\"");
    }

    @Test
    void policyTextWithSuchCharactersIsRefusedWhereItIsWritten() {
        String yaml = "apiVersion: nodeimage/v1\nkind: Policy\nname: p\nversion: 1.0.0\nrules:\n"
                + "  - {id: R1, title: \"a \\u2028 b\", severity: low, package: {name: telnet, state: absent}}\n";
        Problems problems = new Problems();
        PolicyLoader.load(SafeYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml"), "p.yaml", "p", problems);
        assertThat(problems.list()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("rules[0].title");
            assertThat(p.format()).startsWith("p.yaml:6:").contains("U+2028");
        });
    }

    @Test
    void aBrokenRecordIsNamedWithLineAndColumn() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Json.read(
                "{\n  \"a\": 1,\n  \"a\": 2\n}".getBytes(StandardCharsets.UTF_8), "verification.json")))
                .hasMessageStartingWith("verification.json:3:").hasMessageEndingWith("the key 'a' appears twice");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Json.read(
                "[".repeat(100).getBytes(StandardCharsets.UTF_8), "deep.json")))
                .hasMessageStartingWith("deep.json:1:").hasMessageContaining("nesting");
    }
}
