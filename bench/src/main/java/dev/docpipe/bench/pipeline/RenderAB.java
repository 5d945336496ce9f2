package dev.docpipe.bench.pipeline;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Render time of two builds side by side in one JVM, document by document: each build's
 * {@code docpipe-local.jar} in a class loader of its own, every document rendered by one and then
 * the other (the order swapping from one document and pass to the next), so that whatever else the
 * machine does at a given moment falls on both alike. One warm-up pass over all documents, then
 * {@code --passes} measured passes; per document and build the fastest of the measured passes.
 *
 * <pre>
 *   java -Xmx3g -cp bench/target/classes dev.docpipe.bench.pipeline.RenderAB --old OLD.jar --new NEW.jar \
 *       --dir DIR [--passes 3]
 * </pre>
 * The documents are parsed once, by the new build, and both builds render the same XHTML (as
 * {@link LimitBench} {@code --render-only} does). Prints per build the sum, median and mean of the
 * per-document times (ms), pages and PDF bytes, and the ratios old ÷ new.
 */
public final class RenderAB {
    private RenderAB() {
    }

    public static void main(String[] args) throws Exception {
        Path oldJar = null;
        Path newJar = null;
        Path dir = Path.of("bench/target/corpus");
        int passes = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--old" -> oldJar = Path.of(args[++i]);
                case "--new" -> newJar = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --old JAR, --new JAR, --dir DIR, --passes N)");
            }
        }
        if (oldJar == null || newJar == null) {
            throw new IllegalArgumentException("--old JAR and --new JAR are required");
        }
        List<Path> files = CorpusFiles.list(dir);
        Build old = new Build(oldJar);
        Build neu = new Build(newJar);
        List<Object[]> docs = new ArrayList<>();
        for (Path file : files) {
            String name = dir.relativize(file).toString();
            try {
                docs.add(neu.parse(Files.readAllBytes(file), name));
            } catch (Exception e) {
                System.err.println(name + ": not parsed (" + e.getClass().getSimpleName() + ")");
            }
        }
        int n = docs.size();
        long[][] best = {filled(n), filled(n)};
        long[][] pagesAndBytes = new long[2][2];
        int[] failed = new int[2];
        Build[] builds = {old, neu};
        for (int pass = 0; pass <= passes; pass++) {
            for (int d = 0; d < n; d++) {
                for (int k = 0; k < 2; k++) {
                    int b = (d + pass + k) % 2;
                    long start = System.nanoTime();
                    long[] result = builds[b].render(docs.get(d));
                    long took = System.nanoTime() - start;
                    if (result == null) {
                        if (pass == 0) {
                            failed[b]++;
                        }
                        best[b][d] = -1;
                        continue;
                    }
                    if (pass == 0) {
                        pagesAndBytes[b][0] += result[0];
                        pagesAndBytes[b][1] += result[1];
                    } else if (best[b][d] >= 0) {
                        best[b][d] = Math.min(best[b][d], took);
                    }
                }
            }
            System.err.println("pass " + pass + " done");
        }
        for (int d = 0; d < n; d++) {
            if (best[0][d] < 0 || best[1][d] < 0) {
                best[0][d] = -1;
                best[1][d] = -1;
            }
        }
        System.out.printf("%d documents from %s, %d measured passes (fastest per document), load average %s%n", n, dir,
                passes, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.println("| build | sum s | median ms | mean ms | pages | PDF MB | failed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        double[][] stats = new double[2][];
        for (int b = 0; b < 2; b++) {
            stats[b] = stats(best[b]);
            System.out.printf("| %s | %.1f | %.1f | %.1f | %d | %.1f | %d |%n", b == 0 ? "old" : "new", stats[b][0] / 1000,
                    stats[b][1], stats[b][2], pagesAndBytes[b][0], pagesAndBytes[b][1] / 1e6, failed[b]);
        }
        System.out.printf("old ÷ new: sum %.2f, median %.2f, mean %.2f%n", stats[0][0] / stats[1][0],
                stats[0][1] / stats[1][1], stats[0][2] / stats[1][2]);
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, Long.MAX_VALUE);
        return a;
    }

    /** Sum, median and mean in ms over the documents both builds rendered. */
    private static double[] stats(long[] nanos) {
        double[] ms = Arrays.stream(nanos).filter(v -> v >= 0 && v != Long.MAX_VALUE).mapToDouble(v -> v / 1e6).sorted().toArray();
        double sum = Arrays.stream(ms).sum();
        double median = ms.length == 0 ? 0 : ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
        return new double[]{sum, median, ms.length == 0 ? 0 : sum / ms.length};
    }

    /** One build's converter and renderer, reached by reflection through its own class loader. */
    private static final class Build {
        private final Object converter;
        private final Method convert;
        private final Object renderer;
        private final Method render;
        private final Constructor<?> info;
        private final Method pdfBytes;
        private final Method pdfPages;

        Build(Path jar) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> limits = loader.loadClass("dev.docpipe.function.parse.convert.ConvertLimits");
            Class<?> converterClass = loader.loadClass("dev.docpipe.function.parse.convert.DocumentConverter");
            converter = converterClass.getConstructor(limits).newInstance(limits.getMethod("defaults").invoke(null));
            convert = Arrays.stream(converterClass.getMethods())
                    .filter(m -> m.getName().equals("convert") && m.getParameterCount() == 4
                            && m.getParameterTypes()[0] == byte[].class && m.getParameterTypes()[2] == String.class)
                    .findFirst().orElseThrow(() -> new NoSuchMethodException("DocumentConverter.convert(byte[], format, String, String)"));
            Class<?> renderLimits = loader.loadClass("dev.docpipe.function.render.pdf.RenderLimits");
            Class<?> rendererClass = loader.loadClass("dev.docpipe.function.render.pdf.PdfRenderer");
            renderer = rendererClass.getConstructor(renderLimits).newInstance(renderLimits.getMethod("defaults").invoke(null));
            Class<?> infoClass = loader.loadClass("dev.docpipe.function.render.pdf.DocumentInfo");
            info = infoClass.getConstructor(String.class, String.class, String.class, String.class);
            render = rendererClass.getMethod("render", String.class, infoClass);
            Class<?> rendered = loader.loadClass("dev.docpipe.function.render.pdf.RenderedPdf");
            pdfBytes = rendered.getMethod("bytes");
            pdfPages = rendered.getMethod("pages");
        }

        /** {xhtml, title, language, name} */
        Object[] parse(byte[] bytes, String name) throws Exception {
            Object parsed = convert.invoke(converter, bytes, null, name, null);
            Object metadata = parsed.getClass().getMethod("metadata").invoke(parsed);
            return new Object[]{parsed.getClass().getMethod("xhtml").invoke(parsed),
                    metadata.getClass().getMethod("title").invoke(metadata),
                    metadata.getClass().getMethod("language").invoke(metadata), name};
        }

        /** {pages, bytes}, or null if the render failed */
        long[] render(Object[] doc) {
            try {
                Object pdf = render.invoke(renderer, doc[0], info.newInstance(doc[1], "bench", doc[2], doc[3]));
                return new long[]{((Number) pdfPages.invoke(pdf)).longValue(), ((byte[]) pdfBytes.invoke(pdf)).length};
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    }
}
