package io.nodeimage.mojo;

import io.nodeimage.report.VerifyService;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Judges a running node (this machine, or a node's root mounted elsewhere) against the same policies
 * as images: its loaded driver, modules, kernel taint, command line, sysctl values in force and GPU
 * modes. Writes facts.json, report.json, junit.xml, report.sarif and summary.md into
 * {@code <outputDirectory>/host/}, and fails the build when an unwaived finding reaches {@code failOn}.
 *
 * @since 0.1.0
 */
@Mojo(name = "verify-host", threadSafe = true, requiresProject = false)
public class VerifyHostMojo extends AbstractPolicyMojo {

    /**
     * The node's root directory: {@code /} on the node itself, or where a node's root is mounted with its
     * {@code /proc} and {@code /sys} (a DaemonSet's {@code /host}).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HOST_ROOT, defaultValue = "/")
    File root;

    /**
     * {@code nvidia-smi -q -x} output of the node, for persistence, MIG and ECC modes; without it, gpu
     * rules are reported not checked.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HOST_NVIDIA_SMI_XML)
    File nvidiaSmiXml;

    /**
     * Read the node's installed tree too, where the root has one ({@code /lib/modules}, a package
     * database), as {@code inspect} reads an image: module files, kernel config, modprobe.d, units and
     * packages, so one run judges what the node has installed beside what it runs. {@code false} reads
     * only what the running kernel shows (faster on a node with many kernels).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HOST_IMAGE_TREE, defaultValue = "true")
    boolean imageTree;

    /**
     * Judge against the bundled policy catalog too.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_CATALOG, defaultValue = "true")
    boolean catalogPolicies;

    /**
     * The lowest severity of an unwaived finding that fails the build: info, low, medium, high, critical.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.FAIL_ON, defaultValue = "high")
    String failOn;

    /**
     * The certificates the site's nodes trust for module signatures (the distribution's kernel module
     * signing certificate, the Machine Owner Keys enrolled for DKMS modules): PEM or DER files, one or more
     * certificates each, comma-separated, relative to the project. Rules naming {@code site:module-signers}
     * in {@code kernelModules.trustedCertificates} verify signatures against them; without them such rules
     * are not checked. On a node whose installed tree is read ({@code imageTree}), they judge its module files as on an image.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.TRUSTED_MODULE_SIGNERS)
    List<String> trustedModuleSigners;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY_HOST_SKIP, defaultValue = "false")
    boolean skipVerifyHost;

    @Override
    String goal() {
        return "verify-host";
    }

    @Override
    boolean skipGoal() {
        return skipVerifyHost;
    }

    /**
     * The certificate of the image the node was booted from ({@code certificate.intoto.json}, or the signed
     * {@code certificate.intoto.jsonl} with {@link #publicKey}): the running kernel, each GPU driver's version
     * and flavour, and the loaded driver module's srcversion are compared with what the image held, a
     * finding of the policy {@code certificate} per difference.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HOST_CERTIFICATE)
    File certificate;

    /** The signer's public key, for a signed certificate (as for check-certificate). */
    @Parameter(property = PropertyNames.PUBLIC_KEY)
    File publicKey;

    /** The fingerprint the public key must have (as for check-certificate). */
    @Parameter(property = PropertyNames.PUBLIC_KEY_FINGERPRINT)
    String publicKeyFingerprint;

    @Override
    void run() {
        VerifyService service = new VerifyService(policySets(catalogPolicies), new VerifyService.Settings(
                VerifyService.severity(failOn), today(), strict, waiverLimits(), null)
                .withModuleSigners(moduleSigners(trustedModuleSigners)));
        VerifyService.Judged judged = service.judgeHost(root.toPath(), nvidiaSmiXml == null ? null : nvidiaSmiXml.toPath(),
                imageTree);
        if (certificate != null) {
            String shown = io.nodeimage.yaml.SourceFiles.shown(certificate.toPath(), basedir.toPath());
            judged = judged.with(io.nodeimage.provenance.Drift.judge(io.nodeimage.provenance.Drift.read(
                    certificate.toPath(), shown, verificationKey(publicKey, publicKeyFingerprint)), judged.facts(), shown));
        }
        VerifyService.Outcome outcome = service.write(judged, null, null, outputDirectory.toPath().resolve("host"));
        logVerdict(outcome.verdict(), outcome.directory());
        VerifyService.requirePassed(List.of(outcome));
    }
}
