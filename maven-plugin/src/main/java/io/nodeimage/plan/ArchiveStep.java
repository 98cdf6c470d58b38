package io.nodeimage.plan;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.Codenames;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.Profile.Family;
import io.nodeimage.plan.Step.ArchiveRole;
import io.nodeimage.plan.Step.ArchiveSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The {@link Step.UseArchive} of a profile's {@code archive}: its URLs resolved against the site's mirrors,
 * the suites of the release, the components (the vendor data's added), and the distribution's key that
 * still checks what comes from the mirror. The profile's rules already checked which keys the family takes;
 * what is checked here is what only the resolved URLs show.
 */
final class ArchiveStep {

    /** Ubuntu's archive keyring (package ubuntu-keyring), which the Ubuntu images' ubuntu.sources names. */
    static final String UBUNTU_KEYRING = "/usr/share/keyrings/ubuntu-archive-keyring.gpg";
    /**
     * Debian's (package debian-archive-keyring): debian.sources names the .gpg file up to Debian 12 and the
     * .pgp file from Debian 13 (debian-archive-keyring 2025.1) on.
     */
    static final String DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
    static final String DEBIAN_13_KEYRING = "/usr/share/keyrings/debian-archive-keyring.pgp";
    /** Red Hat's release key (package redhat-release), which the UBI and RHEL images' repositories name. */
    static final String RHEL_KEYRING = "/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release";

    private static final java.util.regex.Pattern SAFE_URL = java.util.regex.Pattern.compile("https?://[A-Za-z0-9._~%+@:/-]+");

    static final List<String> UBUNTU_COMPONENTS = List.of("main", "restricted", "universe", "multiverse");
    static final List<String> DEBIAN_COMPONENTS = List.of("main");

    private ArchiveStep() {
    }

    /**
     * @param resolve resolves a mirror:// URL (the URL, and what names it for errors)
     * @param vendorComponents components of the distribution's archive the vendor data needs
     */
    static Step.UseArchive of(Profile p, BinaryOperator<String> resolve, List<String> vendorComponents) {
        Profile.Archive a = p.archive();
        Family family = p.os().family();
        List<ArchiveSource> sources = new ArrayList<>();
        String keyring;
        if (family == Family.RHEL) {
            keyring = RHEL_KEYRING;
            sources.add(source(p, ArchiveRole.BASEOS, a.baseos(), "baseos", resolve, List.of(), List.of()));
            sources.add(source(p, ArchiveRole.APPSTREAM, a.appstream(), "appstream", resolve, List.of(), List.of()));
            if (a.codeready() != null) {
                sources.add(source(p, ArchiveRole.CODEREADY, a.codeready(), "codeready", resolve, List.of(), List.of()));
            }
        } else {
            boolean ubuntu = family == Family.UBUNTU;
            keyring = ubuntu ? UBUNTU_KEYRING : p.os().release().equals("12") ? DEBIAN_KEYRING : DEBIAN_13_KEYRING;
            String suite = a.suite() != null ? a.suite() : Codenames.of(family, p.os().release()).orElseThrow(() ->
                    new ConfigurationException("profile " + p.name() + ": no suite is known for " + family.yamlName() + " "
                            + p.os().release(), "add archive.suite: with the release's code name"));
            LinkedHashSet<String> components = new LinkedHashSet<>(a.components().isEmpty()
                    ? ubuntu ? UBUNTU_COMPONENTS : DEBIAN_COMPONENTS : a.components());
            components.addAll(vendorComponents);
            List<String> primary = ubuntu ? List.of(suite, suite + "-updates", suite + "-backports")
                    : List.of(suite, suite + "-updates");
            sources.add(source(p, ArchiveRole.PRIMARY, a.url(), "url", resolve, primary, List.copyOf(components)));
            // A full mirror of Ubuntu's archive carries the -security suite; Debian's is another archive (the rules
            // demand it).
            String security = a.security() != null ? a.security() : a.url();
            sources.add(source(p, ArchiveRole.SECURITY, security, a.security() != null ? "security" : "url", resolve,
                    List.of(suite + "-security"), List.copyOf(components)));
        }
        return new Step.UseArchive(sources, keyring, "archive: the site's mirror of the distribution's archive");
    }

    private static ArchiveSource source(Profile p, ArchiveRole role, String url, String key, BinaryOperator<String> resolve,
                                        List<String> suites, List<String> components) {
        String resolved = resolve.apply(url, "archive." + key);
        if (resolved.startsWith("http://") && !p.archive().allowHttp()) {
            throw new ConfigurationException("profile " + p.name() + ": archive." + key + " " + url
                    + " is plain HTTP once resolved (" + io.nodeimage.Urls.withoutCredentials(resolved) + ")",
                    "give that mirror an https:// base URL in <mirrors>, or set archive.allowHttp: true where the site "
                            + "allows an unencrypted mirror");
        }
        // A mirror's base URL comes from the build's configuration, unchecked until here: the formats that
        // write it bare (kickstart's url and repo lines) must get one word of URL characters.
        if (!SAFE_URL.matcher(resolved).matches()) {
            throw new ConfigurationException("profile " + p.name() + ": archive." + key + " resolves to '"
                    + io.nodeimage.Urls.withoutCredentials(resolved) + "', which is not a plain URL",
                    "give the mirror a base URL of letters, digits and . _ ~ % + @ : / - only");
        }
        return new ArchiveSource(role, resolved, suites, components);
    }
}
