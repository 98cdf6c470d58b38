package io.nodeimage.support;

import io.nodeimage.plan.VendorCatalog;
import java.nio.file.Path;

/** The catalog's vendor data with a test site's folder in front (src/test/resources/site-vendor). */
public final class SiteVendor {

    private SiteVendor() {
    }

    public static VendorCatalog catalog() {
        return VendorCatalog.load(RepositoryFiles.root().resolve("maven-plugin/src/test/resources/site-vendor"), null,
                VendorCatalog.class.getClassLoader());
    }
}
