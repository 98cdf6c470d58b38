package io.nodeimage.it;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;

/**
 * Inspects one image and prints what came out, for tests that need inspect in a JVM of its own (a small
 * heap, or another DOCKER_HOST): "modules N", then "finding PATH: MESSAGE" lines; with a second argument,
 * the facts as JSON are written to that file too.
 */
public final class InspectMain {

    private InspectMain() {
    }

    public static void main(String[] args) {
        Facts facts = InspectService.facts(args[0]);
        System.out.println("modules " + facts.kernels().stream().mapToInt(k -> k.modules().size()).sum());
        facts.findings().forEach(f -> System.out.println("finding " + f.path() + ": " + f.message()));
        if (args.length > 1) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(args[1]), io.nodeimage.inspect.FactsJson.write(facts));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
