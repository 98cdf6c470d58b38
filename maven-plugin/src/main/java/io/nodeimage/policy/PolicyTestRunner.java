package io.nodeimage.policy;

import io.nodeimage.inspect.Compression;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleSignature;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a {@link PolicyTest}'s cases against its policy and says which expectations did not hold. */
public final class PolicyTestRunner {

    private PolicyTestRunner() {
    }

    /** One expectation that did not hold, or a rule the test names that the policy lacks. */
    public record Failure(String testCase, String rule, String expected, String actual, String message) {
        public String format() {
            return testCase + ": " + rule + " expected " + expected + ", was " + actual + (message.isEmpty() ? "" : " (" + message + ")");
        }
    }

    public static List<Failure> run(PolicyTest test, LoadedPolicy policy) {
        return run(test, policy, LocalDate.now());
    }

    /** @param asOf the day judged when the test names none */
    public static List<Failure> run(PolicyTest test, LoadedPolicy policy, LocalDate asOf) {
        return run(test, policy, asOf, test.cases().stream().map(c -> SiteSigners.NONE).toList());
    }

    /** @param signers each case's site module signers, read from the files its trustedModuleSigners names */
    public static List<Failure> run(PolicyTest test, LoadedPolicy policy, LocalDate asOf, List<SiteSigners> signers) {
        LocalDate today = test.today() == null ? asOf : LocalDate.parse(test.today());
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < test.cases().size(); i++) {
            PolicyTest.Case c = test.cases().get(i);
            SiteSigners given = signers.get(i);
            PolicyTest.Target t = c.target() == null ? new PolicyTest.Target(null, null, null, null, null, null) : c.target();
            Evaluator.Target target = new Evaluator.Target(t.profile(), orEmpty(t.family()), orEmpty(t.release()),
                    orEmpty(t.arch()), t.accelerators(), t.features());
            Map<String, RuleResult> results = new LinkedHashMap<>();
            new Evaluator(today, Waivers.Limits.NONE, given).evaluate(List.of(policy),
                            facts(c.facts(), policy, given, "aarch64".equals(t.arch()) ? "arm64" : "amd64"), target)
                    .forEach(r -> results.put(r.ruleId(), r));
            c.expect().forEach((rule, expected) -> {
                RuleResult r = results.get(rule);
                if (r == null) {
                    failures.add(new Failure(c.name(), rule, expected.yamlName(), "missing", "the policy has no such rule"));
                } else {
                    String actual = r.undecided() ? PolicyTest.Expected.NOT_CHECKED.yamlName() : r.status().yamlName();
                    if (!actual.equals(expected.yamlName())) {
                        failures.add(new Failure(c.name(), rule, expected.yamlName(), actual, r.message()));
                    }
                }
            });
        }
        return failures;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static Facts facts(PolicyTest.FactsSpec f) {
        return facts(f, null, SiteSigners.NONE, "amd64");
    }

    /**
     * A module's signature as written in a test; the certificate named by its file in the policy, or in the
     * case's site signers.
     */
    private static Optional<ModuleSignature> signature(PolicyTest.ModuleSpec m, LoadedPolicy policy, SiteSigners signers) {
        if (m.signer() == null) {
            return Optional.empty();
        }
        ModuleSignature.Verification v = null;
        if (m.signature() != null) {
            String fingerprint = null;
            String subject = null;
            if (KernelBuiltInKeys.ENTRY.equals(m.certificate())) {
                fingerprint = kernelKey(m.kernel()).sha256();
                subject = kernelKey(m.kernel()).subject();
            } else if (m.certificate() != null && policy != null) {
                Optional<TrustedCertificate> c = java.util.stream.Stream.concat(policy.certificates().stream(),
                        signers.files().stream()).filter(t -> t.file().equals(m.certificate())).findFirst();
                fingerprint = c.map(t -> t.fingerprints().get(0)).orElse("(no certificate " + m.certificate()
                        + " in the policy or the case's trustedModuleSigners)");
                subject = c.map(t -> t.certificates().get(0).getSubjectX500Principal().getName()).orElse(m.certificate());
            } else if (m.certificate() != null) {
                fingerprint = m.certificate();
                subject = m.certificate();
            }
            v = new ModuleSignature.Verification(m.signature(), fingerprint, subject);
        }
        return Optional.of(new ModuleSignature(m.signer(), m.keyId() == null ? "" : m.keyId(), "sha256", v));
    }

    /** The one key built into each test kernel: a test module names it as certificate kernel:built-in-keys. */
    private static io.nodeimage.inspect.KernelKeys.Key kernelKey(String kernel) {
        return new io.nodeimage.inspect.KernelKeys.Key("CN=built-in key of test kernel " + kernel, "built-in-key-of-" + kernel);
    }

