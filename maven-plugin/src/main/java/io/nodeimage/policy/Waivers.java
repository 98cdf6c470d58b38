package io.nodeimage.policy;

import io.nodeimage.yaml.Location;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Every waiver of a run, from policies and waiver files alike, each named by the full id of the rule it
 * waives. Chooses the waiver in force on a day, and says what is wrong or about to be: two in force for
 * one rule, one longer than allowed, one that expires soon.
 */
public final class Waivers {

    /**
     * Limits a site sets on waivers.
     *
     * @param warnDays warn when an applicable waiver expires within this many days; 0 never warns
     * @param maxDays refuse a waiver that runs longer than this from its start (or from the day judged,
     *     when it names no start); 0 for no limit
     */
    public record Limits(int warnDays, int maxDays) {
        public static final Limits NONE = new Limits(0, 0);
    }

    /** One waiver and where it was written. */
    public record Entry(String rule, Policy.Waiver waiver, String source, Location location) {

        boolean covers(String fullRule, String profile) {
            return rule.equals(fullRule) && Evaluator.matchesProfile(waiver.profiles(), profile);
        }

        boolean inForce(LocalDate day) {
            return !LocalDate.parse(waiver.expires()).isBefore(day)
                    && (waiver.from() == null || !LocalDate.parse(waiver.from()).isAfter(day));
        }

        String describe() {
            return rule + " (" + (location == null ? source : location.toString()) + ")";
        }
    }

    /** What the waivers say about one failing rule on one day. */
    public record Choice(Entry inForce, Entry expired, Entry notYet) {
    }

    private final List<Entry> entries;

    private Waivers(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Waivers of(List<LoadedPolicy> policies) {
        List<Entry> out = new ArrayList<>();
        for (LoadedPolicy lp : policies) {
            List<Policy.Waiver> ws = lp.policy().waivers();
            for (int i = 0; i < ws.size(); i++) {
                Policy.Waiver w = ws.get(i);
                String full = w.rule().contains("/") ? w.rule() : fullId(lp.policy().name(), w.rule());
                out.add(new Entry(full, w, lp.file(), lp.waiverLocations().get(i)));
            }
        }
        return new Waivers(out);
    }

    /**
     * How waivers, reports and certificates name a rule: policy/rule; a profile rule's id names its
     * policy already ({@code profile:sysctl/kernel.kptr_restrict}), and is its full id.
     */
    public static String fullId(String policy, String rule) {
        return ProfilePolicy.names(rule) ? rule : policy + "/" + rule;
    }

    public List<Entry> all() {
        return entries;
    }

    /**
     * The waiver in force for the rule and profile on the day; else the one that expired last, else the
     * one that starts soonest, so the message can say why none applies. Two in force is an error the
     * caller reports (see {@link #problems}); here the first listed is taken.
     */
    public Choice choose(String fullRule, String profile, LocalDate day) {
        Entry inForce = null;
        Entry expired = null;
        Entry notYet = null;
        for (Entry e : entries) {
            if (!e.covers(fullRule, profile)) {
                continue;
            }
            if (e.inForce(day)) {
                inForce = inForce == null ? e : inForce;
            } else if (LocalDate.parse(e.waiver().expires()).isBefore(day)) {
                if (expired == null || e.waiver().expires().compareTo(expired.waiver().expires()) > 0) {
                    expired = e;
                }
            } else if (notYet == null || e.waiver().from().compareTo(notYet.waiver().from()) < 0) {
                notYet = e;
            }
        }
        return new Choice(inForce, expired, notYet);
    }

    /**
     * Misconfigurations on the day for the profile: two waivers of one rule in force at once (which one
     * holds would depend on file order), and waivers longer than the limit.
     */
    public List<String> problems(String profile, LocalDate day, Limits limits) {
        return conflicts(day, limits, (a, b) -> Evaluator.matchesProfile(a.waiver().profiles(), profile)
                && Evaluator.matchesProfile(b.waiver().profiles(), profile));
    }

    /**
     * As {@link #problems}, for every profile at once (the lint): two waivers of a rule conflict when both
     * are in force and their profile lists could cover the same profile (either covers all, or they share
     * a glob).
     */
    public List<String> problemsForAnyProfile(LocalDate day, Limits limits) {
        return conflicts(day, limits, (a, b) -> a.waiver().profiles().isEmpty() || b.waiver().profiles().isEmpty()
                || a.waiver().profiles().stream().anyMatch(b.waiver().profiles()::contains));
    }

    private List<String> conflicts(LocalDate day, Limits limits, java.util.function.BiPredicate<Entry, Entry> together) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry a = entries.get(i);
            for (int j = i + 1; j < entries.size(); j++) {
                Entry b = entries.get(j);
                if (a.rule().equals(b.rule()) && a.inForce(day) && b.inForce(day) && together.test(a, b)) {
                    out.add("two waivers of " + a.rule() + " are in force on " + day + ": " + a.describe() + " and "
                            + b.describe() + "; delete the old one, or give the new one a 'from' day after the old "
                            + "one expires");
                }
            }
        }
        out.addAll(tooLong(day, limits));
        return out;
    }

    private List<String> tooLong(LocalDate day, Limits limits) {
        List<String> out = new ArrayList<>();
        if (limits.maxDays() > 0) {
            for (Entry e : entries) {
                LocalDate start = e.waiver().from() == null ? day : LocalDate.parse(e.waiver().from());
                long days = ChronoUnit.DAYS.between(start, LocalDate.parse(e.waiver().expires()));
                if (days > limits.maxDays() && !LocalDate.parse(e.waiver().expires()).isBefore(day)) {
                    out.add("the waiver of " + e.describe() + " runs " + days + " days from " + start + " to "
                            + e.waiver().expires() + ", longer than the " + limits.maxDays() + " days allowed; "
                            + "shorten it (nodeimage.waivers.maxDays sets the limit)");
                }
            }
        }
        return out;
    }

    /** Waivers that apply to the profile (any profile, for null) and expire within the warning window of the day. */
    public List<String> expiringSoon(String profile, LocalDate day, Limits limits) {
        List<String> out = new ArrayList<>();
        if (limits.warnDays() <= 0) {
            return out;
        }
        for (Entry e : entries) {
            if ((profile != null && !Evaluator.matchesProfile(e.waiver().profiles(), profile)) || !e.inForce(day)) {
                continue;
            }
            long left = ChronoUnit.DAYS.between(day, LocalDate.parse(e.waiver().expires()));
            if (left <= limits.warnDays()) {
                out.add("the waiver of " + e.describe() + " expires on " + e.waiver().expires() + ", in " + left
                        + (left == 1 ? " day" : " days") + "; renew it with its approver, or fix the image");
            }
        }
        return out;
    }
}
