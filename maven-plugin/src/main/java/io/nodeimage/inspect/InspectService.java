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
        try (ContainerFiles files = ContainerFiles.open(image)) {
            Facts facts = new Inspector().inspect(image, files, files.architecture());
            Path file = outputDirectory.resolve("inspect").resolve(safe(image)).resolve("facts.json");
            AtomicFiles.write(file, FactsJson.write(facts));
            return new Result(facts, file);
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
