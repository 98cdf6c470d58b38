package io.nodeimage.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.image.EngineSocket;
import io.nodeimage.layers.ImageLayers;
import io.nodeimage.layers.LayerException;
import io.nodeimage.layers.LayerTree;
import io.nodeimage.layers.StreamedArchive;
import io.nodeimage.yaml.JsonRead;
import java.io.IOException;
import java.util.Optional;

/**
 * Podman's images read from their export ({@code GET /images/<name>/get}, a {@code docker save}
 * stream) as layers, with the owners the layers hold: Podman's container archive API writes the
 * container's user as every entry's owner. The stream is read once, as it comes; the image's tools
 * still run in Podman.
 */
final class PodmanExport {

    private PodmanExport() {
    }

    /** The image's files when the engine at the socket is Podman; empty for any other engine. */
    static Optional<ImageFiles> open(EngineSocket socket, String image) throws IOException {
        EngineSocket.Answer version = socket.call("GET", "/version", null);
        if (version.code() != 200 || !isPodman(EngineFiles.engineAnswer(version, "the engine's version"))) {
            return Optional.empty();
        }
        EngineSocket.Answer inspected = socket.call("GET", "/images/" + image + "/json", null);
        if (inspected.code() == 404) {
            throw EngineFiles.notPresent(image);
        }
        if (inspected.code() != 200) {
            throw new IOException("the engine answered " + inspected.code() + ": " + inspected.text().strip());
        }
        JsonNode json = EngineFiles.engineAnswer(inspected, "the engine's description of image " + image);
        String target = "/images/" + image + "/get";
        ImageLayers layers = StreamedArchive.layers("image " + image + " (Podman's export)", JsonRead.text(json, "Id"),
                JsonRead.text(json, "Os"), JsonRead.text(json, "Architecture"), JsonRead.texts(json, "RootFS", "Layers"),
                () -> socket.stream(target, "the export of " + image)
                        .orElseThrow(() -> new LayerException("Podman no longer has image " + image)));
        return Optional.of(LayerFiles.read(layers, new LayerTree.Wanted(Inspector.contentRoots()), LayerTree.Limits.DEFAULT,
                new EngineTools(image)));
    }

    private static boolean isPodman(JsonNode version) {
        for (JsonNode c : JsonRead.items(version, "Components")) {
            if ("Podman Engine".equals(JsonRead.text(c, "Name"))) {
                return true;
            }
        }
        return false;
    }
}
