package io.nodeimage.cli;

import io.nodeimage.ConfigurationException;
import io.nodeimage.ViolationException;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.PolicySets;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.policy.Waivers;
import io.nodeimage.provenance.Drift;
import io.nodeimage.report.VerdictLines;
import io.nodeimage.report.VerifyService;
import io.nodeimage.signing.VerificationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verify-host}: what {@code mvn nodeimage:verify-host} does, through the same core calls. */
@Command(name = "verify-host", mixinStandardHelpOptions = true,
        description = {"Judges a running node (this machine, or a node's root mounted elsewhere) against the "
                + "policies; writes facts.json, report.json, junit.xml, report.sarif and summary.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a violation at or above --fail-on", "2:an error (bad input, unreadable root)"})
final class VerifyHostCommand implements Callable<Integer> {

    /** Where a report's set of the user's own policies says it came from (the plugin says the project's version). */
    static final String POLICIES_VERSION = "local";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", defaultValue = "/", paramLabel = "<dir>",
            description = "The node's root: / on the node, or where its root is mounted with its proc and sys "
                    + "(a DaemonSet's /host). Default: ${DEFAULT-VALUE}.")
    Path root;

    @Option(names = "--policies", paramLabel = "<dir>",
            description = "A folder of policies and waivers, as a project's src/main/nodeimage/policies.")
    Path policies;

    @Option(names = "--catalog", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Judge by the bundled policy catalog too (default: on; --no-catalog turns it off).")
    boolean catalog;

    @Option(names = "--nvidia-smi-xml", paramLabel = "<file>",
            description = "nvidia-smi -q -x output of the node; without it GPU rules are reported not checked.")
    Path nvidiaSmiXml;

    @Option(names = "--image-tree", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Read the node's installed tree too where the root has one (/lib/modules, a package "
                    + "database): module files, kernel config, modprobe.d, units, packages, as for an image "
                    + "(default: on; --no-image-tree reads only what the running kernel shows).")
    boolean imageTree;

    @Option(names = "--out", paramLabel = "<dir>",
            description = "Where the reports go. Default: ./nodeimage-reports/<the node's hostname>.")
    Path out;

    @Option(names = "--fail-on", defaultValue = "high", paramLabel = "<severity>",
            description = "The lowest severity of an unwaived finding that fails: info, low, medium, high, "
                    + "critical. Default: ${DEFAULT-VALUE}.")
    String failOn;

    @Option(names = "--strict", description = "A policy that cannot tell whether it applies fails whatever its severity.")
    boolean strict;

    @Option(names = "--trusted-module-signers", split = ",", paramLabel = "<file>",
            description = "Certificates the site's nodes trust for module signatures (PEM or DER; comma-separated "
                    + "or repeated), for rules naming site:module-signers. A running node's module files are not "
                    + "read, so here they are checked and recorded in verification.json only.")
    List<Path> trustedModuleSigners;

    @Option(names = "--as-of", paramLabel = "<YYYY-MM-DD>", description = "The day waivers are judged on. Default: today.")
    String asOf;

    @Option(names = "--certificate", paramLabel = "<file>",
            description = "The certificate of the image the node was booted from (certificate.intoto.json, or the "
                    + "signed .jsonl with --public-key): the running kernel, each GPU driver's version and flavour and "
                    + "its module's srcversion must be the image's; each difference is a finding of policy 'certificate'.")
    Path certificate;

    @Option(names = "--public-key", paramLabel = "<file>",
            description = "The signer's public key (PEM), for a signed certificate.")
    Path publicKey;

    @Option(names = "--public-key-fingerprint", paramLabel = "<sha256:hex>",
            description = "The fingerprint --public-key must have.")
    String publicKeyFingerprint;

    @Override
    public Integer call() {
        if (policies != null && !Files.isDirectory(policies)) {
            throw new ConfigurationException("--policies " + policies + " is not a folder",
                    "name the folder that holds the policy and waiver YAML files");
        }
        if (nvidiaSmiXml != null && !Files.isRegularFile(nvidiaSmiXml)) {
            throw new ConfigurationException("--nvidia-smi-xml " + nvidiaSmiXml + " is not a file",
                    "write it with nvidia-smi -q -x > smi.xml on the node");
        }
        Path here = Path.of("").toAbsolutePath();
        SiteSigners signers = SiteSigners.read(trustedModuleSigners == null ? List.of() : trustedModuleSigners, here,
                "--trusted-module-signers");
        PolicySets.Read read = PolicySets.read(policies == null ? null : policies.toAbsolutePath(), here,
                POLICIES_VERSION, List.of(), catalog);
        PolicySets.require(read.problems(), "policies");
        List<PolicySet> sets = read.sets();
        if (sets.stream().allMatch(s -> s.policies().isEmpty())) {
            throw new ConfigurationException("no policies to judge by", policies == null
                    ? "leave the catalog on, or name a folder of policies with --policies"
                    : "put policy YAML files in " + policies + ", or leave the catalog on");
        }
        VerifyService service = new VerifyService(sets, new VerifyService.Settings(
                VerifyService.severity("--fail-on", failOn), today(), strict, new Waivers.Limits(30, 0), null)
                .withModuleSigners(signers));
        VerifyService.Judged judged = service.judgeHost(root.toAbsolutePath().normalize(), nvidiaSmiXml, imageTree);
        if (certificate != null) {
            judged = judged.with(Drift.judge(Drift.read(certificate, certificate.toString(), key()), judged.facts(),
                    certificate.toString()));
        }
        Path directory = out != null ? out : Path.of("nodeimage-reports", folderName(judged.facts().image()));
        VerifyService.Outcome outcome = service.write(judged, null, null, directory);
        for (VerdictLines.Line line : VerdictLines.of(outcome.verdict(), directory)) {
            switch (line.level()) {
                case INFO -> spec.commandLine().getOut().println(line.text());
                case WARN -> spec.commandLine().getErr().println("warning: " + line.text());
                case ERROR -> spec.commandLine().getErr().println("error: " + line.text());
            }
        }
        try {
            VerifyService.requirePassed(List.of(outcome));
            return NodeimageCli.PASSED;
        } catch (ViolationException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return NodeimageCli.VIOLATION;
        }
    }

    /** The public key given, checked against the pinned fingerprint; null when none was given. */
    private VerificationKey key() {
        if (publicKey == null) {
            if (publicKeyFingerprint != null) {
                throw new ConfigurationException("--public-key-fingerprint is given, but no --public-key",
                        "give the key whose fingerprint is pinned");
            }
            return null;
        }
        return VerificationKey.pinned(publicKey, publicKey.toString(), publicKeyFingerprint, "--public-key-fingerprint");
    }

    private LocalDate today() {
        if (asOf == null) {
            return LocalDate.now();
        }
        try {
            return LocalDate.parse(asOf.strip());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException("--as-of '" + asOf + "' is not a date", "write YYYY-MM-DD, such as 2027-01-31");
        }
    }

    /** A hostname as one folder name: nothing that climbs out of --out's parent or makes a subfolder. */
    static String folderName(String hostname) {
        String name = io.nodeimage.inspect.InspectService.safe(hostname);
        return name.isEmpty() || name.chars().allMatch(c -> c == '.') ? "host" : name;
    }
}
