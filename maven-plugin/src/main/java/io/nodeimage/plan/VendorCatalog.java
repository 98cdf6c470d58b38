package io.nodeimage.plan;

import io.nodeimage.Digests;
import io.nodeimage.profile.Profile;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import io.nodeimage.yaml.SourceFiles;
import io.nodeimage.yaml.YNode;
import io.nodeimage.yaml.YamlBinder;
import io.nodeimage.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The vendor data a plan is made from: the catalog's files ({@value #CATALOG_ROOT} on the class path,
 * listed in its index.txt) and a project's own folder. A project's entry is found before the catalog's
 * for the same images, so a site adds a repository or a driver branch, or replaces one, without a new
 * plugin release. Loaded with the profiles' safe reader: every problem of every file, with its place.
 */
public final class VendorCatalog {

    public static final String CATALOG_ROOT = "nodeimage/vendor/";

    /** One loaded file: how it is shown in messages, and its data. */
    public record File(String shownAs, VendorData data) {
    }

    private static volatile VendorCatalog bundled;

    private final List<File> files;
    private final String digest;

    private VendorCatalog(List<File> files, String digest) {
        this.files = List.copyOf(files);
        this.digest = digest;
    }

    /** The catalog shipped with the plugin, loaded once. */
    public static VendorCatalog bundled() {
        VendorCatalog c = bundled;
        if (c == null) {
            c = load(null, null, VendorCatalog.class.getClassLoader());
            bundled = c;
        }
        return c;
    }

    /**
     * @param projectDirectory the project's vendor folder (every *.yaml in it); null or absent for none
     * @param shownFrom paths in messages are shown relative to this folder
     * @param catalog the class loader that sees the bundled catalog; null for none
     */
    public static VendorCatalog load(Path projectDirectory, Path shownFrom, ClassLoader catalog) {
        Problems problems = new Problems();
        List<File> files = new ArrayList<>();
        StringBuilder digestInput = new StringBuilder();
        if (projectDirectory != null && Files.isDirectory(projectDirectory)) {
            List<Path> paths;
            try (Stream<Path> s = Files.list(projectDirectory)) {
                paths = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
            } catch (IOException e) {
                throw new YamlException("cannot list the vendor folder " + projectDirectory, List.of(new Problem(
                        Location.startOf(projectDirectory.toString()), "", e.getMessage(), null)), "check its permissions");
            }
            for (Path p : paths) {
                String shown = SourceFiles.shown(p, shownFrom);
                try {
                    read(Files.readAllBytes(p), shown, problems, files, digestInput);
                } catch (IOException e) {
                    problems.add(Location.startOf(shown), "", "cannot read: " + e.getMessage(), "check the file's permissions");
                }
            }
        }
        if (catalog != null) {
            for (String name : SourceFiles.catalogNames(catalog, CATALOG_ROOT)) {
                String resource = CATALOG_ROOT + name + ".yaml";
                try (InputStream in = catalog.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("the vendor catalog lists " + name + " but has no " + resource);
                    }
                    read(in.readAllBytes(), "nodeimage-profiles:" + resource, problems, files, digestInput);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read the bundled " + resource, e);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new YamlException("vendor data has " + problems.size() + " problem(s)", problems.list(),
                    "fix the vendor data files named above (docs/profiles.md, 'Vendor data')");
        }
        return new VendorCatalog(files, Digests.sha256(digestInput.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void read(byte[] bytes, String shown, Problems problems, List<File> files, StringBuilder digest) {
        Problems own = new Problems();
        YNode root = SafeYaml.parse(bytes, shown, own);
        if (root != null) {
            if (!(root instanceof YNode.Mapping doc)) {
                own.add(root.location(), "", "vendor data is a YAML mapping, but this document is " + YNode.describe(root),
                        "start from the catalog's nodeimage/vendor files");
            } else {
                own.requireValue(doc, "apiVersion", "nodeimage/v1");
                own.requireValue(doc, "kind", "VendorData");
                VendorData data = new YamlBinder(own, false).bindDocument(root, VendorData.class);
                if (own.isEmpty()) {
                    files.add(new File(shown, data));
                }
            }
        }
        problems.addAll(own.list());
        digest.append(shown).append('\n').append(Digests.sha256(bytes)).append('\n');
    }

    /** Every file's name and content digest: part of what a render depends on. */
    public String digest() {
        return digest;
    }

    public List<File> files() {
        return files;
    }

    /** The repository of that name for the image, the project's first. */
    public Optional<VendorData.Repository> repository(String name, Profile.Os os) {
        return files.stream().flatMap(f -> f.data().repositories().stream())
                .filter(r -> r.name().equals(name) && r.target().matches(os, null)).findFirst();
    }

    /** Driver entries for the accelerator on the image, in lookup order. */
    public List<VendorData.Driver> drivers(Profile.Vendor vendor, Profile.Flavor flavor, Profile.Os os, Profile.GpuFamily gpu) {
        return files.stream().flatMap(f -> f.data().drivers().stream())
                .filter(d -> d.vendor() == vendor && d.flavor() == flavor && d.target().matches(os, gpu)).toList();
    }

    /** The add-ons of a feature for the image: every matching entry, project entries first. */
    public List<VendorData.Addon> addons(VendorData.Feature feature, Profile.Vendor vendor, Profile.Os os,
                                         Profile.GpuFamily gpu) {
        return files.stream().flatMap(f -> f.data().addons().stream())
                .filter(a -> a.feature() == feature && (a.vendor() == null || a.vendor() == vendor)
                        && a.target().matches(os, gpu)).toList();
    }

    /**
     * The kernel series of the image: the entry naming kernel.package, or the default kernel when the profile
     * names none; the project's first.
     */
    public Optional<VendorData.KernelSeries> kernel(Profile.Os os, String kernelPackage) {
        return files.stream().flatMap(f -> f.data().kernels().stream())
                .filter(k -> k.target().matches(os, null)
                        && (kernelPackage == null ? k.isDefault() : k.packages().contains(kernelPackage)))
                .findFirst();
    }

    /** What the vendor data knows about a platform feature's kernel needs, the project's first. */
    public Optional<VendorData.KernelFeature> kernelFeature(VendorData.PlatformFeature feature) {
        return files.stream().flatMap(f -> f.data().kernelFeatures().stream())
                .filter(k -> k.feature() == feature).findFirst();
    }

    /** The first tuning entry for the CPU or one of the GPU generations, the project's first. */
    public Optional<VendorData.Tuning> tuning(Profile.Cpu cpu, List<Profile.GpuFamily> gpus) {
        return files.stream().flatMap(f -> f.data().tuning().stream())
                .filter(t -> (cpu != null && t.cpus().contains(cpu)) || gpus.stream().anyMatch(t.gpus()::contains))
                .findFirst();
    }

    public Optional<VendorData.BranchNote> branchNote(Profile.Vendor vendor, String branch, Profile.Os os) {
        return files.stream().flatMap(f -> f.data().branches().stream())
                .filter(b -> b.vendor() == vendor && b.branch().equals(branch) && b.target().matches(os, null)).findFirst();
    }
}
