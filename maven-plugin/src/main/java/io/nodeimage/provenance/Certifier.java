package io.nodeimage.provenance;

import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import io.nodeimage.ProfileOutputs;
import io.nodeimage.Version;
import io.nodeimage.ViolationException;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.SiteSigners;
import io.nodeimage.report.Verification;
import io.nodeimage.yaml.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Certifies an image that passed nodeimage:verify: writes an in-toto Statement v1 whose subject is the
 * image (name and id digest) and whose predicate binds the profile, the policy sets, the rule results,
 * the waivers used, the facts and the git provenance; and a short certificate for people. It refuses
 * when verify failed, a waiver has expired, anything verify judged has changed since, or the git tree
 * is dirty (unless allowed). Given a signing key, it also writes the statement in a signed DSSE envelope
 * ({@link CertificateEnvelope}); without one the statement stands unsigned, and says so.
 */
public final class Certifier {

    public static final String STATEMENT = io.nodeimage.ProfileOutputs.CERTIFICATE;
    public static final String SUMMARY = io.nodeimage.ProfileOutputs.CERTIFICATE_SUMMARY;
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "urn:nodeimage:certificate:v1";

    /**
     * Everything as it is now, to compare with what verify recorded.
     *
     * @param imageId the engine's id of the image now; null when the engine no longer has it
     * @param profileDigest the effective profile's digest now
     * @param profileFiles the profile files (the extends chain) as shown, for the record
     * @param moduleSigners the site module signers given now (nodeimage.trustedModuleSigners)
     */
    public record Current(String imageId, String profileDigest, List<String> profileFiles, List<PolicySet> sets,
                          Optional<GitProvenance> git, LocalDate today, SiteSigners moduleSigners) {
        public Current(String imageId, String profileDigest, List<String> profileFiles, List<PolicySet> sets,
                       Optional<GitProvenance> git, LocalDate today) {
            this(imageId, profileDigest, profileFiles, sets, git, today, SiteSigners.NONE);
        }
    }

    /**
     * What certify wrote.
     *
     * @param envelope the signed envelope; null when no key was given
     * @param signedBy the signing key, as logged (algorithm and key id); null when unsigned
     */
    public record Certificate(Path statement, Path envelope, Path summary, String subject, String digest, String signedBy) {
    }

    private Certifier() {
    }

    public static Certificate certify(Path directory, String shownDirectory, Current now, boolean allowDirty) {
        return certify(directory, shownDirectory, now, allowDirty, Optional.empty());
    }

    /** @param key the key to sign with; empty writes the statement unsigned (and no envelope) */
    public static Certificate certify(Path directory, String shownDirectory, Current now, boolean allowDirty,
                                      Optional<io.nodeimage.signing.SigningKey> key) {
        Verification v = Verification.read(directory.resolve(io.nodeimage.report.VerifyService.RECORD),
                shownDirectory + "/" + io.nodeimage.report.VerifyService.RECORD);
        List<String> refusals = new ArrayList<>();
        if (!v.passed()) {
            refusals.add("verify failed for " + v.image() + " on " + v.date() + ": blocking rules "
                    + String.join(", ", v.results().stream().filter(r -> r.status().equals("fail")).map(r -> r.rule()).toList()));
        }
        for (Verification.ResultRecord r : v.results()) {
            if (r.waiverExpires() != null && (r.waiverExpired() || LocalDate.parse(r.waiverExpires()).isBefore(now.today()))) {
                refusals.add("the waiver of " + r.rule() + " (" + r.policy() + ") expired on " + r.waiverExpires());
            }
        }
        // Read once: the digest checked and the node section recorded come from the same bytes.
        FactsFile facts = FactsFile.read(directory);
        refusals.addAll(changes(v, facts, now));
        if (now.git().isEmpty()) {
            if (!allowDirty) {
                refusals.add("the project is not in a git work tree, so the certificate could not name its commit");
            }
        } else if (now.git().get().dirty() && !allowDirty) {
            List<String> paths = now.git().get().dirtyPaths();
            refusals.add("the git work tree is dirty (" + paths.size() + " paths: "
                    + String.join(", ", paths.subList(0, Math.min(10, paths.size()))) + (paths.size() > 10 ? ", ..." : "")
                    + "); commit them, or set nodeimage.certify.allowDirty to certify a dirty tree on purpose");
        }
        if (!refusals.isEmpty()) {
            throw new ViolationException("certification of " + v.image() + " refused:" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", refusals),
                    "run nodeimage:verify again after any change; the certificate binds what verify judged");
        }
        // Pushed after verify and the same image: the registry's manifest digest is what others can fetch and check.
        Optional<io.nodeimage.push.PushRecord> pushed = io.nodeimage.push.PushRecord.read(directory, shownDirectory)
                .filter(p -> p.imageId().equals(v.imageId()));
        String statement = statement(v, now, facts.node(), pushed);
        Path statementFile = directory.resolve(STATEMENT);
        Path envelopeFile = directory.resolve(CertificateEnvelope.FILE);
        Path summaryFile = directory.resolve(SUMMARY);
        // Signed before anything is written: a key that cannot sign leaves the last certificate as it was.
        Optional<String> envelope = key.map(k -> CertificateEnvelope.sign(statement, k));
        if (envelope.isEmpty()) {
            // An envelope from an earlier, signed run would vouch for a statement this one replaces.
            ProfileOutputs.removeNamed(directory, CertificateEnvelope.FILE);
        }
        AtomicFiles.write(statementFile, statement);
        envelope.ifPresent(e -> AtomicFiles.write(envelopeFile, e));
        String signedBy = key.map(Object::toString).orElse(null);
        AtomicFiles.write(summaryFile, CertificateSummary.write(v, now, Digests.sha256(statement), signedBy, pushed));
        return new Certificate(statementFile, envelope.isPresent() ? envelopeFile : null, summaryFile,
                pushed.map(io.nodeimage.push.PushRecord::repository).orElse(v.image()),
                pushed.map(io.nodeimage.push.PushRecord::digest).orElse(v.imageId()), signedBy);
    }

