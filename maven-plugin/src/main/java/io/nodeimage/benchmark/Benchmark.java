package io.nodeimage.benchmark;

import static io.nodeimage.yaml.Syntax.DATE;
import static io.nodeimage.yaml.Syntax.NAME;
import static io.nodeimage.yaml.Syntax.TEXT;
import static io.nodeimage.yaml.Syntax.WEB_URL;
import static io.nodeimage.yaml.Syntax.WORD;

import io.nodeimage.profile.Profile;
import io.nodeimage.yaml.Doc;
import io.nodeimage.yaml.Required;
import io.nodeimage.yaml.Shape;
import io.nodeimage.yaml.YamlEnum;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One version of one security benchmark, as far as nodeimage touches it: the sections it works in, with
 * how many items each has per level, and the items that are kernel module, sysctl or SSH server plumbing,
 * each marked applied or not (and why not). Loaded from the catalog by {@link Benchmarks}; the numbers and
 * titles are the benchmark's, read from the source the file cites.
 */
@Doc("A security benchmark's items that nodeimage touches, and what nodeimage does with each.")
public record Benchmark(
        @Required @Doc("Always nodeimage/v1.") String apiVersion,
        @Required @Doc("Always Benchmark.") String kind,
        @Required @Doc("The table's id; equal to its file name without .yaml.") @Shape(NAME) String id,
        @Required @Doc("The benchmark's name, as its publisher writes it.") String title,
        @Required @Doc("The benchmark's version, such as v1.0.0.") @Shape(WORD) String version,
        @Required @Doc("How policies and plans name its items: CIS-UBUNTU2404 names item 1.1.1.1 "
                + "CIS-UBUNTU2404-1.1.1.1, in the plan, the rendered files and the bundled policies alike.")
        @Shape(WORD) String ruleIdPrefix,
        @Required @Doc("The operating system the benchmark is for.") AppliesTo appliesTo,
        @Required @Doc("Where the ids, titles, levels and counts were read.") Source source,
        @Required @Doc("The sections nodeimage works in, with their item counts.") List<Section> sections,
        @Required @Doc("The module, sysctl and SSH items of those sections.") List<Item> items) {

    public Benchmark {
        sections = sections == null ? List.of() : List.copyOf(sections);
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** The benchmark and its version, as the output names it: "CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0". */
    public String name() {
        return title + " " + version;
    }

    /** The id policies give one of its items, such as CIS-UBUNTU2404-1.1.1.1: one benchmark, one id everywhere. */
    public String ruleId(Item item) {
        return ruleIdPrefix + "-" + item.id();
    }

    /** The full citation of one of its items: its rule id, then benchmark, version and item number. */
    public String cite(Item item) {
        return ruleId(item) + " (" + name() + " " + item.id() + ")";
    }

    public Optional<Item> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The listed section an item id belongs to: the longest section id it starts with. */
    public Optional<Section> sectionOf(String itemId) {
        return sections.stream().filter(s -> itemId.startsWith(s.id() + "."))
                .max((a, b) -> Integer.compare(a.id().length(), b.id().length()));
    }

    /** Whether this benchmark is the one for an OS: same family, and the release is the one named or a point release of it. */
    public boolean appliesTo(Profile.Os os) {
        return os.family() == appliesTo.family()
                && (os.release().equals(appliesTo.release()) || os.release().startsWith(appliesTo.release() + "."));
    }

    public record AppliesTo(
            @Required @Doc("ubuntu, rhel or debian.") Profile.Family family,
            @Required @Doc("The release, such as 24.04 or 9; point releases (9.6) match it.") @Shape(WORD) String release) {
    }

    public record Source(
            @Required @Doc("What was read: the benchmark and version, and the document that maps it.") String title,
            @Required @Doc("Where it was read.") @Shape(WEB_URL) String url,
            @Required @Doc("The day it was read, YYYY-MM-DD.") @Shape(DATE) String read) {
    }

    public record Section(
            @Required @Doc("The section number, such as 1.1.1 or 5.1.") @Shape(WORD) String id,
            @Required @Doc("How many items of the section are level 1 server items.") Integer level1Items,
            @Required @Doc("How many items of the section are level 2 server items only.") Integer level2Items) {
    }

    public enum Kind implements YamlEnum {
        MODULE, SYSCTL, SSH
    }

    public enum Status implements YamlEnum {
        APPLIED, NOT_APPLIED
    }

    public record Item(
            @Required @Doc("The item number, such as 1.1.1.1.") @Shape(WORD) String id,
            @Required @Doc("The item's title in the benchmark.") String title,
            @Required @Doc("1 for a level 1 server item, 2 for a level 2 server item.") Integer level,
            @Required @Doc("module, sysctl or ssh.") Kind kind,
            @Doc("What the item sets: module name to 'disabled', sysctl key to value, or sshd keyword to value.")
            Map<@Shape(WORD) String, String> settings,
            @Doc("The SCAP Security Guide rules that check the item, by short id.") List<@Shape(WORD) String> rules,
            @Required @Doc("applied or not-applied: whether nodeimage writes the item's settings.") Status nodeimage,
            @Doc("Why nodeimage does not apply the item; required when not-applied.") @Shape(TEXT) String why,
            @Doc("A public source for the reason.") @Shape(WEB_URL) String whySource,
            @Doc("The item must stay unapplied: other tools applying the same benchmark (an OpenSCAP remediation) are told to skip its rules.")
            Boolean keepOutOfRemediation,
            @Doc("A remark on the value chosen.") String note) {

        public Item {
            settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            rules = rules == null ? List.of() : List.copyOf(rules);
            keepOutOfRemediation = keepOutOfRemediation != null && keepOutOfRemediation;
        }

        public boolean applied() {
            return nodeimage == Status.APPLIED;
        }
    }
}
