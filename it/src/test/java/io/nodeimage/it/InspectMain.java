package io.nodeimage.it;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;

/**
 * Inspects one image and prints what came out, for tests that need inspect in a JVM of its own (a small
 * heap): "modules N", then "finding PATH: MESSAGE" lines.
 */
public final class InspectMain {

    private InspectMain() {
    }

    public static void main(String[] args) {
        Facts facts = InspectService.facts(args[0]);
        System.out.println("modules " + facts.kernels().stream().mapToInt(k -> k.modules().size()).sum());
        facts.findings().forEach(f -> System.out.println("finding " + f.path() + ": " + f.message()));
    }
}
