package dev.docpipe.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function's artifact, at the path its CodeUri names, and the runtime layer every function gets
 * (built by those modules' package phase, before this module's integration tests): together they hold
 * the handler and what it needs, none of the test-only stand-ins, emulators or unused HTTP clients,
 * no class twice, and each file stays under 25 MB.
 */
class ArtifactsIT {
    /** In no artifact: stand-ins, emulators, test libraries, the SDK's other HTTP clients. */
    private static final List<String> NEVER = List.of("dev/docpipe/standins/", "dev/docpipe/local/", "org/gaul/s3proxy/",
            "org/elasticmq/", "com/amazonaws/services/dynamodbv2/", "redis/embedded/", "io/zonky/",
            "software/amazon/awssdk/http/nio/netty/", "software/amazon/awssdk/http/apache/",
            "software/amazon/awssdk/http/apache5/", "org/apache/hc/", "org/junit/", "org/assertj/", "org/yaml/snakeyaml/",
            "org/testcontainers/", "org/slf4j/simple/");

    /** Libraries only some functions need, and which those are. */
    private static final Map<String, Set<String>> ONLY_IN = Map.of(
            "com/openhtmltopdf/", Set.of("RenderFunction", "ParseFunction"), // parse: its CSS parser, for @page
            "org/htmlunit/cssparser/", Set.of("ParseFunction"),
            "org/apache/pdfbox/", Set.of("RenderFunction"),
            "fonts/", Set.of("RenderFunction"),
            "org/commonmark/", Set.of("ParseFunction"),
            "org/jsoup/", Set.of("ParseFunction", "RenderFunction"),
            "dashboard/", Set.of("StatusFunction"));

    /** The largest artifact must stay under 25 MB (decimal; docs/benchmarks.md lists the sizes). */
    static final long LIMIT_BYTES = 25_000_000L;
    /** The layers every function runs with, and the jar each holds under java/lib/. */
    static final Map<String, String> LAYERS = Map.of("RuntimeLayer", "docpipe-runtime.jar", "RedisLayer", "docpipe-redis.jar");

    @Test
    void everyCodeUriIsAJarWithItsHandlerAndOnlyWhatItNeeds() throws IOException {
        Template.Resolved t = Template.load().resolveDefaults();
        List<String> problems = new ArrayList<>();
        Set<String> inLayer = new HashSet<>();
        for (Map.Entry<String, String> l : LAYERS.entrySet()) {
            Path layer = Template.ROOT.resolve(String.valueOf(t.properties(l.getKey()).get("ContentUri")))
                    .resolve("java/lib/" + l.getValue());
            List<String> layerEntries = entries(layer);
            layerEntries.stream().filter(e -> e.endsWith(".class") && inLayer.contains(e)).findFirst()
                    .ifPresent(e -> problems.add(l.getKey() + ": " + e + " is in another layer too"));
            inLayer.addAll(layerEntries);
            problems.addAll(sizeAndForbidden(l.getKey(), layer, layerEntries));
        }
        for (String fn : t.functions()) {
            Map<String, Object> f = t.function(fn);
            for (String layerName : LAYERS.keySet()) {
                if (!Template.list(f.get("Layers")).contains(layerName)) {
                    problems.add(fn + ": does not run with the layer " + layerName);
                }
            }
            Path jar = Template.ROOT.resolve(String.valueOf(f.get("CodeUri")));
            if (!Files.isRegularFile(jar)) {
                problems.add(fn + ": no artifact at " + jar + " (./mvnw package builds it)");
                continue;
            }
            List<String> own = entries(jar);
            problems.addAll(sizeAndForbidden(fn, jar, own));
            Set<String> all = new HashSet<>(inLayer);
            all.addAll(own);
            String handlerEntry = String.valueOf(f.get("Handler")).split("::")[0].replace('.', '/') + ".class";
            if (!own.contains(handlerEntry)) {
                problems.add(fn + ": " + jar.getFileName() + " lacks its handler " + handlerEntry);
            }
            for (String required : List.of("dev/docpipe/config/Config.class", "com/amazonaws/services/lambda/runtime/RequestHandler.class",
                    "ch/qos/logback/classic/Logger.class", "logback.xml", "dev/docpipe/logging/JsonLogEncoder.class",
                    "io/lettuce/core/RedisClient.class")) {
                if (!all.contains(required)) {
                    problems.add(fn + ": neither its artifact nor the layer holds " + required);
                }
            }
            own.stream().filter(e -> e.endsWith(".class") && inLayer.contains(e)).findFirst()
                    .ifPresent(e -> problems.add(fn + ": " + e + " is both in its artifact and in the layer"));
            ONLY_IN.forEach((prefix, owners) -> {
                boolean has = all.stream().anyMatch(e -> e.startsWith(prefix));
                if (has != owners.contains(fn)) {
                    problems.add(fn + ": " + (has ? "gets " : "lacks ") + prefix);
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> sizeAndForbidden(String what, Path jar, List<String> entries) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String prefix : NEVER) {
            entries.stream().filter(e -> e.startsWith(prefix)).findFirst()
                    .ifPresent(e -> problems.add(what + ": " + jar.getFileName() + " contains " + e));
        }
        long size = Files.size(jar);
        System.out.printf("%-20s %-26s %,12d bytes%n", what, jar.getFileName(), size);
        if (size >= LIMIT_BYTES) {
            problems.add(what + ": " + jar.getFileName() + " is " + size + " bytes, not under " + LIMIT_BYTES);
        }
        return problems;
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).filter(n -> !n.endsWith("/")).toList();
        }
    }
}
