package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.util.Map;

/** A policy with where it came from: its file, and the line of each rule and waiver for reports. */
public record LoadedPolicy(Policy policy, String file, Map<String, Location> ruleLocations,
                           Map<Integer, Location> waiverLocations) {

    public LoadedPolicy {
        ruleLocations = Map.copyOf(ruleLocations);
        waiverLocations = Map.copyOf(waiverLocations);
    }
}
