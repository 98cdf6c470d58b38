package io.nodeimage.inspect;

import io.nodeimage.layers.ImagePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * An unpacked root file system as the inspector reads images: a running node's own {@code /} (or its
 * root mounted elsewhere), whose installed tree (module trees, /etc, the package database) is read as
 * inspect reads an image's. Paths are the tree's own: an absolute link target means the tree's root, not
 * this machine's, and ".." stops at the root, so nothing outside the root is read. A walk lists names in
 * sorted order, so two reads of one tree give the same facts.
 *
 * <p>A file this process may not read (a node's /etc/shadow for a non-root reader) is listed with its
 * metadata and empty content, and named by {@link #unreadable()}: metadata rules still judge it; so is a
 * path behind a loop of links, which reads as absent.
 */
public final class DirectoryFiles implements ImageFiles {

    private final Path root;
    private final String architecture;
    private final List<String> unreadable = new ArrayList<>();

    /** @param architecture the tree's architecture in Docker's names (amd64, arm64) */
    public DirectoryFiles(Path root, String architecture) {
        this.root = root;
        this.architecture = architecture;
    }

    /** A tree has no configuration digest; whoever names the facts gives them their id. */
    @Override
    public String imageId() {
        return "";
    }

    @Override
    public String architecture() {
        return architecture;
    }

    /** Paths whose content could not be read, in the order met. */
    public synchronized List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    @Override
    public boolean walk(String path, Visitor visitor) throws IOException {
        Optional<Path> at = locate(path);
        if (at.isEmpty()) {
            return false;
        }
        visit(path, at.get(), visitor);
        return true;
    }

    /** Where {@code path} is under the root, links in its parents followed inside the tree; empty when absent. */
    private Optional<Path> locate(String path) {
        Optional<Path> at = ImagePaths.onDisk(root, path, false);
        if (at.isEmpty()) {
            // A loop of links: nothing there to read, and one bad link must not stop the run.
            note(path);
        }
        return at.filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS));
    }

    private void visit(String name, Path file, Visitor visitor) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:mode,uid,gid,size,isSymbolicLink,isDirectory,isRegularFile",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return; // gone since it was listed
        }
        boolean link = (Boolean) a.get("isSymbolicLink");
        boolean dir = (Boolean) a.get("isDirectory");
        boolean regular = (Boolean) a.get("isRegularFile");
        int mode = (Integer) a.get("mode");
        TarArchiveEntry entry;
        if (link) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(file).toString());
        } else if (dir) {
            entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        } else if (regular) {
            entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            entry.setSize((Long) a.get("size"));
        } else {
            // Devices, pipes and sockets: named for what they are; nothing to read.
            entry = new TarArchiveEntry(name, switch (mode & 0170000) {
                case 0020000 -> TarConstants.LF_CHR;
                case 0060000 -> TarConstants.LF_BLK;
                default -> TarConstants.LF_FIFO;
            });
        }
        entry.setMode(mode & 07777);
        entry.setUserId(((Integer) a.get("uid")).longValue());
        entry.setGroupId(((Integer) a.get("gid")).longValue());
        if (regular) {
            try (InputStream in = open(name, file)) {
                visitor.visit(name, entry, in);
            }
        } else {
            visitor.visit(name, entry, InputStream.nullInputStream());
        }
        if (dir) {
            TreeSet<String> names = new TreeSet<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(file)) {
                children.forEach(c -> names.add(c.getFileName().toString()));
            } catch (IOException e) {
                note(name + "/");
                return;
            }
            String prefix = name.equals("/") ? "" : name;
            for (String child : names) {
                visit(prefix + "/" + child, file.resolve(child), visitor);
            }
        }
    }

    /** The file's bytes; an unreadable one reads as empty and is noted. */
    private InputStream open(String name, Path file) {
        try {
            // Not through a link: one that replaced the file since it was listed could lead out of the root.
            return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            note(name);
            return InputStream.nullInputStream();
        }
    }

    private synchronized void note(String name) {
        unreadable.add(name);
    }

    @Override
    public void close() {
    }
}
