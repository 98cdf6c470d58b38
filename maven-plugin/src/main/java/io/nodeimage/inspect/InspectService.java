package io.nodeimage.inspect;

import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import java.io.IOException;
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
        Facts facts = facts(image, java.util.Set.of(), ModuleTrust.NONE, cache);
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
        // Two containers of the image: the module trees stream from one while the rest is read from the other.
        try (EngineFiles files = EngineFiles.open(image); EngineFiles trees = EngineFiles.open(image)) {
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
