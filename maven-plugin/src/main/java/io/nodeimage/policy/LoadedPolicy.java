package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.util.Map;

/**
 * A policy with where it came from: its file, the SHA-256 of the file's bytes (empty when the policy
 * was not read from a file), and the line of each rule and waiver for reports.
 */
public record LoadedPolicy(Policy policy, String file, String digest, Map<String, Location> ruleLocations,
                           Map<Integer, Location> waiverLocations) {

    public LoadedPolicy {
        ruleLocations = Map.copyOf(ruleLocations);
        waiverLocations = Map.copyOf(waiverLocations);
    }

    LoadedPolicy withDigest(String sha256) {
        return new LoadedPolicy(policy, file, sha256, ruleLocations, waiverLocations);
    }
}