    /** What differs between the verification record and the inputs now. */
    static List<String> changes(Verification v, FactsFile facts, Current now) {
        List<String> out = new ArrayList<>();
        if (now.imageId() == null) {
            out.add("image " + v.image() + " is no longer in the engine");
        } else if (!now.imageId().equals(v.imageId())) {
            out.add("image " + v.image() + " is now " + now.imageId() + "; verify judged " + v.imageId());
        }
        if (v.profileDigest() != null && !now.profileDigest().equals(v.profileDigest())) {
            out.add("profile " + v.profile() + " changed since verify (effective profile digest sha256:" + now.profileDigest()
                    + ", verify saw " + v.profileDigest() + ")");
        }
        out.addAll(policyChanges(v.policySets(), now.sets()));
        out.addAll(signerChanges(v.moduleSigners(), now.moduleSigners()));
        if (facts.unreadable() != null) {
            out.add("facts.json cannot be read: " + facts.unreadable());
        } else if (!v.factsDigest().equals(facts.bytes() == null ? null : Digests.sha256(facts.bytes()))) {
            out.add("facts.json differs from the facts verify judged");
        }
        return out;
    }

    /** facts.json as verify left it: its bytes (null when absent), or why it could not be read. */
    record FactsFile(byte[] bytes, String unreadable) {
        static FactsFile read(Path directory) {
            Path file = directory.resolve("facts.json");
            try {
                return new FactsFile(Files.isRegularFile(file) ? Files.readAllBytes(file) : null, null);
            } catch (IOException e) {
                return new FactsFile(null, e.getMessage());
            }
        }

        /** The image's kernels and drivers, for checking running nodes against it; null without facts. */
        Map<String, Object> node() {
            return bytes == null ? null : Drift.section(io.nodeimage.yaml.Json.read(bytes, "facts.json"));
        }
    }

    /** Per set name: added, removed or changed sets, naming the changed files. */
    public static List<String> policyChanges(List<Verification.SetRecord> recorded, List<PolicySet> current) {
        List<String> out = new ArrayList<>();
        Map<String, PolicySet> byName = new LinkedHashMap<>();
        current.forEach(s -> byName.put(s.name(), s));
        for (Verification.SetRecord r : recorded) {
            PolicySet now = byName.remove(r.name());
            if (now == null) {
                out.add("policy set " + r.name() + " is no longer used");
            } else if (!now.digest().equals(r.digest())) {
                Map<String, String> files = new LinkedHashMap<>();
                now.policies().forEach(p -> files.put(p.file(), p.digest()));
                List<String> changed = new ArrayList<>();
                for (Verification.PolicyRecord p : r.policies()) {
                    String d = files.remove(p.file());
                    if (d == null) {
                        changed.add(p.file() + " removed");
                    } else if (!d.equals(p.digest())) {
                        changed.add(p.file() + " changed");
                    }
                }
                files.keySet().forEach(f -> changed.add(f + " added"));
                out.add("policy set " + r.name() + " changed: " + String.join(", ", changed));
            }
        }
        byName.keySet().forEach(n -> out.add("policy set " + n + " was not used by verify"));
        return out;
    }

