package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * A policy with where it came from: its file, the SHA-256 of the file's bytes (empty when the policy
 * was not read from a file; with trusted certificates, a digest over the file and each certificate
 * file, so a changed certificate changes the policy's digest), the line of each rule and waiver for
 * reports, and the certificates its rules trust.
 */
public record LoadedPolicy(Policy policy, String file, String digest, Map<String, Location> ruleLocations,
                           Map<Integer, Location> waiverLocations, List<TrustedCertificate> certificates) {

    /** The kind of a file that holds only waivers, of rules in any policy a run judges. */
    public static final String WAIVERS = "Waivers";

    public LoadedPolicy {
        ruleLocations = Map.copyOf(ruleLocations);
        waiverLocations = Map.copyOf(waiverLocations);
        certificates = List.copyOf(certificates);
    }

    public LoadedPolicy(Policy policy, String file, String digest, Map<String, Location> ruleLocations,
                        Map<Integer, Location> waiverLocations) {
        this(policy, file, digest, ruleLocations, waiverLocations, List.of());
    }

    LoadedPolicy withDigest(String sha256) {
        return new LoadedPolicy(policy, file, sha256, ruleLocations, waiverLocations, certificates);
    }

    /** A waiver file: no rules of its own, waivers of rules anywhere. */
    public boolean waiversOnly() {
        return WAIVERS.equals(policy.kind());
    }

    /** The certificates a rule names, from this policy's trusted certificate files. */
    public List<TrustedCertificate> certificates(List<String> files) {
        return certificates.stream().filter(c -> files.contains(c.file())).toList();
    }
}
