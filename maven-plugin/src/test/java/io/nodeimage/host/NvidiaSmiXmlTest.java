package io.nodeimage.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.support.LiveNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi -q -x is read without loading its DTD or any external entity. */
class NvidiaSmiXmlTest {

    @TempDir
    Path dir;

    @Test
    void theFixtureParsesThoughItsDtdIsMissing() throws Exception {
        assertThat(Files.readString(LiveNode.smiXml())).contains("<!DOCTYPE nvidia_smi_log SYSTEM \"nvsmi_device_v13.dtd\">");
        assertThat(NvidiaSmiXml.read(LiveNode.smiXml())).containsExactly(new NvidiaSmiXml.GpuModes("0000:00:06.0",
                "NVIDIA H100 80GB HBM3", "enabled", "disabled", "enabled", "Pass-Through", "580.159.04", "96.00.CF.00.01"));
    }

    @Test
    void anExternalEntityIsNotRead() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "SECRET-CONTENT");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE nvidia_smi_log [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<nvidia_smi_log><gpu id=\"00000000:01:00.0\"><product_name>&x;</product_name>"
                + "<persistence_mode>Enabled</persistence_mode></gpu></nvidia_smi_log>";
        var gpus = NvidiaSmiXml.parse(xml.getBytes(StandardCharsets.UTF_8), "t.xml");
        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.model()).isNull();
            assertThat(g.persistence()).isEqualTo("enabled");
            assertThat(g.bus()).isEqualTo("0000:01:00.0");
        });
    }

    @Test
    void somethingElseIsRefusedNamingTheFile() throws Exception {
        Path text = dir.resolve("smi.txt");
        Files.writeString(text, Files.readString(LiveNode.fixture().resolve("nvidia-smi-q.txt")));
        assertThatThrownBy(() -> NvidiaSmiXml.read(text)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(text + " is not nvidia-smi -q -x output: ");
        Path other = dir.resolve("other.xml");
        Files.writeString(other, "<html/>");
        assertThatThrownBy(() -> NvidiaSmiXml.read(other)).isInstanceOf(ConfigurationException.class)
                .hasMessage(other + ": the document is <html>, not <nvidia_smi_log>");
        assertThatThrownBy(() -> NvidiaSmiXml.read(dir.resolve("missing.xml"))).isInstanceOf(ConfigurationException.class)
                .hasMessage("nvidiaSmiXml " + dir.resolve("missing.xml") + " cannot be read");
    }
}
