package io.nodeimage.support;

import org.junit.jupiter.api.Assumptions;

/** What a test does when something it needs is missing: skip on a laptop, fail in CI (the CI variable set). */
public final class Ci {

    private Ci() {
    }

    public static boolean isSet() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    /** Fails with {@code inCi} when CI is set; otherwise aborts the test with {@code locally}. */
    public static void missing(String inCi, String locally) {
        if (isSet()) {
            throw new IllegalStateException(inCi);
        }
        Assumptions.abort(locally);
    }
}
