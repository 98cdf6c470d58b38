package io.nodeimage.profile;

import io.nodeimage.profile.Profile.Family;
import io.nodeimage.yaml.YNode;
import java.util.List;
import java.util.Set;

/** The cross-key rules of a profile's {@code archive}, reported through {@link ProfileRules} at their lines. */
final class ArchiveRules {

    private final ProfileRules rules;
    /** Ids of mirrors whose base URL is http://. */
    private final Set<String> plainHttpMirrors;

    ArchiveRules(ProfileRules rules, Set<String> plainHttpMirrors) {
        this.rules = rules;
        this.plainHttpMirrors = plainHttpMirrors;
    }

    /**
     * archive: the keys the family takes (Debian/Ubuntu an archive root and suite, RHEL repository base URLs),
     * a suite where the release has no known one, and plain HTTP only where the profile allows it.
     */
    void check(Profile p, YNode.Mapping tree) {
        Profile.Archive a = p.archive();
        Family family = p.os().family();
        if (a == null || family == null) {
            return;
        }
        boolean rhel = family == Family.RHEL;
        List<String> own = rhel ? List.of("baseos", "appstream", "codeready") : List.of("url", "security", "suite", "components");
        for (String key : List.of("url", "security", "suite", "components", "baseos", "appstream", "codeready")) {
            if (!own.contains(key) && YNode.at(tree, "archive", key).isPresent()) {
                rules.add(tree, "'" + key + "' is " + (rhel ? "a Debian/Ubuntu" : "a RHEL") + " archive key; this profile is "
                        + family.yamlName(), rhel ? "give the repositories' base URLs as baseos, appstream (and codeready)"
                        : "give the archive's root as url (and security)", "archive", key);
            }
        }
        if (rhel) {
            for (String key : List.of("baseos", "appstream")) {
                if ((key.equals("baseos") ? a.baseos() : a.appstream()) == null) {
                    rules.add(tree, "a RHEL archive needs the " + key + " repository's base URL",
                            "add " + key + ": with the URL of the mirror's directory that holds repodata/", "archive");
                }
            }
        } else {
            if (a.url() == null) {
                rules.add(tree, "a " + family.yamlName() + " archive needs its root URL",
                        "add url: with the mirror's directory that holds dists/ and pool/", "archive");
            }
            if (family == Family.DEBIAN && a.security() == null) {
                rules.add(tree, "Debian's security updates are an archive of their own (debian-security)",
                        "add security: with the URL of your mirror of it", "archive");
            }
            if (a.suite() == null && Codenames.of(family, p.os().release()).isEmpty() && p.os().release() != null) {
                rules.add(tree, "nodeimage knows no suite for " + family.yamlName() + " " + p.os().release(),
                        "add suite: with the release's code name", "archive");
            }
        }
        if (!a.allowHttp()) {
            a.urls().forEach((key, url) -> {
                String id = ProfileRules.mirrorId(url);
                String through = id != null && plainHttpMirrors.contains(id) ? " through mirror '" + id + "'" : null;
                if (url.startsWith("http://") || through != null) {
                    rules.add(tree, "'" + url + "' is plain HTTP" + (through == null ? "" : through), "use https:// or mirror://"
                            + (through == null ? "" : " with an https:// mirror") + ", or set archive.allowHttp: true "
                            + "where the site allows an unencrypted mirror (apt and dnf still check the distribution's "
                            + "signatures)", "archive", key);
                }
            });
        }
    }
}
