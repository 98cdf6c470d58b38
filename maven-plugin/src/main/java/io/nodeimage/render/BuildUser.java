package io.nodeimage.render;

import java.util.List;

/**
 * The user Packer logs in as while it builds, and only then. It exists in the installer
 * configurations Packer serves (never in the user-data or kickstart rendered for other installs), with
 * the key the build supplies, a NOPASSWD sudo rule of its own file, and is removed with its key and
 * rule before Packer powers the machine off, so the image keeps none of them.
 */
final class BuildUser {

    static final String NAME = "packer";
    static final String HOME = "/home/" + NAME;
    static final String SUDOERS = "/etc/sudoers.d/90-nodeimage-build";
    /**
     * Where the installer configuration carries the build's public key, base64-encoded; Packer replaces
     * it when it serves the file. Base64 needs no quoting in YAML, kickstart or shell.
     */
    static final String KEY_PLACEHOLDER = "NODEIMAGE_BUILD_SSH_KEY_BASE64";

    static final String HEADER = "# Served by Packer (" + PackerEmitter.FILE + ") only: with the user it logs in as while it builds,"
            + " removed when the build ends.\n";

    private BuildUser() {
    }

    /**
     * Shell commands that create the user in the system installed under {@code root} ("/target" while
     * Subiquity installs, "/" in a kickstart %post), each run as root by {@code inTarget} inside it.
     * Written as separate commands because autoinstall runs each late-command on its own.
     */
    static List<String> create(String root, String inTarget) {
        String prefix = root.equals("/") ? "" : root;
        return List.of(
                inTarget + "useradd --create-home --shell /bin/bash --comment 'nodeimage build user' " + NAME,
                inTarget + "install -d -m 0700 -o " + NAME + " -g " + NAME + " " + HOME + "/.ssh",
                "echo " + KEY_PLACEHOLDER + " | base64 -d > " + prefix + HOME + "/.ssh/authorized_keys",
                inTarget + "chown " + NAME + ":" + NAME + " " + HOME + "/.ssh/authorized_keys",
                "chmod 0600 " + prefix + HOME + "/.ssh/authorized_keys",
                "echo '" + NAME + " ALL=(ALL) NOPASSWD: ALL' > " + prefix + SUDOERS,
                "chmod 0440 " + prefix + SUDOERS);
    }

    /**
     * The last command of a build, run by Packer as its shutdown command: the sudo rule, the user, its
     * home and key go, then the machine powers off. It cannot be an earlier provisioner: without the
     * rule nothing could power the machine off cleanly, and Packer would have to kill it.
     * {@code userdel --force} removes a user that is still logged in (userdel(8)).
     */
    static String removeAndPowerOff() {
        return "sudo sh -c 'rm -f " + SUDOERS + " && userdel --force --remove " + NAME + " && shutdown -P now'";
    }
}
