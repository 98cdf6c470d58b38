package io.nodeimage.profile;

import io.nodeimage.profile.Profile.Family;
import java.util.Map;
import java.util.Optional;

/**
 * The suite (code name) of each Debian and Ubuntu release nodeimage renders for: what an archive mirror's
 * apt sources name when the profile gives no {@code archive.suite}. Ubuntu: 22.04 jammy, 24.04 noble, 26.04
 * resolute (Ubuntu wiki, Releases, https://wiki.ubuntu.com/Releases); Debian: 12 bookworm, 13 trixie (Debian
 * wiki, DebianReleases, https://wiki.debian.org/DebianReleases).
 */
public final class Codenames {

    private static final Map<String, String> UBUNTU = Map.of("22.04", "jammy", "24.04", "noble", "26.04", "resolute");
    private static final Map<String, String> DEBIAN = Map.of("12", "bookworm", "13", "trixie");

    private Codenames() {
    }

    /** The release's suite, or empty for a release (or family) without one known here. */
    public static Optional<String> of(Family family, String release) {
        if (family == null || release == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (family) {
            case UBUNTU -> UBUNTU.get(release);
            case DEBIAN -> DEBIAN.get(release);
            case RHEL -> null;
        });
    }
}
