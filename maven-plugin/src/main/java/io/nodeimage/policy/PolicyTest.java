package io.nodeimage.policy;

import static io.nodeimage.yaml.Syntax.MODULE;
import static io.nodeimage.yaml.Syntax.NAME;
import static io.nodeimage.yaml.Syntax.FILE_MODE;
import static io.nodeimage.yaml.Syntax.PATH;
import static io.nodeimage.yaml.Syntax.RELATIVE_PATH;
import static io.nodeimage.yaml.Syntax.TRUSTED_CERTIFICATE;
import static io.nodeimage.yaml.Syntax.WORD;
import static io.nodeimage.yaml.Syntax.DATE;
import static io.nodeimage.yaml.Syntax.TEXT;

import io.nodeimage.host.KernelTaint;
import io.nodeimage.inspect.ModuleSignature;
import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import io.nodeimage.yaml.YamlEnum;
import java.util.List;
import java.util.Map;

/**
 * Tests of a policy in YAML, for people who never write Java: facts in, the expected status of each
 * rule out. Run by nodeimage:test-policies and in the build.
 */
@Doc("Tests of one nodeimage policy: cases of facts and the status each rule must have.")
public record PolicyTest(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always PolicyTest.") String kind,
        @Required @Doc("The policy under test, by name.") @Shape(NAME) String policy,
        @Doc("The day waivers are judged on, YYYY-MM-DD; nodeimage.asOf, else today, when absent.") @Shape(DATE) String today,
        @Required @Doc("The cases.") List<Case> cases) {

    public PolicyTest {
        cases = cases == null ? List.of() : List.copyOf(cases);
    }

    public record Case(
            @Required @Doc("What the case shows.") String name,
            @Doc("The image's family, release, arch and profile.") Target target,
            @Required @Doc("The facts, in short form.") FactsSpec facts,
            @Doc("Certificate files (PEM or DER, relative to the test file) given to the run as the site's module "
                    + "signers (nodeimage.trustedModuleSigners), for rules naming site:module-signers; absent: none.")
            List<@Shape(RELATIVE_PATH) String> trustedModuleSigners,
            @Required @Doc("Rule id to pass, fail, waived, not-applicable or not-checked.") Map<@Shape(WORD) String, Expected> expect) {
    }

    public record Target(@Shape(WORD) String family, @Shape(WORD) String release, @Shape(WORD) String arch,
                         @Doc("The profile the image was made from; absent: judged without one.") @Shape(NAME) String profile,
                         @Doc("Accelerator vendors the profile declares: nvidia, amd.") List<@Shape(WORD) String> accelerators,
                         @Doc("Platform features the profile declares: hmm, nested-virtualization, mpam.")
                         List<@Shape(WORD) String> features) {
    }

    /**
     * not-checked is a rule the run could not judge for want of an input (a profile, the site's module
     * signers, nvidia-smi output), which reports show as not checked; not-applicable one the facts decided
     * does not apply.
     */
    public enum Expected implements YamlEnum {
        PASS, FAIL, WAIVED, NOT_APPLICABLE, NOT_CHECKED
    }

    /** Facts written by hand: only what the rules under test look at. */
    public record FactsSpec(
            @Doc("Kernel versions with a module tree; modules below refer to them.") List<@Shape(WORD) String> kernels,
            @Doc("Module files: name, kernel, licence, signer (absent: unsigned), version, path.") List<ModuleSpec> modules,
            @Doc("Module states as modprobe would treat them.") List<StateSpec> states,
            @Doc("Effective sysctl values.") Map<String, String> sysctl,
            @Doc("Installed packages by name and version.") Map<String, String> packages,
            @Doc("Driver facts.") List<DriverSpec> drivers,
            @Doc("Kernel config options per kernel are all the same here.") Map<String, String> kernelConfig,
            @Doc("Enabled units.") List<String> enabledUnits,
            @Doc("Kernel command-line text, as one source.") String cmdline,
            @Doc("Files: path, type, mode, owner, group (defaults: file, 0644, root, root).") List<FileSpec> files,
            @Doc("A running node (verify-host): taint, loaded modules, GPUs; absent: the facts are an image's.")
            RuntimeSpec runtime) {
    }

    public record RuntimeSpec(
            @Doc("Taint letters the running kernel carries, such as [O] or [P, O, E].") List<KernelTaint> taints,
            @Doc("Modules loaded, by name.") List<@Shape(MODULE) String> loaded,
            @Doc("Module parameters as /sys/module shows them, keyed module/parameter: {nvidia_uvm/uvm_disable_hmm: N}.")
            Map<String, String> parameters,
            @Doc("The resctrl file system as mounted at /sys/fs/resctrl: its groups and their schemata; absent: not mounted.")
            ResctrlSpec resctrl,
            @Doc("GPUs as the driver and nvidia-smi show them; modes absent: no nvidia-smi output was given.")
            List<GpuSpec> gpus,
            @Doc("enabled or disabled, as the firmware's EFI variable says; absent: the node shows none.")
            Policy.Mode secureBoot,
            @Doc("The kernel's lockdown mode: none, integrity or confidentiality; absent: no lockdown in the kernel.")
            Policy.Lockdown lockdown) {
    }

    public record ResctrlSpec(@Doc("Groups by name, each with its schemata text.") Map<@Shape(WORD) String, @Shape(TEXT) String> groups) {
    }

    public record GpuSpec(@Doc("The model, such as NVIDIA H100 80GB HBM3.") String model, Policy.Mode persistence,
                          Policy.Mode mig, Policy.Mode ecc) {
    }

    public record FileSpec(@Required @Shape(PATH) String path, @Shape(WORD) String type,
                           @Shape(FILE_MODE) String mode, @Shape(WORD) String owner, @Shape(WORD) String group) {
    }

    public record ModuleSpec(@Required String name, @Required @Shape(WORD) String kernel, String license,
                             @Doc("The signer's name; absent: the module is unsigned.") String signer,
                             String keyId, String version,
                             @Doc("How the signature verified against the certificates the policy trusts: valid, "
                                     + "invalid or unknown-key; absent: not verified.") ModuleSignature.Status signature,
                             @Doc("With valid or invalid: the trusted certificate file (as the policy names it, "
                                     + "or as the case's trustedModuleSigners name it) that verified or failed the "
                                     + "signature; kernel:built-in-keys for the key built into the test kernel.")
                             @Shape(TRUSTED_CERTIFICATE) String certificate) {
    }

    public record StateSpec(@Required String module, @Required @Shape(WORD) String kernel,
                            @Required @Doc("loadable, disabled, absent or builtin.") ModuleStateName state,
                            @Doc("Its options lines in modprobe.d, in order, such as [\"uvm_disable_hmm=1\"].") List<String> options) {
    }

    /** The states inspect gives a module, as modprobe would treat it. */
    public enum ModuleStateName implements YamlEnum {
        LOADABLE, DISABLED, ABSENT, BUILTIN
    }

    public record DriverSpec(@Required String vendor, String version, String flavor, Boolean gspFirmware,
                             @Shape(WORD) String kernel) {
    }
}
