package io.nodeimage.plan;

import static io.nodeimage.yaml.Syntax.BRANCH;
import static io.nodeimage.yaml.Syntax.DATE;
import static io.nodeimage.yaml.Syntax.FILE_MODE;
import static io.nodeimage.yaml.Syntax.FIREWALL_PORT;
import static io.nodeimage.yaml.Syntax.FINGERPRINT;
import static io.nodeimage.yaml.Syntax.KERNEL_RELEASE;
import static io.nodeimage.yaml.Syntax.LINE;
import static io.nodeimage.yaml.Syntax.LOCK_PATTERN;
import static io.nodeimage.yaml.Syntax.MODULE;
import static io.nodeimage.yaml.Syntax.NAME;
import static io.nodeimage.yaml.Syntax.PACKAGE_TEMPLATE;
import static io.nodeimage.yaml.Syntax.PATH;
import static io.nodeimage.yaml.Syntax.SERVICE;
import static io.nodeimage.yaml.Syntax.TEXT;
import static io.nodeimage.yaml.Syntax.URL;
import static io.nodeimage.yaml.Syntax.WEB_URL;
import static io.nodeimage.yaml.Syntax.WORD;

import io.nodeimage.profile.Profile;
import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Key;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import io.nodeimage.yaml.YamlEnum;
import java.util.List;

/**
 * One vendor data file of the catalog: what the vendors publish about installing their drivers
 * (repositories and their signing keys, driver packages per way of building the modules, the add-ons
 * an accelerator feature needs), each entry with the document it was read from. Planning uses only
 * this data, so what a rendered image installs can be traced to a vendor's page.
 */
