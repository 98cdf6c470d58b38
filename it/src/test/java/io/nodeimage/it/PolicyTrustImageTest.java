package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleReader;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicySets;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.report.VerifyService;
import io.nodeimage.support.ModuleSigning;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holes a security team must be able to rely on being closed, on a real image: module signatures
 * verified over the modules' bytes (a valid one, an impostor certificate with the signer's name, a twin
 * with its name and serial, a module altered after signing, Debian's own signed module against the
 * certificate built into Debian's kernel), and an image with a proprietary NVIDIA 550 driver verified
 * by name, without a profile, which the bundled NVIDIA policy must still judge.
 */
@ExtendWith(DockerRequired.class)
class PolicyTrustImageTest {

    private static final String TAG = "nodeimage-it/policy-trust:test";
    private static final String SITE_SIGNER = "Site module signing key";
    @TempDir
    static Path context;
    private static String kver;
    private static Path site;
    private static Path debian;
    private static Map<String, byte[]> modules;

    @BeforeAll
    static void build() throws Exception {
        Path tree = ModprobeOracleTest.kernelTree();
        kver = tree.getFileName().toString();
        Path keys = Files.createDirectories(context.resolve("keys"));
        Path certs = Files.createDirectories(context.resolve("policies/certs"));
        site = ModuleSigning.certificate(keys, "site", SITE_SIGNER, "0x1001");
        Path impostor = ModuleSigning.certificate(keys, "impostor", SITE_SIGNER, "0x2002");
        Path twin = ModuleSigning.certificate(keys, "twin", SITE_SIGNER, "0x1001");
        Files.copy(site, certs.resolve("site.pem"));
        debian = certs.resolve("debian.pem");
        Files.writeString(debian, pem(debianBuildKey(tree)));

        byte[] altered = ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/msdos.ko"), site);
        // One byte of the module changed after signing, far from the signature: content no longer matches.
        altered[altered.length / 3] ^= 0x01;
        modules = Map.of(
                "fat", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/fat.ko"), site),
                "vfat", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/vfat.ko"), impostor),
                "isofs", Files.readAllBytes(tree.resolve("kernel/fs/isofs/isofs.ko")),
                "udf", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/udf/udf.ko"), twin),
                "msdos", altered,
                "nvidia", proprietaryNvidia(tree));
        Path target = Files.createDirectories(context.resolve("modules").resolve(kver).resolve("kernel/site"));
        for (Map.Entry<String, byte[]> m : modules.entrySet()) {
            Files.write(target.resolve(m.getKey() + ".ko"), m.getValue());
        }
        LocalImages.buildWithModules(context, TAG);
    }

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), TAG);
    }

    /** The module's bytes without Debian's signature, as sign-file takes them. */
    private static byte[] unsigned(Path tree, String path) throws Exception {
        return ModuleSignature.split(Files.readAllBytes(tree.resolve(path))).module();
    }

    /**
     * A proprietary NVIDIA 550 kernel module as inspect sees one: a real module's ELF with the .modinfo of
     * NVIDIA's proprietary driver (licence NVIDIA, name nvidia), written by objcopy.
     */
    private static byte[] proprietaryNvidia(Path tree) throws Exception {
        Path modinfo = context.resolve("nvidia.modinfo");
        Files.write(modinfo, ("version=550.163.01\0license=NVIDIA\0name=nvidia\0vermagic=" + kver
                + " SMP preempt mod_unload modversions \0").getBytes(StandardCharsets.US_ASCII));
        Path in = context.resolve("fat-unsigned.ko");
        Files.write(in, unsigned(tree, "kernel/fs/fat/fat.ko"));
        Path out = context.resolve("nvidia.ko");
        LocalImages.run(context, "objcopy", "--remove-section", ".modinfo", "--add-section", ".modinfo=" + modinfo,
                in.toString(), out.toString());
        return Files.readAllBytes(out);
    }

    /** The certificate Debian's kernel trusts for its modules, from the same package's vmlinuz. */
    private static X509Certificate debianBuildKey(Path tree) throws Exception {
        Path vmlinuz = tree.getParent().getParent().getParent().resolve("boot").resolve("vmlinuz-" + tree.getFileName());
        return ModuleSigning.builtInCertificates(vmlinuz).stream()
                .filter(c -> c.getSubjectX500Principal().getName().contains("Build time autogenerated kernel key"))
                .findFirst().orElseThrow(() -> new AssertionError("no build key in " + vmlinuz));
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void opensslAgreesWithWhatTheTestMade() throws Exception {
        Path keys = context.resolve("keys");
        assertThat(ModuleSigning.opensslVerifies(keys, modules.get("fat"), site)).isTrue();
        assertThat(ModuleSigning.opensslVerifies(keys, modules.get("vfat"), site)).isFalse();
        assertThat(ModuleSigning.opensslVerifies(keys, modules.get("udf"), site)).isFalse();
        assertThat(ModuleSigning.opensslVerifies(keys, modules.get("msdos"), site)).as("altered after signing").isFalse();
        assertThat(ModuleSigning.opensslVerifies(keys, modules.get("isofs"), debian)).isTrue();
    }

    @Test
    void everyDebianModuleVerifiesWithTheCertificateInDebiansKernel() throws Exception {
        Path tree = ModprobeOracleTest.kernelTree();
        ModuleTrust trust = new ModuleTrust(List.of(debianBuildKey(tree)));
        ModuleReader reader = new ModuleReader(trust);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(p -> p.toString().endsWith(".ko")).toList();
        }
        assertThat(files).hasSizeGreaterThan(1000);
        for (Path f : files) {
            KernelModule m = reader.read(f.toString(), Files.readAllBytes(f));
            assertThat(m.signature().orElseThrow().verification().status()).as(f.toString())
                    .isEqualTo(ModuleSignature.Status.VALID);
        }
        // The same modules against the test's own key: no certificate holds Debian's key.
        KernelModule fat = new ModuleReader(new ModuleTrust(List.of(certificate(site))))
                .read("fat.ko", Files.readAllBytes(tree.resolve("kernel/fs/fat/fat.ko")));
        assertThat(fat.signature().orElseThrow().verification().status()).isEqualTo(ModuleSignature.Status.UNKNOWN_KEY);
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void signaturesAreVerifiedAndEachWayOfFailingIsNamed() throws Exception {
        Path policies = context.resolve("policies");
        Files.writeString(policies.resolve("site-signing.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: site-signing
                version: 1.0.0
                rules:
                  - id: SIGN-SITE
                    severity: high
                    kernelModules: {signature: required, trustedCertificates: [certs/site.pem]}
                  - id: SIGN-DEBIAN
                    severity: high
                    kernelModules: {signature: required, trustedCertificates: [certs/debian.pem]}
                  - id: SIGN-NAME
                    severity: low
                    kernelModules: {trustedSigners: ["%s"], trustedKeyIds: ["%s"]}
                """.formatted(SITE_SIGNER, "AB:CD"));
        var sets = PolicySets.load(policies, context, "1.0", List.of(), false);
        var judged = new VerifyService(sets, Policy.Severity.HIGH, LocalDate.of(2026, 11, 27)).judge(TAG, null);
        Map<String, ModuleSignature.Status> status = judged.facts().kernels().get(0).modules().stream()
                .filter(m -> m.signature().isPresent())
                .collect(Collectors.toMap(KernelModule::name, m -> m.signature().get().verification().status()));
        assertThat(status).containsEntry("fat", ModuleSignature.Status.VALID)
                .containsEntry("isofs", ModuleSignature.Status.VALID)
                .containsEntry("vfat", ModuleSignature.Status.UNKNOWN_KEY)
                .containsEntry("udf", ModuleSignature.Status.INVALID)
                .containsEntry("msdos", ModuleSignature.Status.INVALID);
        Map<String, RuleResult> results = judged.results().stream().collect(Collectors.toMap(RuleResult::ruleId, r -> r));

        RuleResult siteRule = results.get("SIGN-SITE");
        assertThat(siteRule.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(siteRule.message()).startsWith("5 of 6 modules fail (2 invalid signature, 1 unknown key, 1 unsigned, "
                + "1 untrusted signer)");
        String prefix = "/usr/lib/modules/" + kver + "/kernel/site/";
        assertThat(siteRule.evidence()).anySatisfy(e -> assertThat(e).startsWith(prefix + "vfat.ko (vfat): unknown key: "
                + "signed by '" + SITE_SIGNER + "' with key 20:02"))
                .anySatisfy(e -> assertThat(e).startsWith(prefix + "udf.ko (udf): invalid signature: it does not verify with "
                        + "the key of '" + SITE_SIGNER + "'"))
                .anySatisfy(e -> assertThat(e).startsWith(prefix + "msdos.ko (msdos): invalid signature"))
                .anySatisfy(e -> assertThat(e).startsWith(prefix + "isofs.ko (isofs): untrusted signer: signed with the key "
                        + "of 'Build time autogenerated kernel key'"))
                .anySatisfy(e -> assertThat(e).startsWith(prefix + "nvidia.ko (nvidia): unsigned"))
                .noneSatisfy(e -> assertThat(e).startsWith(prefix + "fat.ko"));
        assertThat(siteRule.imagePath()).startsWith(prefix);

        RuleResult debianRule = results.get("SIGN-DEBIAN");
        assertThat(debianRule.evidence()).anySatisfy(e -> assertThat(e).startsWith(prefix + "fat.ko (fat): untrusted signer"))
                .noneSatisfy(e -> assertThat(e).startsWith(prefix + "isofs.ko"));

        // Names alone cannot tell the impostor, the twin or the altered module from the real thing.
        RuleResult names = results.get("SIGN-NAME");
        assertThat(names.evidence()).noneSatisfy(e -> assertThat(e).contains("vfat.ko"))
                .noneSatisfy(e -> assertThat(e).contains("msdos.ko"))
                .anySatisfy(e -> assertThat(e).startsWith(prefix + "isofs.ko (isofs): untrusted signer: signed by "
                        + "'Build time autogenerated kernel key'"));
    }

    @Test
    void anImageVerifiedByNameIsJudgedByTheNvidiaPolicyAndProfileOnlyPoliciesDoNotPassSilently() throws Exception {
        Path policies = Files.createDirectories(context.resolve("by-name"));
        Files.writeString(policies.resolve("gpu-nodes.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: gpu-nodes
                version: 2.0.0
                appliesTo: {profiles: ["*nvidia*"]}
                rules:
                  - {id: GPU-1, title: persistence daemon enabled, severity: critical, service: {name: nvidia-persistenced, state: enabled}}
                  - {id: GPU-2, title: no telnet, severity: medium, package: {name: telnet, state: absent}}
                """);
        var sets = PolicySets.load(policies, context, "1.0", List.of(), true);
        Path out = context.resolve("verify-by-name");
        var outcome = new VerifyService(sets, Policy.Severity.CRITICAL, LocalDate.of(2026, 11, 27)).verify(TAG, null, out);
        var v = outcome.verdict();
        Map<String, RuleResult> results = v.results().stream().collect(Collectors.toMap(RuleResult::fullId, r -> r));
        assertThat(results.get("nvidia-driver-baseline/NODE-NV-001").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(results.get("nvidia-driver-baseline/NODE-NV-001").message())
                .isEqualTo("nvidia driver 550.163.01 is outside >=570 (kernel " + kver + ")");
        assertThat(results.get("nvidia-driver-baseline/NODE-NV-002").message()).startsWith("nvidia driver is proprietary");
        RuleResult gpu1 = results.get("gpu-nodes/GPU-1");
        assertThat(gpu1.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(gpu1.undecided()).isTrue();
        assertThat(gpu1.message()).startsWith("the policy selects profiles *nvidia*, and the image was judged without a profile");
        assertThat(v.blocking()).extracting(RuleResult::fullId).containsExactlyInAnyOrder(
                "nvidia-driver-baseline/NODE-NV-001", "nvidia-driver-baseline/NODE-NV-002", "gpu-nodes/GPU-1");
        assertThat(results.get("gpu-nodes/GPU-2").undecided()).isTrue();
        assertThat(v.blocks(results.get("gpu-nodes/GPU-2"))).as("medium, and not strict").isFalse();
        assertThat(results.get("cis-kernel-modules-rhel9/CIS-RHEL9-1.1.1.1").message())
                .isEqualTo("the policy is for rhel; the image is debian 12 x86_64 (no profile)");

        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).startsWith("# nodeimage verdict: FAILED").contains("Image `" + TAG + "` (`sha256:")
                .contains("- nvidia-driver-baseline 1.1.0 (nodeimage-policies:nodeimage/policies/nvidia-driver-baseline.yaml)")
                .contains("| GPU-1 | critical | not checked (fails the run) |")
                .contains("/usr/lib/modules/" + kver + "/kernel/site/nvidia.ko 550.163.01 proprietary");
        String sarif = Files.readString(out.resolve("report.sarif"));
        assertThat(sarif).contains("\"security-severity\": \"9.5\"").contains("\"image\": \"" + TAG + "\"")
                .contains("\"uri\": \"usr/lib/modules/" + kver + "/kernel/site/nvidia.ko\"")
                .contains("\"uriBaseId\": \"NODEIMAGE_POLICIES\"");
        assertThat(Files.getPosixFilePermissions(out.resolve("summary.md")))
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
    }
}
