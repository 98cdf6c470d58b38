package io.nodeimage.support;

import io.nodeimage.plan.VendorCatalog;
import java.nio.file.Path;

/** The catalog's vendor data with a test site's folder in front (src/test/resources/site-vendor). */
public final class SiteVendor {

    private SiteVendor() {
    }

    private static VendorCatalog catalog;

    /** Loaded once: the tests plan every catalog profile with it, several times over. */
    public static synchronized VendorCatalog catalog() {
        if (catalog == null) {
            catalog = VendorCatalog.load(RepositoryFiles.root().resolve("maven-plugin/src/test/resources/site-vendor"),
                    null, VendorCatalog.class.getClassLoader());
        }
        return catalog;
    }
}
