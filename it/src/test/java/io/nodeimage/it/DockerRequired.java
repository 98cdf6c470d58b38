package io.nodeimage.it;

import io.nodeimage.support.Ci;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Docker-backed tests skip on a machine without an engine, except in CI: when the CI variable is
 * set, a missing engine fails the run instead of silently skipping what CI exists to check.
 */
public final class DockerRequired implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        Ci.missing("CI is set but no Docker engine answers; start one "
                + "(.ci/run does: dockerd --bridge=none --iptables=false) before running the tests",
                "no Docker engine answers; skipped here, but a failure when CI is set");
    }
}
