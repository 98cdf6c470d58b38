package io.nodeimage.layers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Layer tars made in memory, entry by entry, as image builders write them. */
final class Tars {

    private final List<Object[]> entries = new ArrayList<>();

    static Tars tar() {
        return new Tars();
    }

    Tars dir(String name, int mode) {
        return add(name.endsWith("/") ? name : name + "/", TarArchiveEntry.LF_DIR, mode, 0, 0, null, null);
    }

    Tars file(String name, String content) {
        return file(name, 0644, 0, 0, content);
    }

    Tars file(String name, int mode, long uid, long gid, String content) {
        return add(name, TarArchiveEntry.LF_NORMAL, mode, uid, gid, null, content.getBytes(StandardCharsets.UTF_8));
    }

    Tars bytes(String name, byte[] content) {
        return add(name, TarArchiveEntry.LF_NORMAL, 0644, 0, 0, null, content);
    }

    Tars symlink(String name, String target) {
        return add(name, TarArchiveEntry.LF_SYMLINK, 0777, 0, 0, target, null);
    }

    Tars hardlink(String name, String target) {
        return add(name, TarArchiveEntry.LF_LINK, 0644, 0, 0, target, null);
    }

    Tars whiteout(String name) {
        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        return file(dir + ".wh." + name.substring(name.lastIndexOf('/') + 1), "");
    }

    Tars opaque(String dir) {
        return file(dir + "/.wh..wh..opq", "");
    }

    private Tars add(String name, byte type, int mode, long uid, long gid, String link, byte[] content) {
        entries.add(new Object[] {name, type, mode, uid, gid, link, content});
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Object[] e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry((String) e[0], (byte) e[1]);
                entry.setMode((int) e[2]);
                entry.setUserId((long) e[3]);
                entry.setGroupId((long) e[4]);
                if (e[5] != null) {
                    entry.setLinkName((String) e[5]);
                }
                byte[] content = (byte[]) e[6];
                entry.setSize(content == null ? 0 : content.length);
                tar.putArchiveEntry(entry);
                if (content != null) {
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        return com.github.luben.zstd.Zstd.compress(data);
    }
}
