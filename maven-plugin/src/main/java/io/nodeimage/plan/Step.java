package io.nodeimage.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One typed thing the image needs done. A profile resolves to an ordered list of these (a
 * {@link Plan}), and every emitter translates the same list into its format, so the formats cannot
 * drift apart. Every value in a step was checked for shape when the profile was loaded; emitters
 * still quote every value through one helper.
 */
public sealed interface Step {

    /** Why the step exists: a benchmark id, a vendor document, or the profile key it comes from. */
    String because();

    /**
     * The distribution's own archive served by a site mirror: the base image's sources (and the installer's)
     * are replaced by these before anything is fetched. {@code keyring} is the distribution's key file the
     * base image carries, which still checks everything fetched (apt signed-by, dnf gpgkey).
     */
    record UseArchive(List<ArchiveSource> sources, String keyring, String because) implements Step {
        public UseArchive {
            sources = List.copyOf(sources);
            Objects.requireNonNull(keyring);
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("an archive without sources");
            }
        }

        /** The source of that role, if the archive has one. */
        public java.util.Optional<ArchiveSource> source(ArchiveRole role) {
            return sources.stream().filter(s -> s.role() == role).findFirst();
        }

        /** Some source is fetched over TLS (apt then needs a CA bundle to check it). */
        public boolean https() {
            return sources.stream().anyMatch(s -> s.url().startsWith("https://"));
        }
    }

    /** What a source of the archive serves: Debian/Ubuntu's archive and security archive, RHEL's repositories. */
    enum ArchiveRole {
        PRIMARY, SECURITY, BASEOS, APPSTREAM, CODEREADY;

        /** The name used in files (repository ids, Image Builder source ids): archive-baseos and so on. */
        public String id() {
            return "archive-" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One source of the archive: its resolved URL and, for apt, the suites and components read from it. */
    record ArchiveSource(ArchiveRole role, String url, List<String> suites, List<String> components) {
        public ArchiveSource {
            Objects.requireNonNull(role);
            Objects.requireNonNull(url);
            suites = List.copyOf(suites);
            components = List.copyOf(components);
        }
    }

    /**
     * A CA certificate added to the system trust store before any repository is used. {@code fileName}
     * is the store's file name without extension; {@code pem} is exactly one CERTIFICATE block.
     */
    record TrustCertificate(String fileName, String pem, String because) implements Step {
        public TrustCertificate {
            Objects.requireNonNull(fileName);
            Objects.requireNonNull(pem);
        }
    }

    /**
     * A package repository and its signing key (Debian/Ubuntu: suite and components). {@code fingerprint},
     * when given, is the key's full fingerprint: the script refuses a key with another. rpm: {@code
     * signedPackages} and {@code signedMetadata} say what the key signs (gpgcheck, repo_gpgcheck), and a
     * {@code releasePackage} (EPEL's) defines the repository instead of {@code url}.
     */
    record AddRepository(String name, String url, String key, String fingerprint, String suite, List<String> components,
                         boolean signedPackages, boolean signedMetadata, String releasePackage, String because)
            implements Step {
        public AddRepository {
            components = List.copyOf(components);
            Objects.requireNonNull(key);
            Objects.requireNonNull(because);
            if (url == null && releasePackage == null) {
                throw new IllegalArgumentException("repository " + name + " has neither a URL nor a release package");
            }
        }

        public AddRepository(String name, String url, String key, String suite, List<String> components, String because) {
            this(name, url, key, null, suite, components, true, false, null, because);
        }
    }

    /** Components added to the base image's own apt sources (Debian's non-free, Ubuntu's restricted). */
    record EnableComponents(String name, List<String> components, String because) implements Step {
        public EnableComponents {
            components = List.copyOf(components);
        }
    }

    /**
     * A package to install, with an optional version pin (a trailing '*' pins a prefix), and the
     * repository it comes from ({@value #DISTRIBUTION} for the base image's own archive).
     */
    record Package(String name, String version, String from) {
        public static final String DISTRIBUTION = "distribution";

        public Package {
            Objects.requireNonNull(name);
            from = from == null ? DISTRIBUTION : from;
        }

        public Package(String name, String version) {
            this(name, version, DISTRIBUTION);
        }
    }

    /**
     * Packages to install. {@code buildsModules} marks drivers whose kernel modules are compiled on
     * install (DKMS): image-mode builds compile them for the image's own kernel in a builder stage.
     * RHEL drivers hold their branch with a dnf {@code moduleStream} enabled first, or a dnf {@code
     * versionLock} pattern added after.
     */
    record InstallPackages(List<Package> packages, String because, boolean buildsModules, String moduleStream,
                           String versionLock) implements Step {
        public InstallPackages {
            packages = List.copyOf(packages);
        }

        public InstallPackages(List<Package> packages, String because, boolean buildsModules) {
            this(packages, because, buildsModules, null, null);
        }

        public InstallPackages(List<Package> packages, String because) {
            this(packages, because, false);
        }
    }

    /**
     * A machine owner key for the modules DKMS builds, made in the packages phase before any driver is
     * installed and its private part deleted at the end of that phase, so no layer holds it. The
     * certificate stays at {@link #CERTIFICATE} (DER) for enrolment with mokutil.
     */
    record ModuleSigningKey(String commonName, String because) implements Step {
        public static final String PRIVATE_KEY = "/run/nodeimage-mok/mok.key";
        public static final String CERTIFICATE = "/var/lib/dkms/mok.pub";
    }

    record RemovePackages(List<String> packages, String because) implements Step {
        public RemovePackages {
            packages = List.copyOf(packages);
        }
    }

    /** A module that must not load: blacklisted, and its install command replaced by /bin/false. */
    record DisableModule(String module, String because) implements Step {
    }

    record ModuleOptions(String module, String options, String because) implements Step {
    }

    /** Modules loaded at boot through modules-load.d. */
    record LoadModules(List<String> modules, String because) implements Step {
        public LoadModules {
            modules = List.copyOf(modules);
        }
    }

    record KernelArguments(List<String> arguments, String because) implements Step {
        public KernelArguments {
            arguments = List.copyOf(arguments);
        }
    }

    /** sysctl settings written to one sysctl.d file, in order. */
    record Sysctl(Map<String, String> settings, Map<String, String> reasons, String because) implements Step {
        public Sysctl {
            settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
            reasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
        }
    }

    record WriteFile(String path, String mode, String owner, String group, String content, String because)
            implements Step {
    }

    record CreateUser(String name, Integer uid, List<String> groups, String shell, List<String> sshAuthorizedKeys,
                      String because) implements Step {
        public CreateUser {
            groups = List.copyOf(groups);
            sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
        }
    }

    enum UnitAction { ENABLE, DISABLE, MASK }

    record Services(UnitAction action, List<String> units, String because) implements Step {
        public Services {
            units = List.copyOf(units);
        }
    }

    /** A port (such as 50000/tcp) opened in the node's firewall, for a service that listens on it. */
    record OpenPort(String port, String because) implements Step {
    }

    /** An SELinux boolean turned on in the image's policy store, where the image has SELinux. */
    record SelinuxBoolean(String name, String because) implements Step {
    }

    /** Rebuild the initramfs so module disables also hold in early boot. */
    record RebuildInitramfs(String because) implements Step {
    }
}