    /**
     * Site module signer files verify trusted that are gone or changed, or new ones: the rules naming them
     * would judge otherwise, so the certificate would claim what no one checked.
     */
    public static List<String> signerChanges(List<Verification.SignerRecord> recorded, SiteSigners current) {
        Map<String, String> then = new java.util.TreeMap<>();
        recorded.forEach(r -> then.put(r.file(), r.digest()));
        Map<String, String> now = new java.util.TreeMap<>();
        current.files().forEach(f -> now.put(f.file(), f.sha256()));
        if (then.equals(now)) {
            return List.of();
        }
        List<String> changed = new ArrayList<>();
        then.forEach((file, digest) -> {
            String d = now.remove(file);
            if (d == null) {
                changed.add(file + " not given now");
            } else if (!d.equals(digest)) {
                changed.add(file + " changed");
            }
        });
        now.keySet().forEach(f -> changed.add(f + " not given to verify"));
        return List.of("the site module signers (" + SiteSigners.PROPERTY + ") differ from those verify trusted: "
                + String.join(", ", changed) + "; give the same files, or verify again");
    }

    static String statement(Verification v, Current now, Map<String, Object> node) {
        return statement(v, now, node, Optional.empty());
    }

    /**
     * @param pushed where push put the image verify judged: then the subject is the registry's manifest
     *               (in-toto's name {@code <registry>/<repository>}, digest the manifest's), else the engine's image
     */
    static String statement(Verification v, Current now, Map<String, Object> node, Optional<io.nodeimage.push.PushRecord> pushed) {
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("name", pushed.map(io.nodeimage.push.PushRecord::repository).orElse(v.image()));
        subject.put("digest", Map.of("sha256", hex(pushed.map(io.nodeimage.push.PushRecord::digest).orElse(v.imageId()))));
        Map<String, Object> predicate = new LinkedHashMap<>();
        // The image as the engine judged it, whatever the subject: its id is its configuration's digest, which
        // a pushed manifest names too.
        predicate.put("image", ordered("name", v.image(), "id", v.imageId(), "tag",
                pushed.map(p -> p.repository() + ":" + p.tag()).orElse(null)));
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("name", v.profile());
        profile.put("digest", v.profileDigest() == null ? null : Map.of("sha256", hex(v.profileDigest())));
        profile.put("files", now.profileFiles());
        predicate.put("profile", profile);
        predicate.put("policySets", v.policySets().stream().map(s -> {
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("name", s.name());
            set.put("version", s.version());
            set.put("commit", s.commit());
            set.put("digest", Map.of("sha256", s.digest()));
            set.put("policies", s.policies().stream().map(p -> (Object) ordered("name", p.name(), "version", p.version(),
                    "file", p.file(), "digest", Map.of("sha256", p.digest()))).toList());
            return (Object) set;
        }).toList());
        predicate.put("trustedModuleSigners", v.moduleSigners().stream().map(Verification::signer).toList());
        predicate.put("verifiedOn", v.date());
        predicate.put("failOn", v.failOn());
        predicate.put("results", v.results().stream().map(r -> (Object) ordered("policy", r.policy(),
                "rule", r.rule(), "severity", r.severity(), "status", r.status())).toList());
        predicate.put("waivers", v.results().stream().filter(r -> r.waiverExpires() != null).map(r -> (Object) ordered(
                "policy", r.policy(), "rule", r.rule(), "reason", r.waiverReason(), "approvedBy", r.waiverApprovedBy(),
                "expires", r.waiverExpires())).toList());
        predicate.put("facts", Map.of("digest", Map.of("sha256", v.factsDigest())));
        if (node != null) {
            predicate.put("node", node);
        }
        predicate.put("tool", ordered("name", "nodeimage", "version", Version.current()));
        predicate.put("git", now.git().map(g -> (Object) git(g)).orElse(null));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("_type", STATEMENT_TYPE);
        out.put("subject", List.of(subject));
        out.put("predicateType", PREDICATE_TYPE);
        out.put("predicate", predicate);
        return Json.write(out) + "\n";
    }

    private static Map<String, Object> git(GitProvenance g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("commit", g.commit());
        out.put("branch", g.branch());
        out.put("describe", g.describe());
        out.put("remote", g.remoteUrl());
        out.put("dirty", g.dirty());
        out.put("dirtyPaths", g.dirtyPaths());
        out.put("blobs", new java.util.TreeMap<String, Object>(g.blobs()));
        return out;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    static String hex(String digest) {
        return digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
    }

    /** Thrown for certificates that cannot be read at all. */
    static ConfigurationException unreadable(String shown, String why) {
        return new ConfigurationException("the certificate " + shown + " cannot be read: " + why,
                "name a certificate.intoto.json written by nodeimage:certify (-Dnodeimage.certificate=...)");
    }
}