    /** @param architecture the facts' architecture, in the image's words (amd64, arm64): the case's target arch */
    static Facts facts(PolicyTest.FactsSpec f, LoadedPolicy policy, SiteSigners signers, String architecture) {
        List<String> kernelVersions = f.kernels() == null ? List.of() : f.kernels();
        List<Facts.KernelTree> kernels = new ArrayList<>();
        for (String k : kernelVersions) {
            List<KernelModule> modules = new ArrayList<>();
            if (f.modules() != null) {
                for (PolicyTest.ModuleSpec m : f.modules()) {
                    if (m.kernel().equals(k)) {
                        modules.add(new KernelModule("/usr/lib/modules/" + k + "/kernel/" + m.name() + ".ko", m.name(),
                                m.version(), m.license(), k, null, List.of(), List.of(), Compression.NONE,
                                signature(m, policy, signers)));
                    }
                }
            }
            kernels.add(new Facts.KernelTree(k, "/usr/lib/modules/" + k, List.of(), modules, List.of(),
                    f.kernelConfig() == null ? Map.of() : f.kernelConfig(), List.of(kernelKey(k))));
        }
        List<Facts.ModuleState> states = new ArrayList<>();
        if (f.states() != null) {
            f.states().forEach(s -> states.add(new Facts.ModuleState(s.module().replace('-', '_'), s.kernel(),
                    s.state().yamlName(), false, null, null, s.options() == null ? List.of() : s.options(), null, null, null,
                    s.options() == null ? List.of() : java.util.stream.IntStream.range(0, s.options().size())
                            .mapToObj(i -> "/etc/modprobe.d/test.conf:" + (i + 1)).toList())));
        }
        Map<String, Facts.Setting> sysctl = new LinkedHashMap<>();
        if (f.sysctl() != null) {
            f.sysctl().forEach((k, v) -> sysctl.put(k, new Facts.Setting(v, "(test)")));
        }
        List<Facts.Package> packages = new ArrayList<>();
        if (f.packages() != null) {
            f.packages().forEach((n, v) -> packages.add(new Facts.Package(n, v, null)));
        }
        List<Facts.Driver> drivers = new ArrayList<>();
        if (f.drivers() != null) {
            f.drivers().forEach(d -> drivers.add(new Facts.Driver(d.vendor(), "(test)", d.kernel() == null ? "" : d.kernel(),
                    d.version(), d.version() == null ? null : d.version().split("\\.")[0], d.flavor(),
                    Boolean.TRUE.equals(d.gspFirmware()))));
        }
        List<Facts.FileEntry> files = new ArrayList<>();
        if (f.files() != null) {
            f.files().forEach(x -> files.add(new Facts.FileEntry(x.path(), x.type() == null ? "file" : x.type(),
                    x.mode() == null ? "0644" : x.mode(), -1, -1, x.owner() == null ? "root" : x.owner(),
                    x.group() == null ? "root" : x.group(), 0, null)));
        }
        return new Facts("(test)", "", Map.of(), architecture, kernels, List.of(), states, List.of(),
                f.cmdline() == null ? List.of() : List.of(new Facts.CmdlineSource("(test)", f.cmdline())),
                sysctl, packages, f.enabledUnits() == null ? List.of() : f.enabledUnits(), List.of(), List.of(), drivers,
                files, List.of(), runtime(f.runtime()));
    }

    /** A running node as a test writes it; GPUs are NVIDIA's, at made-up bus addresses in order. */
    private static Facts.Runtime runtime(PolicyTest.RuntimeSpec r) {
        if (r == null) {
            return null;
        }
        List<String> taints = r.taints() == null ? List.of() : r.taints().stream().map(Enum::name).toList();
        long mask = r.taints() == null ? 0 : r.taints().stream().mapToLong(t -> 1L << t.bit()).sum();
        List<Facts.LoadedModule> loaded = r.loaded() == null ? List.of() : r.loaded().stream()
                .map(m -> new Facts.LoadedModule(m.replace('-', '_'), 0, "Live", "", null, null, "live")).toList();
        List<Facts.Gpu> gpus = new ArrayList<>();
        List<PolicyTest.GpuSpec> specs = r.gpus() == null ? List.of() : r.gpus();
        for (int i = 0; i < specs.size(); i++) {
            PolicyTest.GpuSpec g = specs.get(i);
            gpus.add(new Facts.Gpu("nvidia", String.format("0000:%02x:00.0", i + 1), g.model(), null, null, mode(g.persistence()),
                    mode(g.mig()), mode(g.ecc()), null));
        }
        boolean smi = specs.stream().anyMatch(g -> g.persistence() != null || g.mig() != null || g.ecc() != null);
        Facts.Resctrl resctrl = r.resctrl() == null ? null : new Facts.Resctrl("/sys/fs/resctrl", "rw,relatime",
                r.resctrl().groups() == null ? List.of() : r.resctrl().groups().entrySet().stream()
                        .map(g -> new Facts.ResctrlGroup(g.getKey(), g.getValue())).toList());
        return new Facts.Runtime(null, mask, taints, true, loaded, r.lockdown() == null ? null : r.lockdown().yamlName(),
                r.secureBoot() == null ? null : r.secureBoot().yamlName(), gpus, smi ? "(test)" : null, false,
                r.parameters(), resctrl);
    }

    private static String mode(Policy.Mode m) {
        return m == null ? null : m.yamlName();
    }
}
