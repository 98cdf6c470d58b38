package io.nodeimage.host;

import io.nodeimage.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The GPU modes {@code nvidia-smi -q -x} reports: persistence, MIG, ECC and virtualization, per GPU.
 * nvidia-smi's document names an external DTD (nvsmi_device_v13.dtd) that is not installed beside it, and
 * a file handed to a build is input like any other: DTD loading and external entities are off, so
 * parsing reads nothing but the file.
 */
final class NvidiaSmiXml {

    /** nvidia-smi -q -x on a node of eight GPUs is a few hundred kilobytes. */
    static final int LIMIT = 16 * 1024 * 1024;

    /** One {@code <gpu>} element's modes, values lower-cased (enabled, disabled, n/a). */
    record GpuModes(String bus, String model, String persistence, String mig, String ecc, String virtualization,
                    String gspFirmware, String vbios) {
    }

    private NvidiaSmiXml() {
    }

    static List<GpuModes> read(Path file) {
        byte[] bytes = HostFiles.bytes(file, LIMIT).orElseThrow(() -> new ConfigurationException(
                "nvidiaSmiXml " + file + " cannot be read", "write it with nvidia-smi -q -x > FILE on the node, "
                        + "or leave the parameter out to judge without GPU modes"));
        return parse(bytes, file.toString());
    }

    static List<GpuModes> parse(byte[] bytes, String shown) {
        Document doc;
        try {
            DocumentBuilder builder = builder();
            // Belt and braces: should anything still ask for an external resource, it gets nothing.
            builder.setEntityResolver((publicId, systemId) -> new InputSource(new ByteArrayInputStream(new byte[0])));
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            doc = builder.parse(new ByteArrayInputStream(bytes));
        } catch (SAXException | IOException e) {
            throw new ConfigurationException(shown + " is not nvidia-smi -q -x output: " + e.getMessage(),
                    "write it with nvidia-smi -q -x > FILE (XML; plain nvidia-smi -q is not read)");
        }
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("nvidia_smi_log")) {
            throw new ConfigurationException(shown + ": the document is <" + root.getTagName() + ">, not <nvidia_smi_log>",
                    "write it with nvidia-smi -q -x > FILE");
        }
        List<GpuModes> out = new ArrayList<>();
        for (Element gpu : children(root, "gpu")) {
            out.add(new GpuModes(HostInspector.bus(gpu.getAttribute("id")), text(gpu, "product_name"),
                    mode(text(gpu, "persistence_mode")), mode(text(gpu, "mig_mode", "current_mig")),
                    mode(text(gpu, "ecc_mode", "current_ecc")),
                    text(gpu, "gpu_virtualization_mode", "virtualization_mode"), text(gpu, "gsp_firmware_version"),
                    text(gpu, "vbios_version")));
        }
        return out;
    }

    private static DocumentBuilder builder() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setValidating(false);
            f.setNamespaceAware(false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses a standard feature", e);
        }
    }

    /** Enabled, Disabled and N/A as nvidia-smi writes them, in the words policies use. */
    private static String mode(String value) {
        return value == null ? null : value.strip().toLowerCase(Locale.ROOT);
    }

    private static String text(Element parent, String... path) {
        Element e = parent;
        for (String name : path) {
            List<Element> found = children(e, name);
            if (found.isEmpty()) {
                return null;
            }
            e = found.get(0);
        }
        String t = e.getTextContent().strip();
        return t.isEmpty() ? null : t;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }
}
