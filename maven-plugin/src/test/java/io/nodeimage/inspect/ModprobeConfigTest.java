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
        assertThat(c.install("fat", true)).isEmpty();
        assertThat(c.options("fat")).containsExactly("codepage=850", "iocharset=utf8");
        assertThat(c.files()).containsExactly("/etc/modprobe.d/x.conf", "/lib/modprobe.d/y.conf");
    }

    @Test
    void anEmptyFileMasksToo() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/cis.conf", "",
                "/usr/lib/modprobe.d/cis.conf", "install cramfs /bin/false\n"));
        assertThat(c.install("cramfs", false)).isEmpty();
    }

    @Test
    void inTheTreeTheFirstMatchingGlobWinsOutsideOnlyAnExactName() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/run/modprobe.d/y.conf", "install vf* /bin/false\ninstall a* /bin/false\n",
                "/etc/modprobe.d/z.conf", "install vfat /bin/true\ninstall a-b /bin/true\n"));
        assertThat(c.install("vfat", true)).map(ModprobeConfig.Command::rest).contains("/bin/false");
        assertThat(c.install("a-b", false)).map(ModprobeConfig.Command::rest).contains("/bin/true");
        assertThat(c.install("vfoo", false)).isEmpty();
    }

    @Test
    void dashAndUnderscoreAreOneNameAndLinesContinue() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/a.conf", "# comment\ninstall usb_storage \\\n  /bin/false\nblacklist usb-storage\n"));
        assertThat(c.install("usb-storage", false)).map(ModprobeConfig.Command::rest).contains("  /bin/false");
        assertThat(c.install("usb-storage", false)).map(ModprobeConfig.Command::line).contains(2);
        assertThat(c.blacklisted("usb_storage")).isTrue();
    }

    @Test
    void onlyConfFilesDirectlyInTheDirectoriesCount() {
        ModprobeConfig c = ModprobeConfig.of(Map.of(
                "/etc/modprobe.d/a.conf.bak", "install fat /bin/false\n",
                "/etc/modprobe.d/sub/b.conf", "install fat /bin/false\n",
                "/etc/modprobe.conf", "install fat /bin/false\n"));
        assertThat(c.install("fat", true)).isEmpty();
    }

    @Test
    void installCommandsThatLoadNothing() {
        assertThat(ModprobeConfig.loadsNothing("/bin/false")).isTrue();
        assertThat(ModprobeConfig.loadsNothing("/bin/true ")).isTrue();
        assertThat(ModprobeConfig.loadsNothing("/usr/bin/false --ignored")).isTrue();
        assertThat(ModprobeConfig.loadsNothing("/bin/false; /sbin/modprobe --ignore-install cramfs")).isFalse();
        assertThat(ModprobeConfig.loadsNothing("/sbin/modprobe --ignore-install cramfs")).isFalse();
        assertThat(ModprobeConfig.loadsNothing("/bin/echo nope")).isFalse();
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
