package io.nodeimage.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests and indexes a push writes, against what the OCI image and distribution specifications 1.1
 * say they hold; the referrers tag fallback keeps what others listed.
 */
class OciJsonTest {

    static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    static final OciJson.Descriptor SUBJECT = new OciJson.Descriptor(OciJson.MANIFEST, "sha256:" + "ab".repeat(32), 700);

    @Test
    void theEmptyDescriptorIsTheSpecsOwn() throws Exception {
        OciJson.Descriptor empty = OciJson.emptyConfig();
        // image-spec 1.1, "Guidance for an Empty Descriptor": the digest of the two bytes {}.
        assertThat(empty.digest()).isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        assertThat(empty.size()).isEqualTo(2);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("{}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(empty.digest().substring(7));
    }

    @Test
    void anImageManifestNamesItsConfigurationAndLayersInOrder() throws Exception {
        byte[] bytes = OciJson.imageManifest(new OciJson.Descriptor(OciJson.IMAGE_CONFIG, "sha256:" + "01".repeat(32), 1234),
                List.of(new OciJson.Descriptor(OciJson.LAYER_TAR, "sha256:" + "02".repeat(32), 10),
                        new OciJson.Descriptor(OciJson.LAYER_TAR, "sha256:" + "03".repeat(32), 20)));
        JsonNode m = Json.read(bytes, "manifest");
        assertThat(m.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(m.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(m.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(m.at("/config/size").asLong()).isEqualTo(1234);
        assertThat(m.at("/layers/0/digest").asText()).endsWith("02".repeat(32));
        assertThat(m.at("/layers/1/digest").asText()).endsWith("03".repeat(32));
        assertThat(m.at("/layers/1/mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
        // The same content, the same bytes: the digest a certificate binds cannot wander.
        assertThat(OciJson.imageManifest(new OciJson.Descriptor(OciJson.IMAGE_CONFIG, "sha256:" + "01".repeat(32), 1234),
                List.of(new OciJson.Descriptor(OciJson.LAYER_TAR, "sha256:" + "02".repeat(32), 10),
                        new OciJson.Descriptor(OciJson.LAYER_TAR, "sha256:" + "03".repeat(32), 20)))).isEqualTo(bytes);
        // Read back by the same reader pulls use.
        Manifests.Manifest read = Manifests.manifest(Manifests.parse(bytes, "m"), "m");
        assertThat(read.layers()).hasSize(2);
    }

    @Test
    void anArtifactHasTheEmptyConfigurationOneLayerAndTheSubject() throws Exception {
        OciJson.Descriptor envelope = OciJson.Descriptor.of(DSSE, "{\"payloadType\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = OciJson.artifactManifest(DSSE, envelope, SUBJECT, Map.of("org.opencontainers.image.title", "c.jsonl"));
        JsonNode m = Json.read(bytes, "artifact");
        assertThat(m.get("mediaType").asText()).isEqualTo(OciJson.MANIFEST);
        assertThat(m.get("artifactType").asText()).isEqualTo(DSSE);
        assertThat(m.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(m.at("/config/digest").asText()).isEqualTo(OciJson.emptyConfig().digest());
        assertThat(m.get("layers")).hasSize(1);
        assertThat(m.at("/layers/0/mediaType").asText()).isEqualTo(DSSE);
        assertThat(m.at("/layers/0/digest").asText()).isEqualTo(envelope.digest());
        assertThat(m.at("/subject/digest").asText()).isEqualTo(SUBJECT.digest());
        assertThat(m.at("/subject/size").asLong()).isEqualTo(700);
        assertThat(m.at("/annotations/org.opencontainers.image.title").asText()).isEqualTo("c.jsonl");
        OciJson.Artifact back = OciJson.artifact(bytes, "artifact");
        assertThat(back.subject()).isEqualTo(SUBJECT.digest());
        assertThat(back.content().digest()).isEqualTo(envelope.digest());
    }

    @Test
    void theFallbackTagIsTheDigestWithADash() {
        assertThat(OciJson.fallbackTag("sha256:" + "ab".repeat(32))).isEqualTo("sha256-" + "ab".repeat(32));
        // A valid tag: at most 128 characters of [A-Za-z0-9_.-].
        assertThat(OciJson.fallbackTag("sha256:" + "ab".repeat(32))).matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        assertThatThrownBy(() -> OciJson.fallbackTag("latest")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFallbackIndexKeepsOthersEntriesAndListsEachArtifactOnce() throws Exception {
        OciJson.Descriptor first = new OciJson.Descriptor(OciJson.MANIFEST, "sha256:" + "11".repeat(32), 500, DSSE, Map.of());
        byte[] one = OciJson.withReferrer(null, first, "tag");
        JsonNode index = Json.read(one, "index");
        assertThat(index.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.get("manifests")).hasSize(1);
        assertThat(index.at("/manifests/0/artifactType").asText()).isEqualTo(DSSE);

        // Another tool's referrer (an SBOM, with a field nodeimage does not know) is kept as it was, in its place.
        String foreign = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "22".repeat(32)
                + "\",\"size\":321,\"artifactType\":\"application/spdx+json\",\"annotations\":{\"x\":\"y\"},\"extra\":[1,2]}]}";
        byte[] two = OciJson.withReferrer(foreign.getBytes(StandardCharsets.UTF_8), first, "tag");
        JsonNode merged = Json.read(two, "index");
        assertThat(merged.get("manifests")).hasSize(2);
        assertThat(merged.at("/manifests/0/digest").asText()).endsWith("22".repeat(32));
        assertThat(merged.at("/manifests/0/extra/1").asInt()).isEqualTo(2);
        assertThat(merged.at("/manifests/0/annotations/x").asText()).isEqualTo("y");
        assertThat(merged.at("/manifests/1/digest").asText()).isEqualTo(first.digest());

        // Attaching the same artifact again changes nothing; a second certificate is appended.
        assertThat(OciJson.withReferrer(two, first, "tag")).isEqualTo(two);
        OciJson.Descriptor second = new OciJson.Descriptor(OciJson.MANIFEST, "sha256:" + "33".repeat(32), 501, DSSE, Map.of());
        byte[] three = OciJson.withReferrer(two, second, "tag");
        assertThat(Json.read(three, "index").get("manifests")).hasSize(3);

        // Only the DSSE artifacts are read back as certificates.
        assertThat(OciJson.referrers(three, DSSE, "index")).extracting(OciJson.Descriptor::digest)
                .containsExactly(first.digest(), second.digest());
    }

    @Test
    void aTagThatHoldsNoIndexIsNotOverwritten() {
        byte[] manifest = OciJson.imageManifest(OciJson.emptyConfig(), List.of());
        assertThatThrownBy(() -> OciJson.withReferrer(manifest, SUBJECT, "tag sha256-ab of r"))
                .isInstanceOf(LayerException.class).hasMessageContaining("tag sha256-ab of r is not an image index");
    }
}
