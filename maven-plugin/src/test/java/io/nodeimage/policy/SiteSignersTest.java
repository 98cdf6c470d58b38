package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleReader;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.report.Verdict;
import io.nodeimage.support.KernelTree;
import io.nodeimage.support.ModuleSigning;
import io.nodeimage.yaml.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's module signers, given to a run: real keys made by openssl, real modules from Debian's
 * kernel signed with them as sign-file does, verified over their bytes, and judged by the bundled
 * NODE-SB-003.
 */
class SiteSignersTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static final String MOK = "Example Site Machine Owner Key";

    @TempDir
    static Path keys;
    static Path mok;
    static Path distro;
    /** Modules signed by the MOK (fat), an impostor with the MOK's name (vfat), the MOK then altered (msdos),
     *  the distribution's key (udf), and Debian's own signature untouched (isofs). */
    static Map<String, byte[]> modules;

    @BeforeAll
    static void sign() throws Exception {
        Path tree = KernelTree.modules();
        mok = ModuleSigning.certificate(keys, "mok", MOK, "0x5e1f");
        distro = ModuleSigning.certificate(keys, "distro", "Example Distribution Kernel Module Signing", "0x0d15");
        Path impostor = ModuleSigning.certificate(keys, "impostor", MOK, "0x0bad");
        byte[] altered = ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/msdos.ko"), mok);
        // One byte changed after signing, far from the signature.
        altered[altered.length / 3] ^= 0x01;
        modules = Map.of(
                "fat", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/fat.ko"), mok),
                "vfat", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/fat/vfat.ko"), impostor),
                "msdos", altered,
                "udf", ModuleSigning.sign(keys, unsigned(tree, "kernel/fs/udf/udf.ko"), distro),
                "isofs", Files.readAllBytes(tree.resolve("kernel/fs/isofs/isofs.ko")));
    }

    private static byte[] unsigned(Path tree, String path) throws Exception {
        return ModuleSignature.split(Files.readAllBytes(tree.resolve(path))).module();
    }

    /** The modules as inspect reads them, verified against every certificate of the run. */
    private static Facts facts(List<Path> runCertificates, String... names) throws Exception {
        SiteSigners all = SiteSigners.read(runCertificates, keys, "test");
        ModuleReader reader = new ModuleReader(new ModuleTrust(all.certificates()));
        List<KernelModule> read = new ArrayList<>();
        for (String n : names) {
            read.add(reader.read("/usr/lib/modules/" + EvaluatorTest.KVER + "/kernel/site/" + n + ".ko", modules.get(n)));
        }
        return EvaluatorTest.facts(read, List.of(), List.of(), List.of());
    }

    private static LoadedPolicy bundled() {
        return PolicyLoader.load(null, null, true).policies().stream()
                .filter(p -> p.policy().name().equals("secure-boot-module-signing")).findFirst().orElseThrow();
    }

    private static RuleResult sb003(SiteSigners signers, Facts facts) {
        return new Evaluator(DAY, Waivers.Limits.NONE, signers).evaluate(List.of(bundled()), facts, EvaluatorTest.UBUNTU)
                .stream().filter(r -> r.ruleId().equals("NODE-SB-003")).findFirst().orElseThrow();
    }

    @Test
    void aModuleSignedByTheSiteMokPassesAndOneSignedByTheDistributionsKeyPassesWhenBothAreGiven() throws Exception {
        SiteSigners signers = SiteSigners.read(List.of(mok, distro), keys, SiteSigners.PROPERTY);
        RuleResult r = sb003(signers, facts(List.of(mok, distro), "fat", "udf"));
        assertThat(r.status()).as(r.message()).isEqualTo(RuleResult.Status.PASS);
        assertThat(r.evidence()).contains("2 modules checked in 1 kernel trees against 2 trusted certificates");
    }

    @Test
    void eachWayOfFailingIsNamedAsForPolicyCertificates() throws Exception {
        SiteSigners signers = SiteSigners.read(List.of(mok), keys, SiteSigners.PROPERTY);
        RuleResult r = sb003(signers, facts(List.of(mok), "fat", "vfat", "msdos", "udf", "isofs"));
        assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.message()).startsWith("4 of 5 modules fail (1 invalid signature, 3 unknown key)");
        String at = "/usr/lib/modules/" + EvaluatorTest.KVER + "/kernel/site/";
        assertThat(r.evidence())
                .anySatisfy(e -> assertThat(e).startsWith(at + "vfat.ko (vfat): unknown key: signed by '" + MOK
                        + "' with key 0B:AD, which no trusted certificate holds"))
                .anySatisfy(e -> assertThat(e).startsWith(at + "msdos.ko (msdos): invalid signature: it does not verify "
                        + "with the key of '" + MOK + "'"))
                .anySatisfy(e -> assertThat(e).startsWith(at + "isofs.ko (isofs): unknown key: signed by "
                        + "'Build time autogenerated kernel key'"))
                .noneSatisfy(e -> assertThat(e).startsWith(at + "fat.ko"));
    }

    @Test
    void aSiteSignerIsTrustedOnlyByRulesThatNameIt() throws Exception {
        Files.createDirectories(keys.resolve("certs"));
        Files.copy(distro, keys.resolve("certs/distro.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(keys.resolve("p.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: p
                version: 1.0.0
                rules:
                  - {id: DISTRO-ONLY, severity: high, kernelModules: {trustedCertificates: [certs/distro.pem]}}
                  - {id: BOTH, severity: high, kernelModules: {trustedCertificates: [certs/distro.pem, site:module-signers]}}
                """);
        PolicyLoader.Result loaded = PolicyLoader.load(keys, keys, false);
        assertThat(loaded.problems()).isEmpty();
        SiteSigners signers = SiteSigners.read(List.of(mok), keys, SiteSigners.PROPERTY);
        Facts f = facts(List.of(mok, distro), "fat", "udf");
        Map<String, RuleResult> results = new java.util.HashMap<>();
        new Evaluator(DAY, Waivers.Limits.NONE, signers).evaluate(loaded.policies(), f, EvaluatorTest.UBUNTU)
                .forEach(r -> results.put(r.ruleId(), r));
        assertThat(results.get("BOTH").status()).as(results.get("BOTH").message()).isEqualTo(RuleResult.Status.PASS);
        assertThat(results.get("DISTRO-ONLY").message()).startsWith("1 of 2 modules fail (1 untrusted signer)")
                .contains("fat.ko (fat): untrusted signer: signed with the key of '" + MOK + "'");
    }

    @Test
    void withoutSignersARuleTrustingOnlyThemIsNotCheckedNamingTheParameterAndBlocksInStrictMode() throws Exception {
        Path dir = Files.createTempDirectory("site-only");
        Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: p
                version: 1.0.0
                rules:
                  - {id: SITE-ONLY, severity: high, kernelModules: {signature: required, trustedCertificates: [site:module-signers]}}
                """);
        PolicyLoader.Result loaded = PolicyLoader.load(dir, dir, false);
        assertThat(loaded.problems()).isEmpty();
        RuleResult r = new Evaluator(DAY, Waivers.Limits.NONE, SiteSigners.NONE)
                .evaluate(loaded.policies(), facts(List.of(mok), "fat"), EvaluatorTest.UBUNTU).get(0);
        assertThat(r.status()).isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(r.undecided()).as("not checked, which a verdict may not read as passed").isTrue();
        assertThat(r.message()).startsWith("the rule trusts the site's module signers (site:module-signers), and this run "
                + "was given none; pass the certificates").contains("-Dnodeimage.trustedModuleSigners=", "--trusted-module-signers");
        Verdict lenient = new Verdict("img", null, null, DAY.toString(), List.of(r), Policy.Severity.HIGH, false,
                List.of(), List.of(), List.of());
        assertThat(lenient.passed()).as("high, not critical: reported, not failing").isTrue();
        Verdict strict = new Verdict("img", null, null, DAY.toString(), List.of(r), Policy.Severity.HIGH, true,
                List.of(), List.of(), List.of());
        assertThat(strict.blocking()).containsExactly(r);
    }

    @Test
    void withoutSignersTheBundledRuleJudgesWithTheKernelsKeysAsANodeWithoutAMokDoes() throws Exception {
        RuleResult r = sb003(SiteSigners.NONE, facts(List.of(mok), "fat"));
        assertThat(r.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(r.message()).startsWith("1 of 1 modules fail (1 untrusted signer)")
                .contains("the kernel's built-in keys are unknown: /boot/vmlinuz-" + EvaluatorTest.KVER + " is not in the image");
    }

    @Test
    void aSignerFileThatIsMissingOrHoldsNoCertificateStopsTheRunNamingIt() throws Exception {
        assertThatThrownBy(() -> SiteSigners.read(List.of(keys.resolve("certs/nope.pem")), keys, SiteSigners.PROPERTY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("nodeimage.trustedModuleSigners: certs/nope.pem is not a file");
        Path key = keys.resolve("mok.key");
        assertThatThrownBy(() -> SiteSigners.read(List.of(mok, key), keys, SiteSigners.PROPERTY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("nodeimage.trustedModuleSigners: mok.key is not a PEM or DER X.509 certificate")
                .satisfies(e -> assertThat(((ConfigurationException) e).hint()).contains("mokutil --import"));
        Path empty = Files.writeString(keys.resolve("empty.pem"), "");
        assertThatThrownBy(() -> SiteSigners.read(List.of(empty), keys, "--trusted-module-signers"))
                .hasMessage("--trusted-module-signers: empty.pem is not a PEM or DER X.509 certificate (it holds none)");
    }

    @Test
    void aDerFileAndAPemFileOfTwoCertificatesAreReadAndKeptInPathOrder() throws Exception {
        Path der = keys.resolve("a-mok.der");
        Files.write(der, SiteSigners.read(List.of(mok), keys, "t").certificates().get(0).getEncoded());
        Path bundle = Files.writeString(keys.resolve("bundle.pem"), Files.readString(distro) + Files.readString(mok));
        SiteSigners s = SiteSigners.read(List.of(bundle, der), keys, "t");
        assertThat(s.files()).extracting(TrustedCertificate::file).containsExactly("a-mok.der", "bundle.pem");
        assertThat(s.certificates()).hasSize(3);
        assertThat(s.fingerprints()).hasSize(2);
    }

    @Test
    void aMisspelledEntryIsRefusedByTheSchemaNotTakenForAFile() throws Exception {
        Files.writeString(keys.resolve("typo.yaml"), """
                apiVersion: nodeimage/v1
                kind: Policy
                name: typo
                version: 1.0.0
                rules: [{id: T, severity: high, kernelModules: {trustedCertificates: [site:module-signer]}}]
                """);
        Path only = Files.createDirectories(keys.resolve("typo"));
        Files.move(keys.resolve("typo.yaml"), only.resolve("typo.yaml"));
        assertThat(PolicyLoader.load(only, only, false).problems()).extracting(Problem::format).singleElement().asString()
                .contains("rules[0].kernelModules.trustedCertificates[0]: 'site:module-signer' is not ",
                        "or site:module-signers, the certificates the run is given");
    }
}
