package io.nodeimage.render;

import io.nodeimage.ConfigurationException;
import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Planner;
import io.nodeimage.plan.VendorCatalog;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.ResolvedProfile;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders every definition a profile asks for from its one {@link Plan}. Output is a map of file name
 * to content, sorted and free of timestamps, so the same input gives the same bytes.
 */
public final class Renderer {

    public static final String PLAN_FILE = "plan.txt";
    /** Every file a render can write, whatever the outputs: what a new render removes first. */
    public static final java.util.List<String> FILES = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            PLAN_FILE, ProvisionScript.FILE, ContainerfileEmitter.FILE, BootcEmitter.FILE, BootcEmitter.KARGS_FILE,
            AutoinstallEmitter.FILE, AutoinstallEmitter.META_DATA, KickstartEmitter.FILE, BlueprintEmitter.FILE,
            PackerEmitter.FILE, AutoinstallEmitter.PACKER_FILE, KickstartEmitter.PACKER_FILE),
            ArchiveSources.BLUEPRINT_SOURCE_FILES.stream()).toList();

    private final Planner planner;
    private final boolean strict;

    /**
     * @param mirrors base URLs by mirror id, for {@code mirror://} repository URLs
     * @param strict demand a digest-pinned base image
     */
    public Renderer(Map<String, String> mirrors, boolean strict) {
        this(mirrors, strict, VendorCatalog.bundled());
    }

    /** @param vendor the vendor data plans are made from (the catalog's, with a project's own entries first) */
    public Renderer(Map<String, String> mirrors, boolean strict, VendorCatalog vendor) {
        this.planner = new Planner(mirrors, vendor);
        this.strict = strict;
    }

    public Map<String, String> render(ResolvedProfile resolved) {
        Profile profile = resolved.profile();
        if (profile.isAbstract()) {
            throw new ConfigurationException("profile " + profile.name() + " is abstract: a base to extend, not a target",
                    "select the profiles that extend it, or remove 'abstract: true'");
        }
        if (strict && !profile.base().image().contains("@sha256:")) {
            throw new ConfigurationException("profile " + profile.name() + ": strict mode demands a base image pinned by "
                    + "digest, but base.image is " + profile.base().image(),
                    "write base.image as name:tag@sha256:<digest>, or render without nodeimage.strict");
        }
        Plan plan = planner.plan(resolved);
        String script = ProvisionScript.render(plan);
        Map<String, String> files = new TreeMap<>();
        files.put(PLAN_FILE, plan.describe());
        files.put(ProvisionScript.FILE, script);
        for (Profile.Output output : plan.outputs()) {
            switch (output) {
                case CONTAINERFILE -> files.put(ContainerfileEmitter.FILE, ContainerfileEmitter.render(plan));
                case BOOTC -> {
                    files.put(BootcEmitter.FILE, BootcEmitter.render(plan));
                    String kargs = BootcEmitter.kargs(plan);
                    if (kargs != null) {
                        files.put(BootcEmitter.KARGS_FILE, kargs);
                    }
                }
                case AUTOINSTALL -> {
                    files.put(AutoinstallEmitter.FILE, AutoinstallEmitter.render(plan, script));
                    files.put(AutoinstallEmitter.META_DATA, "");
                }
                case KICKSTART -> files.put(KickstartEmitter.FILE, KickstartEmitter.render(plan, script));
                case BLUEPRINT -> {
                    files.put(BlueprintEmitter.FILE, BlueprintEmitter.render(plan));
                    plan.archive().ifPresent(a -> files.putAll(ArchiveSources.blueprintSources(plan, a)));
                }
                case PACKER -> {
                    files.put(PackerEmitter.FILE, PackerEmitter.render(plan));
                    // Packer serves its own copy, with the build user: the installer files above never have it.
                    boolean ubuntu = plan.family() == Profile.Family.UBUNTU;
                    files.put(PackerEmitter.installerFile(plan), ubuntu ? AutoinstallEmitter.render(plan, script, true)
                            : KickstartEmitter.render(plan, script, true));
                }
                default -> throw new IllegalStateException("no emitter for " + output);
            }
        }
        return files;
    }
}
