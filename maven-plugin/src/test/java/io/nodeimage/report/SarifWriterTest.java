package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.yaml.Location;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SARIF for code-scanning UIs: ranked by security-severity, the image named, keys in a fixed order. */
class SarifWriterTest {

    @Test
    void aWaivedFindingIsASuppressionWithKeysInAFixedOrderAndTheImageIsNamed() {
        Policy.Rule rule = Policy.Rule.finding("SITE-1", "no telnet", Policy.Severity.HIGH, "clear-text logins", "remove it",
                List.of(new Policy.Reference("CIS 2.3.1", "https://www.cisecurity.org/benchmark/ubuntu_linux")));
        Policy.Waiver waiver = new Policy.Waiver("SITE-1", List.of(), "switch console", null, "2027-01-31", "secops");
        RuleResult waived = new RuleResult("site", "1.0.0", rule, RuleResult.Status.WAIVED, "telnet 0.17 is installed",
                List.of("telnet 0.17"), new Location("policies/site.yaml", 7, 5), waiver, false, null, false);
        Verdict v = new Verdict("nodeimage/demo:1", "sha256:" + "ab".repeat(32), null, "2026-11-27", List.of(waived),
                Policy.Severity.HIGH, false, List.of("site 1.0.0 (policies/site.yaml)"), List.of(), List.of());
        String sarif = SarifWriter.write(v, "0.1.0");
        assertThat(sarif).isEqualTo(SarifWriter.write(v, "0.1.0"));
        assertThat(sarif.indexOf("\"kind\": \"external\"")).isPositive()
                .isLessThan(sarif.indexOf("\"justification\": \"switch console (approved by secops, until 2027-01-31)\""));
        assertThat(sarif).contains("\"security-severity\": \"8.0\"", "\"helpUri\": \"https://www.cisecurity.org/benchmark/ubuntu_linux\"",
                "\"image\": \"nodeimage/demo:1\"", "\"uriBaseId\": \"%SRCROOT%\"", "\"tags\": [\n", "\"CIS 2.3.1\"");
    }
}
