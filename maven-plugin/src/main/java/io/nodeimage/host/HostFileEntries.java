package io.nodeimage.host;

import io.nodeimage.inspect.Facts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The metadata of the paths a policy's file rules name, as on an image: type, mode, owner and group by
 * the node's own passwd and group files. A link is judged as the link.
 */
final class HostFileEntries {

    private HostFileEntries() {
    }

    static List<Facts.FileEntry> read(HostFiles files, java.util.Set<String> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        Map<Long, String> users = ids(files, "/etc/passwd");
        Map<Long, String> groups = ids(files, "/etc/group");
        List<Facts.FileEntry> out = new ArrayList<>();
        for (String path : new TreeSet<>(paths)) {
            Path p = files.resolve(path);
            Map<String, Object> a;
            try {
                a = Files.readAttributes(p, "unix:mode,uid,gid,size,isSymbolicLink,isDirectory,isRegularFile",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                continue; // absent: the rule says so
            }
            boolean link = (Boolean) a.get("isSymbolicLink");
            String type = link ? "link" : (Boolean) a.get("isDirectory") ? "directory"
                    : (Boolean) a.get("isRegularFile") ? "file" : "other";
            long uid = ((Integer) a.get("uid")).longValue();
            long gid = ((Integer) a.get("gid")).longValue();
            String target = null;
            if (link) {
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    target = "(unreadable)";
                }
            }
            out.add(new Facts.FileEntry(path, type, String.format("%04o", (Integer) a.get("mode") & 07777), uid, gid,
                    users.getOrDefault(uid, Long.toString(uid)), groups.getOrDefault(gid, Long.toString(gid)),
                    type.equals("file") ? (Long) a.get("size") : 0, target));
        }
        return out;
    }

    /** name:x:number:... lines; the first name for a number wins, as on an image. */
    private static Map<Long, String> ids(HostFiles files, String path) {
        Map<Long, String> out = new HashMap<>();
        for (String line : files.text(path).orElse("").split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[2].matches("[0-9]{1,10}")) {
                out.putIfAbsent(Long.parseLong(f[2]), f[0]);
            }
        }
        return out;
    }
}
