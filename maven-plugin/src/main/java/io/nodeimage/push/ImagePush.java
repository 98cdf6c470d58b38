package io.nodeimage.push;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.ConfigurationException;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.layers.DockerArchive;
import io.nodeimage.layers.Layer;
import io.nodeimage.layers.LayerException;
import io.nodeimage.layers.OciJson;
import io.nodeimage.layers.RegistryWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes an image of the engine to a registry without the engine's own push: the engine's export
 * ({@code GET /images/<name>/get}, a {@code docker save} stream) is spooled to a temporary file, its
 * layers are sent as they are (uncompressed tars, so each blob's digest is the diff id the image's
 * configuration names), then its configuration and an OCI image manifest tagged {@code tag}.
 */
public final class ImagePush {

    private ImagePush() {
    }

    /**
     * @param repository {@code <registry>/<path>/<profile>}
     * @param log receives one line per step (what is sent, what was there already)
     */
    public static PushRecord push(DockerClient docker, String image, String repository, String tag,
                                  RegistryWriter.Connection connection, java.util.function.Consumer<String> log) {
        String imageId = DockerEngine.imageId(docker, image);
        if (imageId == null) {
            throw new ConfigurationException("image " + image + " is not in the engine, so it cannot be pushed",
                    "build it first (nodeimage:build), with the same repository and tag");
        }
        Path spool = null;
        try {
            RegistryWriter registry = RegistryWriter.open(repository, connection);
            spool = Files.createTempFile("nodeimage-push-", ".tar");
            try (InputStream export = docker.saveImageCmd(image).exec()) {
                Files.copy(export, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            DockerArchive.Saved saved = DockerArchive.saved(spool, image, "the engine's export of " + image);
            if (!saved.layers().imageId().equals(imageId)) {
                throw new LayerException("the engine exported " + image + " as " + saved.layers().imageId()
                        + ", but names it " + imageId + "; it was rebuilt meanwhile");
            }
            List<OciJson.Descriptor> layers = new ArrayList<>();
            for (Layer l : saved.layers().layers()) {
                if (l.size() < 0) {
                    throw new LayerException("the engine's export of " + image + " gives no size for " + l.shown());
                }
                boolean had = registry.hasBlob(l.diffId());
                registry.putBlob(l.diffId(), l.size(), l.opener(), l.shown() + " of " + image);
                log.accept((had ? "  had " : "  sent ") + l.shown() + ", " + l.size() + " bytes");
                layers.add(new OciJson.Descriptor(OciJson.LAYER_TAR, l.diffId(), l.size()));
            }
            String configDigest = registry.putBlob(saved.config(), "the configuration of " + image);
            byte[] manifest = OciJson.imageManifest(new OciJson.Descriptor(OciJson.IMAGE_CONFIG, configDigest,
                    saved.config().length), layers);
            RegistryWriter.Put put = registry.putManifest(tag, OciJson.MANIFEST, manifest, "the manifest of " + image
                    + " as " + registry.name() + ":" + tag);
            return new PushRecord(image, imageId, registry.name(), tag, put.digest(), OciJson.MANIFEST, manifest.length);
        } catch (IOException e) {
            throw new ConfigurationException("push of " + image + " to " + repository + ":" + tag + " failed: "
                    + e.getMessage(), "nothing was recorded (" + PushRecord.FILE + "); fix the cause and push again");
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    spool.toFile().deleteOnExit();
                }
            }
        }
    }
}
