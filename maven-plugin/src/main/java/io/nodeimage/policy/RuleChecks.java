package io.nodeimage.policy;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KernelModule;
import io.nodeimage.inspect.ModuleSignature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Each kind of check, against an image's facts: the reason a rule fails, or empty when it holds. */
final class RuleChecks {

    private RuleChecks() {
    }

    /** What a check looked at: evidence lines, and the file in the image a finding is about. */
    static final class Look {
        final List<String> evidence = new ArrayList<>();
        String imagePath;

        void path(String path) {
            if (imagePath == null && path != null && path.startsWith("/")) {
                imagePath = path;
            }
        }
    }

    /** The reason the rule fails, or empty when it holds; evidence collects what was looked at. */
    static Optional<String> check(Policy.Rule r, Facts f, Look look, LoadedPolicy lp, SiteSigners signers) {
        List<String> evidence = look.evidence;
        if (r.kernelModule() != null) {
            return module(r.kernelModule(), f, look);
        }
        if (r.kernelModules() != null) {
            return modules(r.kernelModules(), f, look, lp, signers);
        }
        if (r.driver() != null) {
            return driver(r.driver(), f, look);
        }
        if (r.packageState() != null) {
            return packageCheck(r.packageState(), f, evidence);
        }
        if (r.sysctl() != null) {
            Facts.Setting s = io.nodeimage.inspect.SysctlConfig.value(f.sysctl(), r.sysctl().key()).orElse(null);
            look.path(s == null ? null : s.file());
            evidence.add(r.sysctl().key() + " = " + (s == null ? "(not set)" : s.value() + " (" + s.file() + ")"));
            return s != null && s.value().equals(r.sysctl().value()) ? Optional.empty()
                    : Optional.of(r.sysctl().key() + " is " + (s == null ? "not set" : s.value()) + ", not " + r.sysctl().value());
        }
        if (r.kernelConfig() != null) {
            if (f.kernels().isEmpty()) {
                return Optional.of("the image has no kernel");
            }
            List<String> wrong = new ArrayList<>();
            for (Facts.KernelTree k : f.kernels()) {
                String v = k.config().get(r.kernelConfig().option());
                evidence.add(k.version() + ": " + r.kernelConfig().option() + "=" + (v == null ? "(no /boot/config)" : v));
                if (!r.kernelConfig().value().equals(v)) {
                    wrong.add(k.version());
                }
            }
            return wrong.isEmpty() ? Optional.empty()
                    : Optional.of(r.kernelConfig().option() + " is not " + r.kernelConfig().value() + " in " + String.join(", ", wrong));
        }
        if (r.cmdline() != null) {
            boolean present = f.cmdline().stream().anyMatch(c -> c.text().matches(
                    "(?s).*(^|[\\s\"'])" + java.util.regex.Pattern.quote(r.cmdline().argument()) + "($|[\\s\"']).*"));
            f.cmdline().forEach(c -> evidence.add(c.path()));
            boolean wanted = r.cmdline().state() != Policy.Presence.ABSENT;
            return present == wanted ? Optional.empty() : Optional.of("kernel argument " + r.cmdline().argument()
                    + (wanted ? f.runtime() != null ? " is not on the running kernel's command line" : " is set nowhere a boot reads it"
                    : " is set"));
        }
        if (r.service() != null) {
            String unit = r.service().name().contains(".") ? r.service().name() : r.service().name() + ".service";
            boolean enabled = f.enabledUnits().contains(unit);
            boolean masked = f.maskedUnits().contains(unit);
            evidence.add(unit + (enabled ? " enabled" : masked ? " masked" : " not enabled"));
            boolean ok = switch (r.service().state()) {
                case ENABLED -> enabled;
                case NOT_ENABLED -> !enabled;
                case MASKED -> masked;
            };
            return ok ? Optional.empty() : Optional.of(unit + " is not " + r.service().state().yamlName());
        }
        if (r.file() != null) {
            look.path(r.file().path());
            return file(r.file(), f, evidence);
        }
        // The loader refuses rules without a check it supports; a rule reaching here is a bug.
        throw new IllegalStateException("rule " + r.id() + " has no supported check");
    }

