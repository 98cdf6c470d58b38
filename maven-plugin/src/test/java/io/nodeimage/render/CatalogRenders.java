package io.nodeimage.render;

import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every non-abstract bundled profile rendered in every format it asks for, for the tests to check. */
final class CatalogRenders {

    private static Map<String, Map<String, String>> cache;

    /**
     * Catalog profiles that cannot be planned from the catalog's own vendor data, each with the reason a
     * test checks: a site supplies the missing entry in its vendor folder.
     */
    static final Map<String, String> NEEDS_SITE_DATA = Map.of(
            // NVIDIA's RHEL 10 CUDA repositories are signed with CDF6BA43.pub, whose fingerprint no vendor
            // document read gives; an unpinned key is not added.
            "rhel-10-nvidia-vera-rubin", "comes from the repository 'nvidia-cuda', which the vendor data does not "
                    + "define for rhel 10 aarch64");

    private CatalogRenders() {
    }

    static synchronized Map<String, Map<String, String>> all() {
        if (cache == null) {
            ProfileSources sources = ProfileSources.withBundledCatalog(null, null);
            List<ResolvedProfile> profiles = new ProfileResolver(sources).resolveAll(sources.catalogNames());
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            Renderer renderer = new Renderer(Map.of(), false);
            for (ResolvedProfile p : profiles) {
                if (!p.profile().isAbstract() && !NEEDS_SITE_DATA.containsKey(p.name())) {
                    out.put(p.name(), renderer.render(p));
                }
            }
            cache = out;
        }
        return cache;
    }
}
