package io.nodeimage.render;

import static io.nodeimage.render.Quoting.json;
import static io.nodeimage.render.Quoting.sh;
import static io.nodeimage.render.Quoting.toml;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Step;
import io.nodeimage.plan.Step.ArchiveRole;
import io.nodeimage.plan.Step.ArchiveSource;
import io.nodeimage.profile.Profile.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The site's archive mirror ({@link Step.UseArchive}) in each format: apt's deb822 sources or dnf's repository
 * file in provision.sh, written before anything is fetched; autoinstall's {@code apt} section; kickstart's
 * {@code url} and {@code repo}; Image Builder sources beside the blueprint. Every format names the same URLs,
 * and each still checks what it fetches with the distribution's keys.
 */
final class ArchiveSources {

    /** Where dnf reads the archive's repositories; the base image's own files are set aside once, before it. */
    static final String REPO_FILE = "/etc/yum.repos.d/nodeimage-archive.repo";
    static final String SOURCES_LIST = "/etc/apt/sources.list";
    /** A CA bundle apt checks the mirror with while the image has none of its own (ca-certificates missing). */
    static final String BOOTSTRAP_CA = "/tmp/nodeimage-archive-ca.pem";
    /** The prefix of the Image Builder source files written beside blueprint.toml. */
    static final String BLUEPRINT_SOURCE = "blueprint-source-";
    /** Every source file a render can write beside the blueprint. */
    static final List<String> BLUEPRINT_SOURCE_FILES = List.of(ArchiveRole.BASEOS, ArchiveRole.APPSTREAM,
            ArchiveRole.CODEREADY).stream().map(ArchiveSources::blueprintSourceFile).toList();

    private ArchiveSources() {
    }

    /** The base image's own apt sources file, which the archive's replaces (the name the images use). */
    static String aptSourcesFile(Plan plan) {
        return "/etc/apt/sources.list.d/" + (plan.family() == Family.UBUNTU ? "ubuntu" : "debian") + ".sources";
    }

    /**
     * The archive's part of the trust phase, first in it: the keyring checked, the sources written. apt with an
     * https source in an image without a CA bundle stops here unless site CAs are given (the trust phase then
     * installs ca-certificates through them, {@link #bootstrapCaCertificates}).
     */
    static void provision(StringBuilder s, Plan plan, Step.UseArchive archive, boolean apt, boolean siteCas) {
        s.append("  # ").append(archive.because()).append(", in place of the base image's own sources before anything is fetched\n");
        s.append("  if [ ! -f ").append(sh(archive.keyring())).append(" ]; then\n")
                .append("    echo ").append(sh("provision.sh: " + archive.keyring() + " is missing: the distribution keys "
                        + "check what comes from the archive mirror; use a base image of the distribution")).append(" >&2\n")
                .append("    exit 1\n  fi\n");
        if (apt) {
            String file = aptSourcesFile(plan);
            s.append("  write_file ").append(sh(file)).append(" 0644 root root ").append(sh(deb822(archive))).append('\n');
            s.append("  write_file ").append(sh(SOURCES_LIST)).append(" 0644 root root ")
                    .append(sh(ProvisionScript.WRITTEN + "# The distribution archive is in " + file + ".\n")).append('\n');
            if (archive.https() && !siteCas) {
                s.append("  if [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then\n")
                        .append("    echo ").append(sh("provision.sh: the archive mirror is https, and this image has no CA "
                                + "bundle (ca-certificates) for apt to check it with: give the CA that signs the mirror "
                                + "under trust.certificates, use a base image with ca-certificates, or an http:// mirror "
                                + "(archive.allowHttp)")).append(" >&2\n")
                        .append("    exit 1\n  fi\n");
            }
        } else {
            s.append("  if [ ! -f ").append(sh(REPO_FILE)).append(" ]; then\n    set_aside_base_repositories\n  fi\n");
            s.append("  write_file ").append(sh(REPO_FILE)).append(" 0644 root root ").append(sh(repoFile(archive))).append('\n');
        }
    }

    /**
     * ca-certificates from an https archive mirror while the image has no CA bundle: apt checks the mirror with
     * the site's CAs (and whatever bundle there is) for that one install.
     */
    static void bootstrapCaCertificates(StringBuilder s, List<Step.TrustCertificate> certificates) {
        String pems = String.join("", certificates.stream().map(Step.TrustCertificate::pem).toList());
        String option = "-o Acquire::https::CaInfo=" + BOOTSTRAP_CA;
        s.append("  if ! command -v update-ca-certificates >/dev/null 2>&1; then\n")
                .append("    # ca-certificates comes from the https archive mirror, checked with the site's CAs until it is in.\n")
                .append("    write_file ").append(sh(BOOTSTRAP_CA)).append(" 0644 root root ").append(sh(pems)).append('\n')
                .append("    if [ -s /etc/ssl/certs/ca-certificates.crt ]; then\n")
                .append("      cat /etc/ssl/certs/ca-certificates.crt >>").append(sh(BOOTSTRAP_CA)).append('\n')
                .append("    fi\n")
                .append("    export DEBIAN_FRONTEND=noninteractive\n")
                .append("    apt-get ").append(option).append(" update\n")
                .append("    apt-get ").append(option).append(" install -y --no-install-recommends ca-certificates\n")
                .append("    apt-get clean\n    rm -rf /var/lib/apt/lists/* ").append(sh(BOOTSTRAP_CA)).append("\n  fi\n");
    }

