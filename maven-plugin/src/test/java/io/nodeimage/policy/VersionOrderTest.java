package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.ExternalTool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian version ordering against dpkg itself; rpm ordering against rpmvercmp's documented cases. */
class VersionOrderTest {

    static final List<String[]> PAIRS = List.of(
            new String[] {"1.0", "1.0"}, new String[] {"1.0~rc1", "1.0"}, new String[] {"1.0", "1.0+b1"},
            new String[] {"1:1.0", "2.0"}, new String[] {"2.0-1", "2.0-1ubuntu1"}, new String[] {"2.0-10", "2.0-9"},
            new String[] {"535.183.01-1", "580.95.05-1"}, new String[] {"1.0a", "1.0"}, new String[] {"1.0.0", "1.0"},
            new String[] {"0.9~~", "0.9~"}, new String[] {"4.0.2-3", "2:4.0.2-3"}, new String[] {"1.2.3-1+deb12u1", "1.2.3-1"},
            new String[] {"10", "9"}, new String[] {"1.01", "1.1"}, new String[] {"1.0-1~bpo12+1", "1.0-1"});

    @TempDir
    Path dir;

    @Test
    void debianOrderingAgreesWithDpkg() throws Exception {
        for (String[] p : PAIRS) {
            int ours = Integer.signum(VersionOrder.dpkg(p[0], p[1]));
            boolean lt = ExternalTool.run(dir, "dpkg", "--compare-versions", p[0], "lt", p[1]).exitCode() == 0;
            boolean eq = ExternalTool.run(dir, "dpkg", "--compare-versions", p[0], "eq", p[1]).exitCode() == 0;
            assertThat(ours).as(p[0] + " vs " + p[1]).isEqualTo(lt ? -1 : eq ? 0 : 1);
        }
    }

    @Test
    void rpmOrderingFollowsRpmvercmp() {
        assertThat(VersionOrder.rpm("1.0", "1.0")).isZero();
        assertThat(VersionOrder.rpm("1.0", "2.0")).isNegative();
        assertThat(VersionOrder.rpm("2.0.1", "2.0")).isPositive();
        assertThat(VersionOrder.rpm("1.0~rc1", "1.0")).isNegative();
        assertThat(VersionOrder.rpm("1.0a", "1.0")).isPositive();
        assertThat(VersionOrder.rpm("1.0", "1.0a")).isNegative();
        assertThat(VersionOrder.rpm("10", "9")).isPositive();
        assertThat(VersionOrder.rpm("1.01", "1.1")).isZero();
        assertThat(VersionOrder.rpm("580.95.05", "570")).isPositive();
        assertThat(VersionOrder.rpm("a", "1")).isNegative();
    }

    @Test
    void rangesCombineBounds() {
        assertThat(VersionOrder.satisfies("580.95.05", ">=570", VersionOrder::rpm)).isTrue();
        assertThat(VersionOrder.satisfies("535.183.01", ">=570", VersionOrder::rpm)).isFalse();
        assertThat(VersionOrder.satisfies("580.95.05", ">=570,<600", VersionOrder::rpm)).isTrue();
        assertThat(VersionOrder.satisfies("610.1", ">=570, <600", VersionOrder::rpm)).isFalse();
        assertThat(VersionOrder.satisfies("1.0-1", "=1.0-1", VersionOrder::dpkg)).isTrue();
    }
}
