package io.nodeimage.profile;

import static io.nodeimage.yaml.Syntax.ARCHIVE_URL;
import static io.nodeimage.yaml.Syntax.BRANCH;
import static io.nodeimage.yaml.Syntax.COMMON_NAME;
import static io.nodeimage.yaml.Syntax.FILE_MODE;
import static io.nodeimage.yaml.Syntax.FINGERPRINT;
import static io.nodeimage.yaml.Syntax.IMAGE;
import static io.nodeimage.yaml.Syntax.IP_ADDRESS;
import static io.nodeimage.yaml.Syntax.KERNEL_ARG;
import static io.nodeimage.yaml.Syntax.MODULE;
import static io.nodeimage.yaml.Syntax.MODULE_OPTIONS;
import static io.nodeimage.yaml.Syntax.NAME;
import static io.nodeimage.yaml.Syntax.PACKAGE;
import static io.nodeimage.yaml.Syntax.PATH;
import static io.nodeimage.yaml.Syntax.RESCTRL_BANDWIDTH;
import static io.nodeimage.yaml.Syntax.RESCTRL_CACHE;
import static io.nodeimage.yaml.Syntax.RESCTRL_GROUP;
import static io.nodeimage.yaml.Syntax.RELATIVE_PATH;
import static io.nodeimage.yaml.Syntax.SERVICE;
import static io.nodeimage.yaml.Syntax.SYSCTL_KEY;
import static io.nodeimage.yaml.Syntax.SYSCTL_VALUE;
import static io.nodeimage.yaml.Syntax.TEXT;
import static io.nodeimage.yaml.Syntax.URL;
import static io.nodeimage.yaml.Syntax.USER;
import static io.nodeimage.yaml.Syntax.VERSION;
import static io.nodeimage.yaml.Syntax.WORD;

import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Key;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import io.nodeimage.yaml.YamlEnum;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node image target: the operating system, its kernel and modules, the accelerators and the
 * plumbing they need, and what the image must contain. Loaded from YAML with {@code extends}
 * resolved; every value has been checked for shape when a record exists.
 */