    /** apt's deb822 sources: one stanza a source, signed by the distribution's keyring. */
    static String deb822(Step.UseArchive archive) {
        StringBuilder c = new StringBuilder(ProvisionScript.WRITTEN)
                .append("# The site mirror of the distribution archive (archive.* of the profile).\n");
        for (ArchiveSource source : archive.sources()) {
            c.append(source == archive.sources().get(0) ? "" : "\n")
                    .append("Types: deb\nURIs: ").append(source.url())
                    .append("\nSuites: ").append(String.join(" ", source.suites()))
                    .append("\nComponents: ").append(String.join(" ", source.components()))
                    .append("\nSigned-By: ").append(archive.keyring()).append('\n');
        }
        return c.toString();
    }

    /** dnf's repositories of the archive, each checked with the distribution's key. */
    static String repoFile(Step.UseArchive archive) {
        StringBuilder c = new StringBuilder(ProvisionScript.WRITTEN)
                .append("# The site mirror of the distribution repositories (archive.* of the profile).\n");
        for (ArchiveSource source : archive.sources()) {
            c.append(source == archive.sources().get(0) ? "" : "\n").append('[').append(source.role().id()).append("]\nname=").append(source.role().id())
                    .append("\nbaseurl=").append(source.url())
                    .append("\nenabled=1\ngpgcheck=1\ngpgkey=file://").append(archive.keyring()).append('\n');
        }
        return c.toString();
    }

    /**
     * Autoinstall's apt section: the installer and the installed system use the mirror (curtin's primary and
     * security, legacy form), never the country mirror geoip would pick; an unreachable mirror stops the
     * installation rather than letting it go on offline (Subiquity's fallback). Components the profile leaves
     * out of Ubuntu's four are disabled.
     */
    static String autoinstall(Step.UseArchive archive) {
        StringBuilder s = new StringBuilder("  apt:\n    preserve_sources_list: false\n    geoip: false\n    fallback: abort\n");
        for (ArchiveRole role : List.of(ArchiveRole.PRIMARY, ArchiveRole.SECURITY)) {
            ArchiveSource source = archive.source(role).orElseThrow();
            s.append("    ").append(role == ArchiveRole.PRIMARY ? "primary" : "security").append(":\n")
                    .append("      - arches: [default]\n        uri: ").append(json(source.url())).append('\n');
        }
        List<String> disabled = new ArrayList<>();
        for (String c : List.of("restricted", "universe", "multiverse")) {
            if (!archive.sources().get(0).components().contains(c)) {
                disabled.add(c);
            }
        }
        if (!disabled.isEmpty()) {
            s.append("    disable_components: [").append(String.join(", ", disabled)).append("]\n");
        }
        return s.toString();
    }

    /** Kickstart: BaseOS is the installation source, the others repositories the installer uses too. */
    static String kickstart(Step.UseArchive archive) {
        StringBuilder s = new StringBuilder("# The site's archive mirror (archive.*): the installation source and the "
                + "installer's repositories.\n");
        for (ArchiveSource source : archive.sources()) {
            if (source.role() == ArchiveRole.BASEOS) {
                s.append("url --url=").append(source.url()).append('\n');
            } else {
                s.append("repo --name=").append(source.role().id()).append(" --baseurl=").append(source.url()).append('\n');
            }
        }
        return s.toString();
    }

    static String blueprintSourceFile(ArchiveRole role) {
        return BLUEPRINT_SOURCE + role.id() + ".toml";
    }

    /**
     * Image Builder sources, one file a repository, in the format {@code composer-cli sources add} reads
     * (osbuild/weldr-client README, Package Sources): with check_gpg the key must be on the Image Builder host,
     * where Red Hat's release key is.
     */
    static Map<String, String> blueprintSources(Plan plan, Step.UseArchive archive) {
        Map<String, String> files = new TreeMap<>();
        for (ArchiveSource source : archive.sources()) {
            String file = blueprintSourceFile(source.role());
            files.put(file, "# Image Builder source for profile " + plan.profile() + ": the site's mirror of its "
                    + source.role().name().toLowerCase(java.util.Locale.ROOT) + " repository, generated by nodeimage. "
                    + "Do not edit.\n# composer-cli sources add " + file + "\n"
                    + "id = " + toml(source.role().id()) + "\nname = " + toml(source.role().id())
                    + "\ntype = \"yum-baseurl\"\nurl = " + toml(source.url())
                    + "\ncheck_gpg = true\ncheck_ssl = true\nsystem = false\n");
        }
        return files;
    }

    /** The blueprint's comment naming its source files and what they do not do. */
    static String blueprintComment(Step.UseArchive archive) {
        StringBuilder s = new StringBuilder("# The site's archive mirror (archive.*) is Image Builder sources in the files beside this one:\n");
        for (ArchiveSource source : archive.sources()) {
            s.append("#   composer-cli sources add ").append(blueprintSourceFile(source.role())).append("   # ")
                    .append(source.url()).append('\n');
        }
        s.append("# Sources are used beside Image Builder's official repositories; to replace those, give these base URLs\n")
                .append("# in a repository override on the Image Builder host (/etc/osbuild-composer/repositories/).\n");
        return s.toString();
    }
}