@Doc("nodeimage vendor data: repositories, driver packages and add-ons, each entry with its source.")
public record VendorData(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always VendorData.") String kind,
        @Doc("Package repositories: a vendor's (URL and signing key) or components of the distribution's own archive.")
        List<Repository> repositories,
        @Doc("Driver packages per vendor, OS, flavour and way of building the modules.") List<Driver> drivers,
        @Doc("What an accelerator or network feature adds: packages, services, modules, files.") List<Addon> addons,
        @Doc("Branches whose packages install another branch, or that the vendor no longer ships.") List<BranchNote> branches,
        @Doc("The kernel release series a distribution's kernel packages ship.") List<KernelSeries> kernels,
        @Key("kernelFeatures") @Doc("Platform features that need a kernel release (and architecture) to work.")
        List<KernelFeature> kernelFeatures,
        @Doc("Settings a CPU or GPU vendor recommends, applied when the profile does not decide them.")
        List<Tuning> tuning) {

    public VendorData {
        repositories = list(repositories);
        drivers = list(drivers);
        addons = list(addons);
        branches = list(branches);
        kernels = list(kernels);
        kernelFeatures = list(kernelFeatures);
        tuning = list(tuning);
    }

    /**
     * The release series of a distribution's kernel: the packages a profile's kernel.package may name for it,
     * and whether it is the kernel an image gets when kernel.package is absent.
     */
    public record KernelSeries(
            @Required @Key("for") @Doc("The images it concerns.") Target target,
            @Required @Doc("Kernel packages of that series, as kernel.package names them.") List<@Shape(PACKAGE_TEMPLATE) String> packages,
            @Key("default") @Doc("The kernel of images whose profile names no kernel.package.") Boolean isDefault,
            @Required @Doc("The upstream release series the packages ship, such as 6.8.") @Shape(KERNEL_RELEASE) String release,
            @Required @Doc("Where this was read.") Source source) {

        public KernelSeries {
            packages = list(packages);
            isDefault = isDefault != null && isDefault;
        }
    }

    /** A platform feature a profile can ask for that depends on the kernel. */
    public enum PlatformFeature implements YamlEnum {
        /** NVIDIA UVM's Heterogeneous Memory Management (platform.hmm: required). */
        HMM,
        /** KVM nested virtualization on arm64 (platform.nestedVirtualization: true on aarch64). */
        ARM64_NESTED_VIRTUALIZATION,
        /** Arm MPAM through resctrl (platform.mpam). */
        MPAM
    }

    public record KernelFeature(
            @Required @Doc("hmm, arm64-nested-virtualization or mpam.") PlatformFeature feature,
            @Required @Doc("The first upstream release that has it.") @Shape(KERNEL_RELEASE) String release,
            @Doc("Architectures where it works; all when absent.") List<Profile.Arch> arch,
            @Doc("Why it does not work on the other architectures, in one line.") @Shape(LINE) String unsupported,
            @Doc("Kernel configuration options it needs.") List<@Shape(WORD) String> configs,
            @Required @Doc("Where this was read.") Source source) {

        public KernelFeature {
            arch = list(arch);
            configs = list(configs);
        }
    }

    /** A vendor's recommended setting for nodes with its CPU or GPU. */
    public record Tuning(
            @Doc("The CPUs it is for.") List<Profile.Cpu> cpus,
            @Doc("The GPU generations it is for.") List<Profile.GpuFamily> gpus,
            @Key("numaBalancing") @Required @Doc("Automatic NUMA balancing: enabled or disabled.")
            Profile.NumaBalancing numaBalancing,
            @Required @Doc("Where this was read.") Source source) {

        public Tuning {
            cpus = list(cpus);
            gpus = list(gpus);
        }
    }

    /** Where a fact was read: the vendor document's title and address, and the day it was read. */
    public record Source(
            @Required @Doc("The document's title.") @Shape(LINE) String title,
            @Required @Doc("Its address.") @Shape(WEB_URL) String url,
            @Required @Doc("The day it was read, YYYY-MM-DD.") @Shape(DATE) String read) {

        /** As rendered files and plan.txt cite it. */
        public String cite() {
            return title + " <" + url + "> (read " + read + ")";
        }
    }

    /** Which images an entry is for: every key given must match. */
    public record Target(
            @Required @Doc("ubuntu, rhel or debian.") Profile.Family family,
            @Doc("Releases, matched as the release or its prefix (\"9\" covers 9.6); all when absent.")
            List<@Shape(WORD) String> releases,
            @Doc("Architectures; all when absent.") List<Profile.Arch> arch,
            @Doc("GPU generations; all when absent.") List<Profile.GpuFamily> gpus) {

        public Target {
            releases = list(releases);
            arch = list(arch);
            gpus = list(gpus);
        }

        boolean matches(Profile.Os os, Profile.GpuFamily gpu) {
            return family == os.family()
                    && (releases.isEmpty() || releases.stream().anyMatch(r -> os.release().equals(r)
                            || os.release().startsWith(r + ".")))
                    && (arch.isEmpty() || arch.contains(os.arch()))
                    && (gpus.isEmpty() || gpu == null || gpus.contains(gpu));
        }

        String describe() {
            return family.yamlName() + (releases.isEmpty() ? "" : " " + String.join("/", releases))
                    + (arch.isEmpty() ? "" : " " + String.join("/", arch.stream().map(Profile.Arch::yamlName).toList()));
        }
    }

    /** A repository's signing key: where the vendor publishes it and the fingerprint it must have. */
    public record SigningKey(
            @Required @Doc("https:// URL of the key (armored or binary OpenPGP).") @Shape(URL) String url,
            @Required @Doc("Its full fingerprint; the image build refuses a key with another.") @Shape(FINGERPRINT)
            String fingerprint) {
    }

    public record Repository(
            @Required @Doc("The name packages refer to with 'from', and the repository's file names.") @Shape(NAME) String name,
            @Required @Key("for") @Doc("The images it serves.") Target target,
            @Doc("The vendor's URL; absent for components of the distribution's own archive.") @Shape(URL) String url,
            @Doc("apt suite; absent for a flat repository (\"/\").") @Shape(WORD) String suite,
            @Doc("apt components; for the distribution's archive, the components to add to the base image's sources.")
            List<@Shape(WORD) String> components,
            @Doc("The signing key (vendor repositories).") SigningKey key,
            @Doc("What the key signs: packages, metadata, or both; packages when absent (rpm: gpgcheck, repo_gpgcheck).")
            List<Signed> signs,
            @Doc("rpm: the vendor's release package that defines the repository (EPEL), installed once its signature "
                    + "verifies with the pinned key, instead of a .repo file written here.") @Shape(URL) String releasePackage,
            @Required @Doc("Where these facts were read.") Source source) {

        public Repository {
            components = list(components);
            signs = signs == null || signs.isEmpty() ? List.of(Signed.PACKAGES) : List.copyOf(signs);
        }

        /** Components of the base image's own archive, not a repository of its own. */
        public boolean distributionComponents() {
            return url == null && releasePackage == null;
        }
    }

    /** What a repository's key signs. */
    public enum Signed implements YamlEnum {
        PACKAGES, METADATA
    }

    /** A package and where it comes from: a repository's name, or {@value #DISTRIBUTION}. */
    public record PackageRef(
            @Required @Doc("The package, with {branch} and {kernel} filled in from the profile.") @Shape(PACKAGE_TEMPLATE)
            String name,
            @Required @Doc("The repository that carries it, or 'distribution' for the base image's own archive.")
            @Shape(NAME) String from,
            @Doc("The package's version is the driver's: held to the profile's driver.version, else to its branch "
                    + "(apt: name=580.*, dnf: name-580.*).") Boolean pin) {

        public PackageRef {
            pin = pin != null && pin;
        }

        public static final String DISTRIBUTION = "distribution";
    }

    public record Driver(
            @Required @Doc("nvidia or amd.") Profile.Vendor vendor,
            @Required @Key("for") @Doc("The images it serves.") Target target,
            @Required @Doc("The profile's driver flavour this entry installs.") Profile.Flavor flavor,
            @Required @Doc("precompiled or dkms.") Profile.ModuleBuild modules,
            @Doc("The branches the source ships for these images; any when absent.") List<@Shape(BRANCH) String> branches,
            @Required @Doc("The packages, in install order.") List<PackageRef> packages,
            @Doc("RHEL 8/9: the dnf module stream that holds the branch, such as nvidia-driver:{branch}-open.")
            @Shape(LOCK_PATTERN) String moduleStream,
            @Doc("RHEL 10: the dnf versionlock pattern that holds the branch, such as *nvidia*{branch}*.")
            @Shape(LOCK_PATTERN) String versionLock,
            @Doc("Units the driver needs enabled.") List<@Shape(SERVICE) String> services,
            @Required @Doc("Where these facts were read.") Source source) {

        public Driver {
            branches = list(branches);
            packages = list(packages);
            services = list(services);
        }
    }

    /** A feature a profile turns on that brings packages, units, modules, files or SELinux booleans. */
    public enum Feature implements YamlEnum {
        FABRIC_MANAGER, IMEX, PERSISTENCED, CONTAINER_TOOLKIT, CDI, RDMA_INBOX, RDMA_DOCA
    }

    public record FileEntry(
            @Required @Doc("Absolute path in the image.") @Shape(PATH) String path,
            @Doc("Octal mode; 0644 when absent.") @Shape(FILE_MODE) String mode,
            @Required @Doc("The file's content.") @Shape(TEXT) String content) {
    }

    public record Addon(
            @Required @Doc("The feature that brings it.") Feature feature,
            @Doc("nvidia or amd; absent for network features.") Profile.Vendor vendor,
            @Required @Key("for") @Doc("The images it serves.") Target target,
            @Doc("Packages to install.") List<PackageRef> packages,
            @Doc("Units to enable.") List<@Shape(SERVICE) String> services,
            @Doc("Modules to load at boot.") List<@Shape(MODULE) String> load,
            @Doc("Files to write, such as systemd drop-ins.") List<FileEntry> files,
            @Doc("Ports the service listens on, opened in the node's firewall, such as 50000/tcp.")
            List<@Shape(FIREWALL_PORT) String> ports,
            @Doc("SELinux booleans to turn on where the image has SELinux (RHEL).") List<@Shape(WORD) String> selinuxBooleans,
            @Doc("dkms when its packages build kernel modules in the image (DOCA's drivers): signed like a DKMS "
                    + "driver, so the profile needs secureBoot.mok.") Profile.ModuleBuild modules,
            @Required @Doc("Where these facts were read.") Source source) {

        public Addon {
            packages = list(packages);
            services = list(services);
            load = list(load);
            files = list(files);
            ports = list(ports);
            selinuxBooleans = list(selinuxBooleans);
        }
    }

    /** A branch a profile may name that does not install what it says. */
    public record BranchNote(
            @Required @Doc("nvidia or amd.") Profile.Vendor vendor,
            @Required @Key("for") @Doc("The images it concerns.") Target target,
            @Required @Doc("The branch a profile names.") @Shape(BRANCH) String branch,
            @Doc("The branch its packages really install, when they are transitional.") @Shape(BRANCH) String installs,
            @Required @Doc("What happens, in one line.") @Shape(LINE) String note,
            @Required @Doc("Where this was read.") Source source) {
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
