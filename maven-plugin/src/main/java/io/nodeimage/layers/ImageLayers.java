package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.util.ArrayList;
import java.util.List;

/**
 * An image as its layers: the id (its configuration's digest, as an engine names the image), the
 * platform its configuration records, and its layers base first, each with the digest it must have.
 *
 * @param source how the image was named, for messages
 */
public record ImageLayers(String source, String imageId, String os, String architecture, List<Layer> layers) {

    /** A layer as a manifest lists it, before the configuration gives its diff id. */
    public record Listed(String digest, long size, Layer.Opener opener) {
    }

    /**
     * Reads the configuration (already checked against its digest) and pairs each listed layer with its
     * diff id; a configuration naming another number of layers is an error.
     */
    public static ImageLayers of(String source, String configDigest, byte[] config, List<Listed> listed)
            throws LayerException {
        JsonNode json;
        try {
            json = Json.read(config, "the configuration of " + source);
        } catch (Json.JsonException e) {
            throw new LayerException(e.getMessage(), e);
        }
        List<String> diffIds = JsonRead.texts(json, "rootfs", "diff_ids");
        if (diffIds.size() != listed.size()) {
            throw new LayerException("the configuration of " + source + " names " + diffIds.size()
                    + " layers (rootfs.diff_ids), its manifest " + listed.size());
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            Listed l = listed.get(i);
            layers.add(new Layer(i, listed.size(), l.digest(), diffIds.get(i), l.size(), l.opener()));
        }
        String arch = JsonRead.text(json, "architecture");
        return new ImageLayers(source, configDigest, JsonRead.text(json, "os"), arch == null ? "" : arch, List.copyOf(layers));
    }
}
