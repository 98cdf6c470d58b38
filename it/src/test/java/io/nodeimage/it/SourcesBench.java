package io.nodeimage.it;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.inspect.ModuleFactsCache;
import io.nodeimage.inspect.ModuleTrust;
import io.nodeimage.layers.Platform;
import io.nodeimage.layers.Registry;
import io.nodeimage.layers.RegistryCredentials;
import io.nodeimage.support.OciImages;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;

/**
 * Inspect time of one image per source against the floor of streaming the same bytes to /dev/null
 * (scripts/bench-sources.sh runs it): the engine's archive of the module tree (as docker cp sends it),
 * the docker save archive's bytes, the OCI layout's gzip blobs read and expanded, and the registry's
 * blobs fetched and expanded. Medians of N runs, module facts cache off, signatures not verified.
 * Arguments: image, work folder, runs, registry binary.
 */
public final class SourcesBench {

    private SourcesBench() {
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        Path work = Files.createDirectories(Path.of(args[1]));
        int runs = Integer.parseInt(args[2]);
        Path archive = work.resolve("image.tar");
        Path layout = work.resolve("layout");
        run("docker", "save", "-o", archive.toString(), image);
        if (!Files.isDirectory(layout)) {
            OciImages.layoutFromDockerArchive(archive, layout, "bench");
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path root = Files.createDirectories(work.resolve("registry"));
        Files.writeString(root.resolve("config.yml"), "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                + "    rootdirectory: " + root.resolve("data") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process registry = new ProcessBuilder(args[3], "serve", root.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("log").toFile()).start();
        try {
            Thread.sleep(1500);
            String ref = "127.0.0.1:" + port + "/bench/image:1";
            run("docker", "tag", image, ref);
            run("docker", "push", ref);
            Registry.Options options = new Registry.Options(Platform.host(), Set.of(), RegistryCredentials.NONE);
            Map<String, String> sources = new LinkedHashMap<>();
            sources.put("docker", image);
            sources.put("docker-archive", "docker-archive:" + archive);
            sources.put("oci", "oci:" + layout + ":bench");
            sources.put("registry", "docker://" + ref);
            Map<String, Callable<Long>> floors = new LinkedHashMap<>();
            floors.put("docker", () -> dockerCp(image));
            floors.put("docker-archive", () -> readAll(List.of(archive), false));
            floors.put("oci", () -> readAll(blobs(layout), true));
            floors.put("registry", () -> fetchAll(port, layout));
            System.out.println("source          inspect-ms  floor-ms  ratio   (median of " + runs + "; modules "
                    + modules(InspectService.facts(image)) + ")");
            for (Map.Entry<String, String> s : sources.entrySet()) {
                List<Long> inspect = new ArrayList<>();
                List<Long> floor = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    floor.add(floors.get(s.getKey()).call());
                    long start = System.nanoTime();
                    InspectService.facts(s.getValue(), Set.of(), ModuleTrust.NONE, ModuleFactsCache.DISABLED, options);
                    inspect.add((System.nanoTime() - start) / 1_000_000);
                }
                long in = median(inspect);
                long fl = median(floor);
                System.out.printf("%-15s %10d %9d %6.2f   inspect %s floor %s%n", s.getKey(), in, fl, (double) in / fl, inspect, floor);
            }
            run("docker", "rmi", ref);
        } finally {
            registry.destroy();
        }
    }

    private static int modules(Facts f) {
        return f.kernels().stream().mapToInt(k -> k.modules().size()).sum();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static long dockerCp(String image) throws Exception {
        String id = output("docker", "create", "--network", "none", image, "/bin/true").strip();
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder("docker", "cp", id + ":/usr/lib/modules", "-")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            run("docker", "rm", id);
        }
    }

    private static List<Path> blobs(Path layout) throws Exception {
        try (var s = Files.list(layout.resolve("blobs/sha256"))) {
            return s.filter(p -> {
                try {
                    return Files.size(p) > 1 << 20;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    private static long readAll(List<Path> files, boolean gunzip) throws Exception {
        long start = System.nanoTime();
        for (Path f : files) {
            try (InputStream in = gunzip ? new GZIPInputStream(Files.newInputStream(f), 1 << 16) : Files.newInputStream(f)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The same layer blobs the registry serves (pushed from the same image), fetched and expanded. */
    private static long fetchAll(int port, Path layout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/bench/image/manifests/1"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        long start = System.nanoTime();
        for (var l : manifest.get("layers")) {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v2/bench/image/blobs/" + l.get("digest").asText())).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = new GZIPInputStream(r.body(), 1 << 16)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void run(String... command) throws Exception {
        output(command);
    }

    private static String output(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
        return out;
    }
}
