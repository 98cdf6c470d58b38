package io.nodeimage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's own version, part of every render's input digest and (later) of certificates. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream("nodeimage/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
