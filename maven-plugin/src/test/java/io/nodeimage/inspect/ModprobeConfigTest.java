package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** kmod's reading of modprobe.d; the same cases run against real modprobe in it/ (ModprobeOracleTest). */
class ModprobeConfigTest {

    @Test
    void aFileNameInAnEarlierDirectoryMasksTheSameNameLater() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/usr/lib/modprobe.d/x.conf", "install fat /bin/true\n",
                "/etc/modprobe.d/x.conf", "options fat codepage=850\n",
                "/lib/modprobe.d/y.conf", "options fat iocharset=utf8\n"));
        assertThat(c.installMatching("fat")).isEmpty();
        assertThat(c.options("fat")).containsExactly("codepage=850", "iocharset=utf8");
        assertThat(c.files()).containsExactly("/etc/modprobe.d/x.conf", "/lib/modprobe.d/y.conf");
    }

    @Test
    void anEmptyFileMasksToo() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/cis.conf", "",
                "/usr/lib/modprobe.d/cis.conf", "install cramfs /bin/false\n"));
        assertThat(c.installNamed("cramfs")).isEmpty();
    }

    @Test
    void inTheTreeTheFirstMatchingGlobWinsOutsideOnlyAnExactName() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/run/modprobe.d/y.conf", "install vf* /bin/false\ninstall a* /bin/false\n",
                "/etc/modprobe.d/z.conf", "install vfat /bin/true\ninstall a-b /bin/true\n"));
        assertThat(c.installMatching("vfat")).map(ModprobeConfig.Command::rest).contains("/bin/false");
        assertThat(c.installNamed("a-b")).map(ModprobeConfig.Command::rest).contains("/bin/true");
        assertThat(c.installNamed("vfoo")).isEmpty();
    }

    @Test
    void dashAndUnderscoreAreOneNameAndLinesContinue() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/a.conf", "# comment\ninstall usb_storage \\\n  /bin/false\nblacklist usb-storage\n"));
        assertThat(c.installNamed("usb-storage")).map(ModprobeConfig.Command::rest).contains("  /bin/false");
        assertThat(c.installNamed("usb-storage")).map(ModprobeConfig.Command::line).contains(2);
        assertThat(c.blacklisted("usb_storage")).isTrue();
    }

    @Test
    void onlyConfFilesDirectlyInTheDirectoriesCount() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/a.conf.bak", "install fat /bin/false\n",
                "/etc/modprobe.d/sub/b.conf", "install fat /bin/false\n",
                "/etc/modprobe.conf", "install fat /bin/false\n"));
        assertThat(c.installMatching("fat")).isEmpty();
    }

    @Test
    void whatAnInstallCommandLoadsIsReadFromTheCommand() {
        java.util.function.Function<String, InstallCommand.Kind> kind = c -> InstallCommand.of(c, "cramfs").kind();
        assertThat(kind.apply("/bin/false")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/bin/true ")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/usr/bin/false --ignored")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/bin/sh -c \"exit 1\"")).as("issue: exit 1 was called loadable").isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/bin/sh -c 'echo cramfs is off >&2; exit 1'")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/bin/echo nope > /dev/null 2>&1")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/sbin/modprobe -r cramfs")).isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/sbin/modprobe --ignore-install squashfs")).as("another module").isEqualTo(InstallCommand.Kind.NOTHING);
        assertThat(kind.apply("/bin/false; /sbin/modprobe --ignore-install cramfs")).isEqualTo(InstallCommand.Kind.MODPROBE);
        assertThat(kind.apply("/sbin/modprobe --ignore-install cramfs $CMDLINE_OPTS")).isEqualTo(InstallCommand.Kind.MODPROBE);
        assertThat(kind.apply("/sbin/modprobe --ignore-install $MODPROBE_MODULE")).isEqualTo(InstallCommand.Kind.MODPROBE);
        assertThat(kind.apply("insmod /lib/modules/6.1.0/kernel/fs/cramfs/cramfs.ko.xz")).isEqualTo(InstallCommand.Kind.INSMOD);
        assertThat(kind.apply("/usr/local/sbin/site-module-gate cramfs")).as("cannot see into it").isEqualTo(InstallCommand.Kind.OPAQUE);
        assertThat(kind.apply("/bin/echo $(modprobe cramfs)")).isEqualTo(InstallCommand.Kind.OPAQUE);
    }

    @Test
    void globsFollowFnmatch() {
        assertThat(ModprobeConfig.glob("snd_*", "snd_hda_intel")).isTrue();
        assertThat(ModprobeConfig.glob("snd_?da*", "snd_hda_intel")).isTrue();
        assertThat(ModprobeConfig.glob("[!a]at", "fat")).isTrue();
        assertThat(ModprobeConfig.glob("[!f]at", "fat")).isFalse();
        assertThat(ModprobeConfig.underscores("usb-storage")).isEqualTo("usb_storage");
        assertThat(ModprobeConfig.underscores("a[-_]b-c")).isEqualTo("a[-_]b_c");
    }
}
