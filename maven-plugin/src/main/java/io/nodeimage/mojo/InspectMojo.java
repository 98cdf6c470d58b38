package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Reads the facts of an image (kernel trees and their modules with signatures, modprobe verdicts,
 * sysctl, kernel command line, packages, units, firmware, drivers) from its files, without running it,
 * and writes them as JSON.
 *
 * @since 0.1.0
 */
@Mojo(name = "inspect", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true, requiresProject = false)
public class InspectMojo extends AbstractNodeimageMojo {

    /**
     * The image to inspect: by name as the engine knows it, or from outside any engine as
     * {@code oci:<dir>[:<name>]} (an OCI image layout), {@code docker-archive:<file>[:<repository:tag>]}
     * (a {@code docker save} archive) or {@code docker://<registry>/<repository>[:<tag>|@<digest>]}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.IMAGE)
    String image;

    /**
     * Where module facts are kept between runs, by the SHA-256 of each module file's bytes, so that
     * a second run (another profile on the same kernel, a re-check) expands and verifies no module twice
     * (uncompressed modules read without certificates are not kept: reading them costs less than hashing).
     * At most 256 MB, least recently used kernels removed first; safe to delete at any time.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE, defaultValue = "${settings.localRepository}/../nodeimage/module-facts")
    File moduleCache;

    /**
     * Read every module from its bytes, neither using nor filling {@code moduleCache}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MODULE_CACHE_DISABLED, defaultValue = "false")
    boolean moduleCacheDisabled;

    /**
     * Registries (host or host:port) that images may be read from over plain HTTP, comma-separated.
     * Registries on this machine (localhost, 127.0.0.1) need no entry: HTTPS is tried first, then HTTP.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PLAIN_HTTP_REGISTRIES)
    List<String> plainHttpRegistries;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.INSPECT_SKIP, defaultValue = "false")
    boolean skipInspect;

    @Override
    String goal() {
        return "inspect";
    }

    @Override
    boolean skipGoal() {
        return skipInspect;
    }

    @Override
    void run() {
        if (image == null || image.isBlank()) {
            throw new ConfigurationException("no image to inspect", "name one with -D" + PropertyNames.IMAGE + "=<name>");
        }
        long start = System.nanoTime();
        io.nodeimage.inspect.ModuleFactsCache cache = moduleFactsCache(moduleCache, moduleCacheDisabled);
        InspectService.Result result = InspectService.inspect(imageSource(image), outputDirectory.toPath(), cache,
                sourceOptions(null, plainHttpRegistries));
        Facts f = result.facts();
        int modules = f.kernels().stream().mapToInt(k -> k.modules().size()).sum();
        getLog().info(image + ": " + f.osRelease().getOrDefault("PRETTY_NAME", "unknown OS") + ", "
                + f.kernels().size() + " kernel trees, " + modules + " modules, " + f.packages().size() + " packages, "
                + f.findings().size() + " findings, in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        f.findings().forEach(x -> getLog().warn(x.path() + ": " + x.message()));
        if (cache.enabled()) {
            getLog().info("Module facts cache " + moduleCache + ": " + cache.stats().hits() + " modules from it, "
                    + cache.stats().added() + " added");
        }
        getLog().info("Facts written to " + result.factsFile());
    }
}
