package io.nodeimage.host;

import io.nodeimage.inspect.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The resctrl file system of a running node: its line in {@code /proc/mounts} (type resctrl) and the control
 * groups under its mount point, each with its schemata, as the kernel's resctrl documentation describes them
 * (Documentation/filesystems/resctrl.rst). The root of the mount is the default group; info, mon_data and
 * mon_groups are the kernel's own directories, not groups.
 */
final class ResctrlMount {

    private static final Set<String> NOT_GROUPS = Set.of("info", "mon_data", "mon_groups");

    private ResctrlMount() {
    }

    /**
     * Empty when no resctrl file system is mounted. The node's mounts are its init's ({@code /proc/1/mounts}):
     * {@code /proc/mounts} is {@code self/mounts}, and a pod reading a node's proc mounted at /host (no host
     * PID namespace) would see its own mount namespace there, where resctrl shows up at /host/sys/fs/resctrl
     * or not at all.
     */
    static Optional<Facts.Resctrl> read(HostFiles files) {
        Optional<String> mounts = files.text("/proc/1/mounts").or(() -> files.text("/proc/mounts"));
        if (mounts.isEmpty()) {
            return Optional.empty();
        }
        for (String line : mounts.get().split("\n")) {
            // device mountpoint type options dump pass; spaces in the mount point are written \040.
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !f[2].equals("resctrl")) {
                continue;
            }
            String at = f[1].replace("\\040", " ");
            if (!at.startsWith("/") || at.contains("/../") || at.endsWith("/..")) {
                continue;
            }
            String dir = at.endsWith("/") && at.length() > 1 ? at.substring(0, at.length() - 1) : at;
            List<Facts.ResctrlGroup> groups = new ArrayList<>();
            for (String name : files.list(dir)) {
                String schemata = dir + "/" + name + "/schemata";
                if (NOT_GROUPS.contains(name) || !files.exists(schemata)) {
                    continue;
                }
                groups.add(new Facts.ResctrlGroup(name, files.text(schemata).orElse("").strip()));
            }
            return Optional.of(new Facts.Resctrl(at, f[3], groups));
        }
        return Optional.empty();
    }
}
