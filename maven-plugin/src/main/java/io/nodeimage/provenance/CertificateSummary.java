package io.nodeimage.provenance;

import io.nodeimage.Version;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.report.Verification;
import java.util.List;
import java.util.Optional;

/** certificate.md: what a certificate binds, for people (the statement beside it is for tools). */
final class CertificateSummary {

    private CertificateSummary() {
    }

    static String write(Verification v, Certifier.Current now, String statementDigest, String signedBy,
                                  Optional<io.nodeimage.push.PushRecord> pushed) {
        long passed = v.results().stream().filter(r -> r.status().equals("pass")).count();
        long waived = v.results().stream().filter(r -> r.status().equals("waived")).count();
        long na = v.results().stream().filter(r -> r.status().equals("not-applicable")).count();
        long unchecked = v.results().stream().filter(r -> r.status().equals("not-checked")).count();
        long below = v.results().stream().filter(r -> r.status().equals("fail")).count();
        StringBuilder s = new StringBuilder();
        s.append("# Certificate: ").append(v.image()).append("\n\n");
        s.append("| | |\n|---|---|\n");
        s.append("| image | `").append(v.image()).append("` |\n");
        s.append("| image id | `").append(v.imageId()).append("` |\n");
        pushed.ifPresent(p -> s.append("| pushed | `").append(p.byDigest()).append("` (tag `").append(p.tag())
                .append("`) |\n"));
        s.append("| profile | ").append(v.profile() == null ? "none (the image was verified by name)"
                : "`" + v.profile() + "` (`sha256:" + Certifier.hex(v.profileDigest()) + "`)").append(" |\n");
        s.append("| verified on | ").append(v.date()).append(", failing on ").append(v.failOn()).append(" and above |\n");
        s.append("| rules | ").append(passed).append(" passed, ").append(waived).append(" waived, ").append(below)
                .append(" failed below the threshold, ").append(na).append(" not applicable, ").append(unchecked)
                .append(" not checked |\n");
        now.git().ifPresent(g -> s.append("| git | `").append(g.describe()).append("` (").append(g.commit()).append(") on ")
                .append(g.branch()).append(g.dirty() ? ", dirty" : "").append(" |\n"));
        s.append("| tool | nodeimage ").append(Version.current()).append(" |\n");
        s.append("| statement | `").append(Certifier.STATEMENT).append("`, sha256 `").append(statementDigest).append("` |\n\n");
        s.append("## Policy sets\n\n");
        for (Verification.SetRecord set : v.policySets()) {
            s.append("- ").append(set.name()).append(' ').append(set.version() == null ? "" : set.version())
                    .append(set.commit() == null ? "" : " at " + set.commit()).append(": ").append(set.policies().size())
                    .append(" policies, sha256 `").append(set.digest()).append("`\n");
        }
        s.append("\n## Site module signers\n\n");
        if (v.moduleSigners().isEmpty()) {
            s.append("None given (").append(SiteSigners.PROPERTY).append("): rules trusting `").append(SiteSigners.ENTRY)
                    .append("` were not checked.\n");
        }
        for (Verification.SignerRecord signer : v.moduleSigners()) {
            s.append("- `").append(signer.file()).append("`, sha256 `").append(signer.digest()).append("`: ")
                    .append(String.join("; ", signer.certificates().stream().map(Verification.CertificateRecord::subject)
                            .toList())).append('\n');
        }
        List<Verification.ResultRecord> waivers = v.results().stream().filter(r -> r.waiverExpires() != null).toList();
        if (!waivers.isEmpty()) {
            s.append("\n## Waivers used\n\n");
            waivers.forEach(r -> s.append("- ").append(r.rule()).append(" (").append(r.policy()).append("): ")
                    .append(r.waiverReason()).append("; approved by ").append(r.waiverApprovedBy()).append(", expires ")
                    .append(r.waiverExpires()).append('\n'));
        }
        if (signedBy == null) {
            s.append("\nThe statement is not signed: no signing key was given (docs/certify.md, \"Signing\").\n");
        } else {
            s.append("\nSigned: `").append(CertificateEnvelope.FILE).append("` holds the statement in a DSSE envelope")
                    .append(" signed with the ").append(signedBy).append(" (docs/certify.md, \"Signing\").\n");
        }
        return s.toString();
    }
}
