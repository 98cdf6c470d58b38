package io.nodeimage.render;

import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every non-abstract bundled profile (with the test site vendor folder) rendered in every format it asks for, for the tests to check. */
final class CatalogRenders {

    /** The test site's mirrors, which its site profiles name (mirror://site/...); no catalog repository has the name. */
    static final Map<String, String> MIRRORS = Map.of("site", "https://mirror.example.internal/");

    private static Map<String, Map<String, String>> cache;

    private CatalogRenders() {
    }

    /** The catalog's profiles, and a site profile for each abstract GPU target that needs site data. */
    static ProfileSources sources() {
        // Shown relative to the test resources: rendered comments name "site-profiles/<name>.yaml:<line>"
        // on every machine, as a project's render names its own files relative to the project.
        java.nio.file.Path resources = io.nodeimage.support.RepositoryFiles.root().resolve("maven-plugin/src/test/resources");
        return ProfileSources.withBundledCatalog(resources.resolve("site-profiles"), resources);
    }

    static synchronized Map<String, Map<String, String>> all() {
        if (cache == null) {
            ProfileSources sources = sources();
            List<ResolvedProfile> profiles = new ProfileResolver(sources).resolveAll(sources.allNames());
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            // The test site's vendor folder supplies what the catalog leaves to sites (RHEL 10's CUDA key).
            Renderer renderer = new Renderer(MIRRORS, false, io.nodeimage.support.SiteVendor.catalog());
            for (ResolvedProfile p : profiles) {
                if (!p.profile().isAbstract()) {
                    out.put(p.name(), renderer.render(p));
                }
            }
            cache = out;
        }
        return cache;
    }
}
