package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.ProfileSelection;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.RenderService;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Renders each selected profile's definitions (Containerfile, bootc, autoinstall, kickstart,
 * blueprint, Packer, and the shared provision.sh) into {@code <outputDirectory>/<profile>/}.
 * Abstract profiles are bases and are not rendered; unchanged profiles are skipped.
 *
 * @since 0.1.0
 */
@Mojo(name = "render", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class RenderMojo extends AbstractNodeimageMojo {

    /**
     * Demand base images pinned by digest.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.STRICT, defaultValue = "false")
    boolean strict;

    /**
     * Base URLs of the site's mirrors by id, for repository and archive URLs written {@code mirror://<id>/<path>}
     * (an archive URL that resolves to {@code http://} needs the profile's {@code archive.allowHttp}).
     *
     * @since 0.1.0
     */
    @Parameter
    Map<String, String> mirrors;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.RENDER_SKIP, defaultValue = "false")
    boolean skipRender;

    @Override
    String goal() {
        return "render";
    }

    @Override
    boolean skipGoal() {
        return skipRender;
    }

    @Override
    void run() {
        long start = System.nanoTime();
        ProfileSources sources = profileSources();
        ProfileSelection.Selected selected = ProfileSelection.select(sources, selection(), false);
        if (!selected.problems().isEmpty()) {
            throw new ConfigurationException(selected.problems().get(0).message(), selected.problems().get(0).hint());
        }
        List<RenderService.Outcome> outcomes = new RenderService(mirrors == null ? Map.of() : mirrors, strict, vendorCatalog())
                .renderSelection(sources, selected.names(), outputDirectory.toPath());
        long unchanged = outcomes.stream().filter(o -> o.unchanged() && !o.isAbstract()).count();
        long rendered = outcomes.stream().filter(o -> !o.unchanged() && !o.isAbstract()).count();
        for (RenderService.Outcome o : outcomes) {
            if (o.isAbstract()) {
                getLog().info(o.profile() + ": abstract (a base to extend), not rendered");
            } else {
                getLog().info(o.profile() + ": " + (o.unchanged() ? "unchanged, skipped" : "rendered") + " "
                        + String.join(", ", o.files()) + " in " + o.directory());
                if (!o.stale().isEmpty()) {
                    getLog().info(o.profile() + ": removed " + String.join(", ", o.stale())
                            + " (made from the previous render)");
                }
            }
        }
        if (rendered + unchanged == 0) {
            getLog().warn("No profiles to render in " + profilesDirectory + " (set " + PropertyNames.PROFILES + ")");
        }
        getLog().info("Rendered " + rendered + " profiles, " + unchanged + " unchanged, in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
