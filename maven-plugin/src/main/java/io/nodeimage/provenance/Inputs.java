package io.nodeimage.provenance;

import io.nodeimage.Digests;
import io.nodeimage.profile.EffectiveProfile;
import io.nodeimage.profile.ResolvedProfile;

/** Digests of what an image was made from and judged by, computed the same way at each step. */
public final class Inputs {

    private Inputs() {
    }

    /** SHA-256 of the effective profile (every value after inheritance, without origins). */
    public static String profileDigest(ResolvedProfile p) {
        return Digests.sha256(EffectiveProfile.toYaml(p, false));
    }
}
