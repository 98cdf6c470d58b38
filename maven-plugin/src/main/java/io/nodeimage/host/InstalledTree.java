package io.nodeimage.host;

import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.DirectoryFiles;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.Inspector;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a node has installed, read from the same root as what it runs, exactly as inspect reads an image:
 * its module trees (signatures, licences, kernel config), modprobe.d, modules-load.d, units, packages
 * and /etc. One run then shows both: a module disabled in modprobe.d and loaded anyway, a driver
 * package installed beside a different driver loaded from elsewhere.
 */
final class InstalledTree {

    /**
     * A root is a node's installed tree when one of these exists: what the kernel loads modules from, or
     * a package database. /etc alone is not enough (a DaemonSet may mount only /etc and /proc).
     */
    static final List<String> MARKERS = List.of("/usr/lib/modules", "/lib/modules", "/var/lib/dpkg/status",
            "/usr/lib/sysimage/rpm", "/var/lib/rpm");

    private InstalledTree() {
    }

    /**
     * The installed tree's facts; empty when the root has none.
     *
     * @param filePaths paths outside /etc whose metadata a policy asks about
     * @param findings told which files could not be read
     */
    static Optional<Facts> read(HostFiles files, String architecture, Set<String> filePaths, List<Facts.Finding> findings) {
        if (MARKERS.stream().noneMatch(files::exists)) {
            return Optional.empty();
        }
        try (DirectoryFiles tree = new DirectoryFiles(files.root(), architecture)) {
            Facts facts = new Inspector().inspect(files.root().toString(), tree, architecture, filePaths);
            List<String> unreadable = tree.unreadable();
            if (!unreadable.isEmpty()) {
                findings.add(new Facts.Finding(unreadable.get(0), unreadable.size() + " file(s) of the installed tree "
                        + "could not be read (first: " + unreadable.get(0) + "): rules about their content see them empty; "
                        + "run as root to read them"));
            }
            return Optional.of(facts);
        } catch (IOException e) {
            throw new ConfigurationException("the installed tree under " + files.root() + " could not be read: "
                    + e.getMessage(), "check that the root is a node's root directory and readable by this user");
        }
    }
}
