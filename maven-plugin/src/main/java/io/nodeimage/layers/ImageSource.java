package io.nodeimage.layers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an image is read from, named as skopeo and crane name sources: {@code oci:<dir>[:<name>]} (an
 * OCI image layout), {@code docker-archive:<file>[:<repository:tag>]} (a {@code docker save} archive),
 * {@code docker://<reference>} (a registry, by tag or digest); {@code docker-daemon:<name>}, or a name
 * with none of these prefixes, is an image of the engine.
 */
public sealed interface ImageSource {

    /** An image of the engine (Docker, or Podman's compatible service). */
    record Engine(String name) implements ImageSource {
    }

    /** @param name the layout's {@code org.opencontainers.image.ref.name}; null for its only image */
    record Layout(Path dir, String name) implements ImageSource {
    }

    /** @param reference the archive's RepoTags entry; null for its only image */
    record Archive(Path file, String reference) implements ImageSource {
    }

    record InRegistry(String reference) implements ImageSource {
    }

    String OCI = "oci:";
    String DOCKER_ARCHIVE = "docker-archive:";
    String DOCKER = "docker://";
    String DOCKER_DAEMON = "docker-daemon:";

    /** @param base what relative paths are relative to (the project's folder) */
    static ImageSource parse(String text, Path base) {
        if (text.startsWith(OCI)) {
            String rest = text.substring(OCI.length());
            int colon = rest.lastIndexOf(':');
            if (colon > 0 && !Files.isDirectory(base.resolve(rest))) {
                return new Layout(base.resolve(rest.substring(0, colon)).normalize(), rest.substring(colon + 1));
            }
            return new Layout(base.resolve(rest).normalize(), null);
        }
        if (text.startsWith(DOCKER_ARCHIVE)) {
            String rest = text.substring(DOCKER_ARCHIVE.length());
            if (!Files.isRegularFile(base.resolve(rest))) {
                // The reference holds a colon itself (repository:tag): the file is what comes before the first one that names a file.
                for (int colon = rest.indexOf(':'); colon > 0; colon = rest.indexOf(':', colon + 1)) {
                    if (Files.isRegularFile(base.resolve(rest.substring(0, colon)))) {
                        return new Archive(base.resolve(rest.substring(0, colon)).normalize(), rest.substring(colon + 1));
                    }
                }
            }
            return new Archive(base.resolve(rest).normalize(), null);
        }
        if (text.startsWith(DOCKER)) {
            return new InRegistry(text.substring(DOCKER.length()));
        }
        if (text.startsWith(DOCKER_DAEMON)) {
            return new Engine(text.substring(DOCKER_DAEMON.length()));
        }
        return new Engine(text);
    }

    /** {@code text} with a relative oci: or docker-archive: path made absolute against {@code base}; other names as they are. */
    static String absolute(String text, Path base) {
        for (String prefix : new String[] {OCI, DOCKER_ARCHIVE}) {
            if (text.startsWith(prefix) && !Path.of(text.substring(prefix.length()).split(":", 2)[0]).isAbsolute()) {
                return prefix + base.toAbsolutePath().resolve(text.substring(prefix.length())).normalize();
            }
        }
        return text;
    }

    /** The image's layers, manifest and configuration checked; throws for an engine's image (it has no layers to read here). */
    default ImageLayers layers(Registry.Options options, String shown) throws IOException {
        if (this instanceof Layout l) {
            return OciLayout.open(l.dir(), l.name(), options.platform(), shown);
        }
        if (this instanceof Archive a) {
            return DockerArchive.open(a.file(), a.reference(), shown);
        }
        if (this instanceof InRegistry r) {
            return Registry.open(r.reference(), options, shown);
        }
        throw new IllegalStateException("an engine's image is read through the engine: " + ((Engine) this).name());
    }
}
