package io.nodeimage.inspect;

import io.nodeimage.yaml.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Facts as JSON: keys in a fixed order, small maps with sorted keys (see {@link Json}). */
public final class FactsJson {

    private FactsJson() {
    }

    public static String write(Facts f) {
        return Json.write(tree(f)) + "\n";
    }

    /** The facts as the maps and lists {@link Json} writes, for documents that carry them inside. */
    public static Map<String, Object> tree(Facts f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", f.image());
        out.put("imageId", f.imageId());
        out.put("architecture", f.architecture());
        out.put("osRelease", f.osRelease());
        List<Object> kernels = new ArrayList<>();
        for (Facts.KernelTree k : f.kernels()) {
            Map<String, Object> kernel = new LinkedHashMap<>();
            kernel.put("version", k.version());
            kernel.put("path", k.path());
            kernel.put("aliases", k.aliases());
            kernel.put("builtin", k.builtin());
            kernel.put("config", new java.util.TreeMap<>(k.config()));
            if (k.builtInKeys() != null) {
                List<Object> keys = new ArrayList<>();
                k.builtInKeys().forEach(key -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("subject", key.subject());
                    m.put("sha256", key.sha256());
                    keys.add(m);
                });
                kernel.put("builtInKeys", keys);
            }
            List<Object> modules = new ArrayList<>();
            for (KernelModule m : k.modules()) {
                Map<String, Object> module = new LinkedHashMap<>();
                module.put("path", m.path());
                module.put("name", m.name());
                module.put("version", m.version());
                module.put("license", m.license());
                module.put("vermagic", m.vermagic());
                module.put("srcversion", m.srcversion());
                module.put("depends", m.depends());
                module.put("firmware", m.firmware());
                module.put("compression", m.compression().yamlName());
                module.put("signature", m.signature().map(s -> {
                    Map<String, Object> sig = new LinkedHashMap<>();
                    sig.put("signer", s.signer());
                    sig.put("keyId", s.keyId());
                    sig.put("hashAlgorithm", s.hashAlgorithm());
                    if (s.verification() != null) {
                        Map<String, Object> v = new LinkedHashMap<>();
                        v.put("status", s.verification().status().yamlName());
                        v.put("certificate", s.verification().certificate());
                        v.put("subject", s.verification().subject());
                        sig.put("verification", v);
                    }
                    return (Object) sig;
                }).orElse(null));
                modules.add(module);
            }
            kernel.put("modules", modules);
            kernels.add(kernel);
        }
        out.put("kernels", kernels);
        out.put("modprobeFiles", f.modprobeFiles());
        List<Object> states = new ArrayList<>();
        for (Facts.ModuleState s : f.modules()) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("module", s.module());
            state.put("kernel", s.kernel());
            state.put("state", s.state());
            state.put("blacklisted", s.blacklisted());
            state.put("install", s.install());
            state.put("installFrom", s.installFrom());
            state.put("reason", s.reason());
            if (s.modprobe() != null) {
                state.put("modprobe", s.modprobe());
            }
            state.put("options", s.options());
            // Only where there are options: the facts of an image without any stay byte for byte what they were.
            if (!s.optionsFrom().isEmpty()) {
                state.put("optionsFrom", s.optionsFrom());
            }
            state.put("softdep", s.softdep());
            states.add(state);
        }
        out.put("moduleStates", states);
        out.put("modulesLoad", f.modulesLoad());
        out.put("cmdline", f.cmdline().stream().map(c -> (Object) Map.of("path", c.path(), "text", c.text())).toList());
        Map<String, Object> sysctl = new LinkedHashMap<>();
        f.sysctl().forEach((k, v) -> sysctl.put(k, Map.of("value", v.value(), "file", v.file())));
        out.put("sysctl", sysctl);
        out.put("packages", f.packages().stream().map(p -> {
            Map<String, Object> pkg = new LinkedHashMap<>();
            pkg.put("name", p.name());
            pkg.put("version", p.version());
            pkg.put("architecture", p.architecture());
            return (Object) pkg;
        }).toList());
        out.put("enabledUnits", f.enabledUnits());
        out.put("maskedUnits", f.maskedUnits());
        out.put("firmware", f.firmware());
        out.put("drivers", f.drivers().stream().map(d -> {
            Map<String, Object> driver = new LinkedHashMap<>();
            driver.put("vendor", d.vendor());
            driver.put("module", d.module());
            driver.put("kernel", d.kernel());
            driver.put("version", d.version());
            driver.put("branch", d.branch());
            driver.put("flavor", d.flavor());
            driver.put("gspFirmware", d.gspFirmware());
            return (Object) driver;
        }).toList());
        out.put("files", f.files().stream().map(x -> {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", x.path());
            file.put("type", x.type());
            file.put("mode", x.mode());
            file.put("uid", x.uid());
            file.put("gid", x.gid());
            file.put("owner", x.owner());
            file.put("group", x.group());
            file.put("size", x.size());
            file.put("link", x.link());
            return (Object) file;
        }).toList());
        out.put("findings", f.findings().stream().map(x -> (Object) Map.of("path", x.path(), "message", x.message()))
                .toList());
        // Only a running node has this section: an image's facts.json stays byte for byte what it was, so
        // the facts digests earlier certificates carry still match.
        if (f.runtime() != null) {
            out.put("runtime", runtime(f.runtime()));
        }
        return out;
    }

    private static Map<String, Object> runtime(Facts.Runtime r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernelRelease", r.kernelRelease());
        out.put("taintMask", r.taintMask());
        out.put("taints", r.taints());
        out.put("modulesSupported", r.modulesSupported());
        out.put("loadedModules", r.loadedModules().stream().map(m -> {
            Map<String, Object> module = new LinkedHashMap<>();
            module.put("name", m.name());
            module.put("size", m.size());
            module.put("state", m.state());
            module.put("taints", m.taints());
            module.put("version", m.version());
            module.put("srcversion", m.srcversion());
            module.put("initstate", m.initstate());
            return (Object) module;
        }).toList());
        out.put("lockdown", r.lockdown());
        out.put("secureBoot", r.secureBoot());
        out.put("gpus", r.gpus().stream().map(g -> {
            Map<String, Object> gpu = new LinkedHashMap<>();
            gpu.put("vendor", g.vendor());
            gpu.put("bus", g.bus());
            gpu.put("model", g.model());
            gpu.put("firmware", g.firmware());
            gpu.put("vbios", g.vbios());
            gpu.put("persistence", g.persistence());
            gpu.put("mig", g.mig());
            gpu.put("ecc", g.ecc());
            gpu.put("virtualization", g.virtualization());
            return (Object) gpu;
        }).toList());
        out.put("nvidiaSmi", r.nvidiaSmi());
        out.put("imageTree", r.imageTree());
        // Written only when there is something: the runtime facts of earlier nodes keep their bytes.
        if (!r.moduleParameters().isEmpty()) {
            out.put("moduleParameters", new java.util.TreeMap<>(r.moduleParameters()));
        }
        if (r.resctrl() != null) {
            Map<String, Object> resctrl = new LinkedHashMap<>();
            resctrl.put("mountPoint", r.resctrl().mountPoint());
            resctrl.put("options", r.resctrl().options());
            resctrl.put("groups", r.resctrl().groups().stream().map(g -> {
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("name", g.name());
                group.put("schemata", g.schemata());
                return (Object) group;
            }).toList());
            out.put("resctrl", resctrl);
        }
        return out;
    }
}