@Doc("A nodeimage profile: one Linux image target for AI hardware.")
public record Profile(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always Profile.") String kind,
        @Required @Doc("The profile's name; equal to its file name without .yaml.") @Shape(NAME) String name,
        @Key("extends") @Doc("The profile this one builds on: maps deep-merge, lists replace (write 'key+' to append).")
        @Shape(NAME) String parent,
        @Key("abstract") @Doc("A base to extend, never rendered or built on its own. Not inherited.") Boolean isAbstract,
        @Doc("What this profile is for.") String description,
        @Required @Doc("Operating system of the image.") Os os,
        @Required @Doc("The container image the build starts from.") Base base,
        @Doc("The site's mirror of the distribution's own archive: it replaces the base image's sources, the "
                + "installer's and Image Builder's, before anything is fetched. Absent: the archive the base image "
                + "and the installer already name.") Archive archive,
        @Doc("Kernel package, command line and modules.") Kernel kernel,
        @Doc("The CPU platform and interconnect of the node.") Platform platform,
        @Doc("GPUs and other accelerators, with their drivers.") List<Accelerator> accelerators,
        @Doc("High-speed networking: InfiniBand and RoCE.") Network network,
        @Doc("Certificate authorities the image trusts, installed before any repository is used.") Trust trust,
        @Key("secureBoot") @Doc("How modules built in the image (DKMS) are signed for Secure Boot.") SecureBoot secureBoot,
        @Doc("Package repositories added before packages are installed.") List<Repository> repositories,
        @Doc("Packages to install, remove and pin.") Packages packages,
        @Doc("Kernel parameters written to sysctl.d.") Map<@Shape(SYSCTL_KEY) String, @Shape(SYSCTL_VALUE) String> sysctl,
        @Doc("systemd units to enable, disable and mask.") Services services,
        @Doc("Files written into the image.") List<FileSpec> files,
        @Doc("Local users created in the image.") List<User> users,
        @Doc("The hardening baseline applied to the image.") Hardening hardening,
        @Doc("The definitions rendered for this profile.") List<Output> outputs) {

    public Profile {
        isAbstract = isAbstract != null && isAbstract;
        kernel = kernel == null ? Kernel.NONE : kernel;
        platform = platform == null ? Platform.NONE : platform;
        accelerators = list(accelerators);
        network = network == null ? Network.NONE : network;
        trust = trust == null ? Trust.NONE : trust;
        secureBoot = secureBoot == null ? SecureBoot.NONE : secureBoot;
        repositories = list(repositories);
        packages = packages == null ? Packages.NONE : packages;
        sysctl = map(sysctl);
        services = services == null ? Services.NONE : services;
        files = list(files);
        users = list(users);
        hardening = hardening == null ? Hardening.NONE : hardening;
        outputs = list(outputs);
    }

    /** Operating system family, with the releases nodeimage knows. */
    public enum Family implements YamlEnum {
        UBUNTU, RHEL, DEBIAN
    }

    public enum Arch implements YamlEnum {
        X86_64("x86_64"), AARCH64("aarch64");

        private final String yamlName;

        Arch(String yamlName) {
            this.yamlName = yamlName;
        }

        @Override
        public String yamlName() {
            return yamlName;
        }
    }

    public record Os(
            @Required @Doc("ubuntu, rhel or debian.") Family family,
            @Required @Doc("The release: 22.04, 24.04 (ubuntu); 9, 9.6, 10 (rhel); 12 (debian).") @Shape(WORD) String release,
            @Required @Doc("x86_64 or aarch64.") Arch arch) {
    }

    public record Base(
            @Required @Doc("Image reference, with a registry host and port if need be, optionally pinned by @sha256 digest (strict mode demands the pin).")
            @Shape(IMAGE) String image,
            @Doc("The image-mode (bootc) base image, needed by the bootc output.") @Shape(IMAGE) String bootc) {
    }

    /**
     * The distribution's archive served by a site mirror. Debian and Ubuntu name the archive's root and its
     * suite and components; RHEL names its repositories' base URLs. Which keys a family takes is checked with
     * the other cross-key rules.
     */
    public record Archive(
            @Doc("Debian/Ubuntu: the mirror of the archive, the directory holding dists/ and pool/ (such as "
                    + "mirror://site/ubuntu): the release's suite and its -updates (and Ubuntu's -backports) come from it.")
            @Shape(ARCHIVE_URL) String url,
            @Doc("Debian/Ubuntu: the mirror of the security archive, where the <suite>-security suite comes from. "
                    + "Ubuntu: url when absent (a full mirror of Ubuntu's archive carries it); Debian: required "
                    + "(debian-security is an archive of its own).") @Shape(ARCHIVE_URL) String security,
            @Doc("Debian/Ubuntu: the release's suite (code name), such as noble; the known releases' by default.")
            @Shape(WORD) String suite,
            @Doc("Debian/Ubuntu: the components; by default Ubuntu's main restricted universe multiverse and "
                    + "Debian's main. Components the vendor data enables (Debian's contrib non-free "
                    + "non-free-firmware) are added.") List<@Shape(WORD) String> components,
            @Doc("RHEL: the mirror of the BaseOS repository, the directory holding repodata/ (such as "
                    + "mirror://site/rhel9/BaseOS/x86_64/os); the installer's installation source.")
            @Shape(ARCHIVE_URL) String baseos,
            @Doc("RHEL: the mirror of the AppStream repository.") @Shape(ARCHIVE_URL) String appstream,
            @Doc("RHEL: the mirror of the CodeReady Linux Builder repository, for packages that need it (EPEL's "
                    + "do); the base image's own repositories are set aside, so without it none is there.")
            @Shape(ARCHIVE_URL) String codeready,
            @Key("allowHttp") @Doc("Accept http:// URLs, for an internal mirror without TLS where the site allows it. "
                    + "apt and dnf still check what they fetch with the distribution's keys; what is fetched is "
                    + "no longer private.") Boolean allowHttp) {

        public Archive {
            components = list(components);
            allowHttp = allowHttp != null && allowHttp;
        }

        /** The URL keys of the archive and their values, in the order they are written (absent ones left out). */
        public Map<String, String> urls() {
            Map<String, String> out = new LinkedHashMap<>();
            java.util.function.BiConsumer<String, String> put = (k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            };
            put.accept("url", url);
            put.accept("security", security);
            put.accept("baseos", baseos);
            put.accept("appstream", appstream);
            put.accept("codeready", codeready);
            return Collections.unmodifiableMap(out);
        }
    }

    public enum PageSize implements YamlEnum {
        SIZE_4K("4k"), SIZE_64K("64k");

        private final String yamlName;

        PageSize(String yamlName) {
            this.yamlName = yamlName;
        }

        @Override
        public String yamlName() {
            return yamlName;
        }
    }

    public record Kernel(
            @Key("package") @Doc("The kernel package to install, such as linux-image-nvidia-64k or kernel-64k.")
            @Shape(PACKAGE) String packageName,
            @Doc("Page size of that kernel: 4k, or 64k on aarch64.") PageSize pageSize,
            @Doc("Kernel command-line arguments.") List<@Shape(KERNEL_ARG) String> cmdline,
            @Doc("Modules to load at boot, disable, and configure.") Modules modules) {
        static final Kernel NONE = new Kernel(null, null, null, null);

        public Kernel {
            cmdline = list(cmdline);
            modules = modules == null ? Modules.NONE : modules;
        }
    }

    public record Modules(
            @Doc("Modules listed in modules-load.d.") List<@Shape(MODULE) String> load,
            @Doc("Modules blacklisted and replaced by 'install <name> /bin/false', then the initramfs rebuilt.")
            List<@Shape(MODULE) String> disable,
            @Doc("modprobe.d 'options' per module.") Map<@Shape(MODULE) String, @Shape(MODULE_OPTIONS) String> options) {
        static final Modules NONE = new Modules(null, null, null);

        public Modules {
            load = list(load);
            disable = list(disable);
            options = map(options);
        }
    }

    public enum Cpu implements YamlEnum {
        X86, GRACE, VERA
    }

    public record Platform(
            @Doc("x86, grace or vera.") Cpu cpu,
            @Doc("The GPUs are joined by NVSwitch inside the node (HGX 8-GPU): Fabric Manager is needed.") Boolean nvswitch,
            @Doc("NVLink spans several nodes (GB200 NVL72, Vera Rubin NVL144): IMEX is needed.") Boolean multiNodeNvlink,
            @Doc("Heterogeneous Memory Management in NVIDIA's UVM driver (nvidia_uvm uvm_disable_hmm): required or "
                    + "disabled; absent: the driver's default. Needs an NVIDIA accelerator with the open modules, on a "
                    + "kernel and architecture the vendor data says can do it.") Hmm hmm,
            @Key("numaBalancing") @Doc("Automatic NUMA balancing (sysctl kernel.numa_balancing): enabled or disabled; "
                    + "absent: what the vendor data recommends for this CPU or GPU, if anything.") NumaBalancing numaBalancing,
            @Key("nestedVirtualization") @Doc("KVM nested virtualization: true or false (x86_64: kvm_intel/kvm_amd "
                    + "nested; aarch64: kvm-arm.mode=nested when true, on a kernel that has it); absent: no decision.")
            Boolean nestedVirtualization,
            @Doc("Arm MPAM partitions through resctrl (aarch64, on a kernel with the MPAM resctrl driver): resctrl "
                    + "mounted at boot and each group's cache and bandwidth applied by a unit.") Mpam mpam) {
        static final Platform NONE = new Platform(null, null, null, null, null, null, null);

        public Platform {
            nvswitch = nvswitch != null && nvswitch;
            multiNodeNvlink = multiNodeNvlink != null && multiNodeNvlink;
        }
    }

    /** What a profile decides about HMM in NVIDIA's UVM driver. */
    public enum Hmm implements YamlEnum {
        REQUIRED, DISABLED
    }

    public enum NumaBalancing implements YamlEnum {
        ENABLED, DISABLED
    }

    public record Mpam(
            @Required @Doc("The resctrl groups to make at boot, each a partition of the L3 cache and memory bandwidth.")
            List<ResctrlGroup> groups) {

        public Mpam {
            groups = list(groups);
        }
    }

    /** One resctrl group (Documentation/filesystems/resctrl.rst): a directory under /sys/fs/resctrl and its schemata. */
    public record ResctrlGroup(
            @Required @Doc("The group's directory name under /sys/fs/resctrl, such as tenant-a.") @Shape(RESCTRL_GROUP) String name,
            @Doc("The L3 cache portion: the schemata's L3 value, cache id=capacity bitmask per domain, such as "
                    + "\"0=00ff;1=00ff\".") @Shape(RESCTRL_CACHE) String cache,
            @Doc("The memory bandwidth: the schemata's MB value, domain id=percent, such as \"0=50;1=50\".")
            @Shape(RESCTRL_BANDWIDTH) String bandwidth) {
    }

    public enum Vendor implements YamlEnum {
        NVIDIA, AMD
    }

    /** GPU architecture generation. */
    public enum GpuFamily implements YamlEnum {
        HOPPER("hopper", Vendor.NVIDIA), BLACKWELL("blackwell", Vendor.NVIDIA), RUBIN("rubin", Vendor.NVIDIA),
        CDNA3("cdna3", Vendor.AMD), CDNA4("cdna4", Vendor.AMD);

        private final String yamlName;
        private final Vendor vendor;

        GpuFamily(String yamlName, Vendor vendor) {
            this.yamlName = yamlName;
            this.vendor = vendor;
        }

        @Override
        public String yamlName() {
            return yamlName;
        }

        public Vendor vendor() {
            return vendor;
        }
    }

    /** How a driver's kernel modules are built: NVIDIA open or proprietary; AMD DKMS or in-box. */
    public enum Flavor implements YamlEnum {
        OPEN("open", Vendor.NVIDIA), PROPRIETARY("proprietary", Vendor.NVIDIA),
        DKMS("dkms", Vendor.AMD), INBOX("inbox", Vendor.AMD);

        private final String yamlName;
        private final Vendor vendor;

        Flavor(String yamlName, Vendor vendor) {
            this.yamlName = yamlName;
            this.vendor = vendor;
        }

        @Override
        public String yamlName() {
            return yamlName;
        }

        public Vendor vendor() {
            return vendor;
        }
    }

    /** How a driver's kernel modules reach the image. */
    public enum ModuleBuild implements YamlEnum {
        /** Built and signed by the distribution or the vendor for its kernels. */
        PRECOMPILED,
        /** Compiled in the image by DKMS; under Secure Boot signed with a machine owner key (secureBoot.mok). */
        DKMS
    }

    public record Driver(
            @Required @Doc("Driver branch: NVIDIA 580, AMD ROCm 6.4.") @Shape(BRANCH) String branch,
            @Required @Doc("open or proprietary (NVIDIA); dkms or inbox (AMD).") Flavor flavor,
            @Doc("An exact driver version to pin within the branch.") @Shape(VERSION) String version,
            @Doc("NVIDIA: precompiled (modules built and signed by the distribution or NVIDIA; the default where "
                    + "they ship them) or dkms (built in the image; sign them with secureBoot.mok). AMD: set by the "
                    + "flavour.") ModuleBuild modules) {
    }

    /** Who signs the modules DKMS builds in the image. */
    public enum Mok implements YamlEnum {
        /**
         * The build makes a key pair in the step that builds the modules and deletes the private key in that
         * same step, so it is in no layer; the certificate stays in the image and is written beside its reports.
         */
        GENERATED,
        /** DKMS modules stay unsigned: only for nodes that boot without Secure Boot. */
        NONE
    }

    public record SecureBoot(
            @Doc("generated (a machine owner key made by the build) or none (unsigned; no Secure Boot).") Mok mok,
            @Key("mokName") @Doc("The common name of the generated key's certificate, as modinfo shows the signer; "
                    + "\"nodeimage MOK <profile>\" when absent.") @Shape(COMMON_NAME) String mokName) {
        static final SecureBoot NONE = new SecureBoot(null, null);
    }

    public record Accelerator(
            @Required @Doc("nvidia or amd.") Vendor vendor,
            @Required @Doc("hopper, blackwell, rubin (NVIDIA); cdna3, cdna4 (AMD).") GpuFamily family,
            @Doc("Models this profile targets, such as H100, B200, MI300X.") List<@Shape(WORD) String> models,
            @Required @Doc("The driver to install.") Driver driver,
            @Doc("Install and enable NVIDIA Fabric Manager.") Boolean fabricManager,
            @Doc("Install and enable the NVIDIA IMEX service.") Boolean imex,
            @Doc("Enable nvidia-persistenced.") Boolean persistenced,
            @Doc("Install the NVIDIA Container Toolkit.") Boolean containerToolkit,
            @Doc("Generate CDI specifications at boot.") Boolean cdi,
            @Key("imexNodes") @Doc("With imex: the IP addresses of the IMEX domain's nodes, written to "
                    + "/etc/nvidia-imex/nodes_config.cfg; absent: the node list is written at deployment (by an "
                    + "administrator or the job launcher, as NVIDIA's IMEX guide describes).")
            List<@Shape(IP_ADDRESS) String> imexNodes) {

        public Accelerator {
            models = list(models);
            imexNodes = imexNodes == null ? null : List.copyOf(imexNodes);
            fabricManager = fabricManager != null && fabricManager;
            imex = imex != null && imex;
            persistenced = persistenced != null && persistenced;
            containerToolkit = containerToolkit != null && containerToolkit;
            cdi = cdi != null && cdi;
        }
    }

    public enum RdmaStack implements YamlEnum {
        INBOX, DOCA
    }

    public record Network(
            @Doc("Install the RDMA stack and load its modules.") Boolean rdma,
            @Doc("inbox (the distribution's rdma-core) or doca (NVIDIA DOCA-OFED).") RdmaStack stack,
            @Doc("NICs the image serves, such as connectx-7, bluefield-3.") List<@Shape(WORD) String> nics) {
        static final Network NONE = new Network(null, null, null);

        public Network {
            rdma = rdma != null && rdma;
            nics = list(nics);
        }
    }

    public record Trust(
            @Doc("CA certificates added to the system trust store (Debian/Ubuntu: update-ca-certificates; "
                    + "RHEL: update-ca-trust) before the repositories phase, so an https mirror they sign works.")
            List<Certificate> certificates) {
        static final Trust NONE = new Trust(null);

        public Trust {
            certificates = list(certificates);
        }
    }

    public record Certificate(
            @Required @Doc("A name for the certificate, used for its file name in the trust store.") @Shape(NAME) String name,
            @Doc("One or more PEM CERTIFICATE blocks, each a parseable X.509 certificate; or give 'source'.") @Shape(TEXT) String pem,
            @Doc("Instead of 'pem': a PEM file in the project, relative to the project folder, read when the profile is resolved.")
            @Shape(RELATIVE_PATH) String source) {
    }

    public record Repository(
            @Required @Doc("A name for the repository, used for its file names.") @Shape(NAME) String name,
            @Required @Doc("https:// URL, or mirror://<id>/<path> resolved against the site's mirrors.") @Shape(URL) String url,
            @Required @Doc("Where the signing key is: https:// or mirror:// URL.") @Shape(URL) String key,
            @Doc("The key's full fingerprint: the build refuses a key with another. Strongly advised.")
            @Shape(FINGERPRINT) String fingerprint,
            @Doc("Debian/Ubuntu suite (distribution), such as noble.") @Shape(WORD) String suite,
            @Doc("Debian/Ubuntu components, such as main.") List<@Shape(WORD) String> components) {

        public Repository {
            components = list(components);
        }
    }

    public record Packages(
            @Doc("Packages to install.") List<@Shape(PACKAGE) String> install,
            @Doc("Packages to remove.") List<@Shape(PACKAGE) String> remove,
            @Doc("Versions to pin, by package name.") Map<@Shape(PACKAGE) String, @Shape(VERSION) String> pins) {
        static final Packages NONE = new Packages(null, null, null);

        public Packages {
            install = list(install);
            remove = list(remove);
            pins = map(pins);
        }
    }

    public record Services(
            @Doc("Units to enable.") List<@Shape(SERVICE) String> enable,
            @Doc("Units to disable.") List<@Shape(SERVICE) String> disable,
            @Doc("Units to mask.") List<@Shape(SERVICE) String> mask) {
        static final Services NONE = new Services(null, null, null);

        public Services {
            enable = list(enable);
            disable = list(disable);
            mask = list(mask);
        }
    }

    public record FileSpec(
            @Required @Doc("Absolute path in the image.") @Shape(PATH) String path,
            @Doc("Octal mode, quoted: \"0644\".") @Shape(FILE_MODE) String mode,
            @Doc("Owning user.") @Shape(USER) String owner,
            @Doc("Owning group.") @Shape(USER) String group,
            @Doc("The file's content; or give 'source'.") @Shape(TEXT) String content,
            @Doc("Instead of 'content': a text file in the project (at most 1 MiB of UTF-8), relative to the project "
                    + "folder, read when the profile is resolved; a change to it renders the profile again.")
            @Shape(RELATIVE_PATH) String source) {
    }

    public record User(
            @Required @Doc("User name.") @Shape(USER) String name,
            @Doc("Numeric user id.") Integer uid,
            @Doc("Supplementary groups.") List<@Shape(USER) String> groups,
            @Doc("Login shell.") @Shape(PATH) String shell,
            @Doc("Public keys for ~/.ssh/authorized_keys.") List<String> sshAuthorizedKeys) {

        public User {
            groups = list(groups);
            sshAuthorizedKeys = list(sshAuthorizedKeys);
        }
    }

    public enum Baseline implements YamlEnum {
        NONE, CIS_LEVEL1_SERVER, CIS_LEVEL2_SERVER
    }

    public record Hardening(
            @Doc("none, cis-level1-server or cis-level2-server.") Baseline baseline,
            @Doc("Benchmark items of the baseline not to apply, by number (\"1.1.1.9\"); give the reason in review.")
            List<@Shape(WORD) String> exclude) {
        static final Hardening NONE = new Hardening(null, null);

        public Hardening {
            baseline = baseline == null ? Baseline.NONE : baseline;
            exclude = list(exclude);
        }
    }

    /** A definition format nodeimage renders. */
    public enum Output implements YamlEnum {
        CONTAINERFILE, BOOTC, AUTOINSTALL, KICKSTART, BLUEPRINT, PACKER
    }

    static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    static <V> Map<String, V> map(Map<String, V> values) {
        return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
