package io.nodeimage.inspect;

import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import java.io.IOException;
import io.nodeimage.layers.ImageSource;
import io.nodeimage.layers.LayerTree;
import io.nodeimage.layers.Registry;
import java.nio.file.Path;

/** Reads an image's facts and writes them as {@code <outputDirectory>/inspect/<image made safe>/facts.json}. */
public final class InspectService {

    private InspectService() {
    }

    public record Result(Facts facts, Path factsFile) {
    }

    public static Result inspect(String image, Path outputDirectory) {
        return inspect(image, outputDirectory, ModuleFactsCache.DISABLED);
    }

    /** As {@link #inspect(String, Path)}, with module facts kept in and taken from {@code cache}. */
    public static Result inspect(String image, Path outputDirectory, ModuleFactsCache cache) {
        return inspect(image, outputDirectory, cache, Registry.Options.defaults());
    }

    /** As {@link #inspect(String, Path, ModuleFactsCache)}, with sources outside the engine read as {@code options} say. */
    public static Result inspect(String image, Path outputDirectory, ModuleFactsCache cache, Registry.Options options) {
        Facts facts = facts(image, java.util.Set.of(), ModuleTrust.NONE, cache, options);
        Path file = outputDirectory.resolve("inspect").resolve(safe(image)).resolve("facts.json");
        AtomicFiles.write(file, FactsJson.write(facts));
        return new Result(facts, file);
    }

    /** The image's facts, read from a container that is created, never started, and removed afterwards. */
    public static Facts facts(String image) {
        return facts(image, java.util.Set.of());
    }

    /** As {@link #facts(String)}, with the metadata of {@code extraPaths} (outside /etc) too. */
    public static Facts facts(String image, java.util.Set<String> extraPaths) {
        return facts(image, extraPaths, ModuleTrust.NONE);
    }

    /** As {@link #facts(String, java.util.Set)}, with module signatures verified against {@code trust}. */
    public static Facts facts(String image, java.util.Set<String> extraPaths, ModuleTrust trust) {
        return facts(image, extraPaths, trust, ModuleFactsCache.DISABLED);
    }

    /** As {@link #facts(String, java.util.Set, ModuleTrust)}, with module facts kept in and taken from {@code cache}. */
    public static Facts facts(String image, java.util.Set<String> extraPaths, ModuleTrust trust,
                              ModuleFactsCache cache) {
        return facts(image, extraPaths, trust, cache, Registry.Options.defaults());
    }

    /**
     * As {@link #facts(String, java.util.Set, ModuleTrust, ModuleFactsCache)}; {@code image} may name a
     * source outside the engine ({@link ImageSource}: oci:, docker-archive:, docker://), read from its
     * layers as {@code options} say.
     */
    public static Facts facts(String image, java.util.Set<String> extraPaths, ModuleTrust trust,
                              ModuleFactsCache cache, Registry.Options options) {
        ImageSource source = ImageSource.parse(image, Path.of(""));
        if (!(source instanceof ImageSource.Engine engine)) {
            return fromLayers(image, source, extraPaths, new ModuleReader(trust, cache), options, cache);
        }
        return fromEngine(engine.name(), extraPaths, trust, cache);
    }

    private static Facts fromLayers(String image, ImageSource source, java.util.Set<String> extraPaths, ModuleReader reader,
                                    Registry.Options options, ModuleFactsCache cache) {
        try (LayerFiles files = LayerFiles.read(source.layers(options, image),
                new LayerTree.Wanted(Inspector.contentRoots()), LayerTree.Limits.DEFAULT)) {
            Facts facts = new Inspector(reader).inspect(image, files, null, files.architecture(), extraPaths);
            cache.save();
            return facts;
        } catch (IOException e) {
            throw new ConfigurationException("reading image " + image + " failed: " + e.getMessage(),
                    "check the source: oci:<layout directory>[:<name>], docker-archive:<file>[:<repository:tag>] "
                            + "or docker://<registry>/<repository>[:<tag>|@<digest>]", e);
        }
    }

    /** The image's id (its configuration's digest), from the engine or its source; null when the engine does not have it. */
    public static String imageId(String image, Registry.Options options) {
        ImageSource source = ImageSource.parse(image, Path.of(""));
        if (source instanceof ImageSource.Engine engine) {
            return io.nodeimage.image.DockerEngine.imageId(io.nodeimage.image.DockerEngine.client("image " + image
                    + " cannot be read"), engine.name());
        }
        try {
            return source.layers(options, image).imageId();
        } catch (IOException e) {
            throw new ConfigurationException("reading image " + image + " failed: " + e.getMessage(),
                    "check the source and that it can be reached", e);
        }
    }

    /** Whether the image is read through the engine (and its tools can run), not from its layers. */
    public static boolean inEngine(String image) {
        return ImageSource.parse(image, Path.of("")) instanceof ImageSource.Engine;
    }

    private static Facts fromEngine(String image, java.util.Set<String> extraPaths, ModuleTrust trust,
                                    ModuleFactsCache cache) {
        // Two containers of the image: the module trees stream from one while the rest is read from the other
        // (an image read from its export is in memory and a spool file already: one reader).
        try (ImageFiles files = EngineFiles.open(image);
             ImageFiles trees = files instanceof EngineFiles ? EngineFiles.container(image) : null) {
            Facts facts = new Inspector(new ModuleReader(trust, cache)).inspect(image, files, trees,
                    files.architecture(), extraPaths);
            cache.save();
            return facts;
        } catch (IOException e) {
            throw new ConfigurationException("reading image " + image + " failed: " + e.getMessage(),
                    "check that the Docker engine is still running", e);
        }
    }

    /** An image name as one path element: nodeimage/debian:12 becomes nodeimage_debian_12. */
    public static String safe(String image) {
        return image.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