    private static boolean stateMeets(Policy.ModuleState wanted, String state, boolean inKernel) {
        return switch (wanted) {
            case PRESENT -> inKernel;
            case ABSENT -> !inKernel;
            case DISABLED -> state.equals("absent") || state.equals("disabled");
            case LOADABLE -> state.equals("loadable") || state.equals("builtin");
        };
    }

    private static Optional<String> module(Policy.ModuleCheck c, Facts f, Look look) {
        String name = c.name().replace('-', '_');
        List<String> evidence = look.evidence;
        List<String> wrong = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            Optional<Facts.ModuleState> found = f.modules().stream()
                    .filter(s -> s.kernel().equals(k.version()) && s.module().equals(name)).findFirst();
            String state = found.map(Facts.ModuleState::state).orElse("absent");
            String from = found.map(Facts.ModuleState::installFrom).orElse(null);
            String why = found.map(Facts.ModuleState::reason).orElse(null);
            evidence.add(k.version() + ": " + name + " " + state + (why != null ? ": " + why
                    : from == null ? "" : " (install in " + from + ")"));
            look.path(from == null ? null : from.replaceAll(":[0-9]+$", ""));
            // present and absent are about the module's file (in the tree, or built in); disabled and
            // loadable about what modprobe does with the name.
            boolean inKernel = k.builtin().contains(name) || state.equals("builtin")
                    || k.modules().stream().anyMatch(m -> m.canonicalName().equals(name));
            boolean ok = stateMeets(c.state(), state, inKernel);
            // Where the image's own modprobe disagrees with the model, the more conservative verdict counts.
            String seen = found.map(Facts.ModuleState::modprobeState).orElse(null);
            if (seen != null && !seen.equals(state)) {
                evidence.add(k.version() + ": the image's modprobe shows " + name + " " + seen);
                if (ok && !stateMeets(c.state(), seen, inKernel)) {
                    ok = false;
                    state = seen + ", by the image's modprobe; nodeimage's model said " + state;
                }
            }
            if (!ok) {
                wrong.add(k.version() + " (" + state + ")");
            }
        }
        return wrong.isEmpty() ? Optional.empty()
                : Optional.of(c.name() + " is not " + c.state().yamlName() + " in kernel " + String.join(", ", wrong));
    }

    /**
     * Signatures as the kernel judges them: verified over the module's bytes with a trusted certificate's
     * key (invalid, unknown key and untrusted signer are told apart), then the names, then licences.
     */
    private static Optional<String> modules(Policy.ModulesCheck c, Facts f, Look look, LoadedPolicy lp,
                                            SiteSigners signers) {
        List<String> bad = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Set<String> trusted = new HashSet<>();
        lp.certificates(c.trustedCertificates()).forEach(t -> trusted.addAll(t.fingerprints()));
        if (SiteSigners.named(c)) {
            trusted.addAll(signers.fingerprints());
        }
        boolean kernelKeys = KernelBuiltInKeys.named(c);
        int checked = 0;
        for (Facts.KernelTree k : f.kernels()) {
            Set<String> trustedHere = trusted;
            if (kernelKeys && k.builtInKeys() != null) {
                trustedHere = new HashSet<>(trusted);
                for (io.nodeimage.inspect.KernelKeys.Key key : k.builtInKeys()) {
                    trustedHere.add(key.sha256());
                }
            }
            for (KernelModule m : k.modules()) {
                checked++;
                Optional<String> why = signatureProblem(c, m, trustedHere);
                if (why.isPresent() && kernelKeys && k.builtInKeys() == null && m.signature().isPresent()) {
                    why = Optional.of(why.get() + "; the kernel's built-in keys are unknown: /boot/vmlinuz-" + k.version()
                            + " is not in the image");
                }
                if (why.isEmpty() && !c.licenses().isEmpty() && !c.licenses().contains(m.license())) {
                    why = Optional.of("licence not accepted: '" + m.license() + "'");
                }
                if (why.isPresent()) {
                    String kind = why.get().replaceAll(":.*", "");
                    kinds.merge(kind, 1, Integer::sum);
                    bad.add(m.path() + " (" + m.name() + "): " + why.get());
                    look.path(m.path());
                }
            }
        }
        look.evidence.add(checked + " modules checked in " + f.kernels().size() + " kernel trees"
                + (trusted.isEmpty() ? "" : " against " + trusted.size() + " trusted certificates"));
        bad.stream().sorted().limit(50).forEach(look.evidence::add);
        if (bad.isEmpty()) {
            return Optional.empty();
        }
        List<String> counts = new ArrayList<>();
        kinds.forEach((kind, n) -> counts.add(n + " " + kind));
        return Optional.of(bad.size() + " of " + checked + " modules fail (" + String.join(", ", counts) + "): "
                + bad.stream().sorted().findFirst().orElseThrow() + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : ""));
    }

    /** The first thing wrong with a module's signature under the check, as "kind: detail". */
    private static Optional<String> signatureProblem(Policy.ModulesCheck c, KernelModule m, Set<String> trusted) {
        Optional<ModuleSignature> sig = m.signature();
        if (sig.isEmpty()) {
            return c.signature() == Policy.Requirement.REQUIRED
                    ? Optional.of("unsigned: the module carries no signature") : Optional.empty();
        }
        ModuleSignature s = sig.get();
        if (!c.trustedCertificates().isEmpty()) {
            ModuleSignature.Verification v = s.verification();
            if (v == null) {
                return Optional.of("not verified: the signature was not checked against certificates (inspected without them)");
            }
            switch (v.status()) {
                case INVALID -> {
                    return Optional.of("invalid signature: it does not verify with the key of '" + v.subject()
                            + "' (certificate sha256 " + v.certificate() + "); the module changed after signing, or the "
                            + "signature was forged");
                }
                case UNKNOWN_KEY -> {
                    return Optional.of("unknown key: signed by '" + s.signer() + "' with key " + s.keyId()
                            + ", which no trusted certificate holds");
                }
                case VALID -> {
                    if (!trusted.contains(v.certificate())) {
                        return Optional.of("untrusted signer: signed with the key of '" + v.subject() + "' (certificate sha256 "
                                + v.certificate() + "), which this rule does not trust");
                    }
                }
                default -> throw new IllegalStateException("unknown verification status " + v.status());
            }
        }
        boolean names = !c.trustedSigners().isEmpty() || !c.trustedKeyIds().isEmpty();
        if (names && !c.trustedSigners().contains(s.signer())
                && c.trustedKeyIds().stream().noneMatch(id -> id.equalsIgnoreCase(s.keyId()))) {
            return Optional.of("untrusted signer: signed by '" + s.signer() + "' with key " + s.keyId()
                    + ", neither a trusted signer nor a trusted key id");
        }
        return Optional.empty();
    }

    private static Optional<String> driver(Policy.DriverCheck c, Facts f, Look look) {
        List<String> evidence = look.evidence;
        List<Facts.Driver> drivers = f.drivers().stream().filter(d -> d.vendor().equals(c.vendor())).toList();
        drivers.forEach(d -> look.path(d.module()));
        if (drivers.isEmpty()) {
            if (f.runtime() != null) {
                evidence.add("no " + c.vendor() + " driver in /proc/driver");
                return Optional.of("no " + c.vendor() + " driver is loaded on the node");
            }
            evidence.add("no " + c.vendor() + " driver module in any kernel tree");
            return Optional.of("no " + c.vendor() + " driver in the image");
        }
        for (Facts.Driver d : drivers) {
            evidence.add(d.kernel() + ": " + d.module() + " " + d.version() + " " + d.flavor()
                    + (d.gspFirmware() ? " with GSP firmware" : ""));
            if (c.version() != null && (d.version() == null
                    || !VersionOrder.satisfies(d.version(), c.version(), VersionOrder.Scheme.RPM))) {
                return Optional.of(c.vendor() + " driver " + d.version() + " is outside " + c.version() + inKernel(d));
            }
            if (c.flavor() != null && !c.flavor().equals(d.flavor())) {
                return Optional.of(c.vendor() + " driver is " + d.flavor() + ", not " + c.flavor() + inKernel(d));
            }
            if (Boolean.TRUE.equals(c.gspFirmware()) && !d.gspFirmware()) {
                return Optional.of("no GSP firmware for " + c.vendor() + " driver " + d.version());
            }
        }
        return Optional.empty();
    }

    /** " (kernel 6.8.0-1017-nvidia)", or nothing where the kernel is not known (a node without osrelease). */
    private static String inKernel(Facts.Driver d) {
        return d.kernel() == null || d.kernel().isEmpty() ? "" : " (kernel " + d.kernel() + ")";
    }

    private static Optional<String> packageCheck(Policy.PackageCheck c, Facts f, List<String> evidence) {
        Optional<Facts.Package> p = f.packages().stream().filter(x -> x.name().equals(c.name())).findFirst();
        evidence.add(c.name() + " " + p.map(Facts.Package::version).orElse("(not installed)"));
        if (c.state() == Policy.Presence.ABSENT) {
            return p.isEmpty() ? Optional.empty() : Optional.of(c.name() + " " + p.get().version() + " is installed");
        }
        if (p.isEmpty()) {
            return Optional.of(c.name() + " is not installed");
        }
        VersionOrder.Scheme order = f.osRelease().getOrDefault("ID", "").matches("debian|ubuntu")
                || f.osRelease().getOrDefault("ID_LIKE", "").matches("(.* )?(debian|ubuntu)( .*)?")
                ? VersionOrder.Scheme.DPKG : VersionOrder.Scheme.RPM;
        if (c.version() != null && !VersionOrder.satisfies(p.get().version(), c.version(), order)) {
            return Optional.of(c.name() + " " + p.get().version() + " is outside " + c.version());
        }
        return Optional.empty();
    }

    private static Optional<String> file(Policy.FileCheck c, Facts f, List<String> evidence) {
        Optional<Facts.FileEntry> e = f.files().stream().filter(x -> x.path().equals(c.path())).findFirst();
        evidence.add(e.map(x -> x.path() + " " + x.type() + " " + x.mode() + " " + x.owner() + ":" + x.group()
                + (x.link() == null ? "" : " -> " + x.link())).orElse(c.path() + " (absent)"));
        if (c.state() == Policy.FileState.ABSENT) {
            return e.isEmpty() ? Optional.empty() : Optional.of(c.path() + " exists");
        }
        if (e.isEmpty()) {
            return c.state() == Policy.FileState.IF_PRESENT ? Optional.empty() : Optional.of(c.path() + " does not exist");
        }
        Facts.FileEntry x = e.get();
        List<String> wrong = new ArrayList<>();
        if (c.maxMode() != null && !x.type().equals("link")) {
            int extra = Integer.parseInt(x.mode(), 8) & ~Integer.parseInt(c.maxMode(), 8);
            if (extra != 0) {
                wrong.add("mode " + x.mode() + " allows more than " + c.maxMode());
            }
        }
        if (c.owner() != null && !c.owner().equals(x.owner()) && !c.owner().equals(Long.toString(x.uid()))) {
            wrong.add("owner is " + x.owner() + ", not " + c.owner());
        }
        if (c.group() != null && !c.group().equals(x.group()) && !c.group().equals(Long.toString(x.gid()))) {
            wrong.add("group is " + x.group() + ", not " + c.group());
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(c.path() + ": " + String.join("; ", wrong));
    }
}
