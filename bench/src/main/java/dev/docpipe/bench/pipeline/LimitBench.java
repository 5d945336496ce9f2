package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.render.pdf.RenderedPdf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The limit of the pipeline: the parse and render work alone (no S3, SQS or store), one
 * {@link DocumentConverter} and one {@link PdfRenderer} shared by {@code --threads} threads, over
 * every file of a directory (the realistic corpus {@code bench/corpus} builds). A cold pass (the
 * first in this JVM: class loading, JIT and font caches included) and then {@code --passes - 1}
 * warm passes; per pass the wall time, docs/s, per-document time (parse + render, median and
 * mean), the process's CPU time per document (mean only: the JVM reads the process's CPU time in
 * 10 ms steps; with one thread that is the documents' own work, JIT and GC included, and steadier
 * than wall time on a shared machine), pages, PDF bytes and failures by class.
 *
 * <p>It uses only the public API of the parse and render stages, so the same class runs against an
 * older build ({@code -cp bench/target/classes:old/docpipe-local.jar}) to compare the two.
 *
 * <pre>
 *   bench/pipeline limit [--dir bench/target/corpus] [--threads 2] [--passes 2] [--render-only]
 * </pre>
 * {@code --render-only}: the per-document time is the render call alone (parse done before the
 * clock starts), one thread recommended.
 */
public final class LimitBench {
    private LimitBench() {
    }

    private record Input(String name, byte[] content) {
    }

    private record Prepared(Input input, String xhtml, DocumentInfo info) {
    }

    /** @param cpuMs CPU time of the whole process meanwhile (render, JIT, GC): per document with one thread only */
    private record Result(double ms, double cpuMs, int pages, long bytes, String failure) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Path.of("bench/target/corpus");
        int threads = 2;
        int passes = 2;
        boolean renderOnly = false;
        String label = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--render-only" -> renderOnly = true;
                case "--label" -> label = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --dir DIR, --threads N, --passes N, --render-only, --label TEXT)");
            }
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        List<Input> inputs = read(dir);
        if (inputs.isEmpty()) {
            throw new IllegalStateException("no documents in " + dir + " (build the corpus with bench/corpus)");
        }
        long inputBytes = inputs.stream().mapToLong(in -> in.content().length).sum();
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        List<Prepared> prepared = null;
        if (renderOnly) {
            prepared = new ArrayList<>();
            for (Input in : inputs) {
                try {
                    prepared.add(prepare(converter, in));
                } catch (RuntimeException e) {
                    prepared.add(new Prepared(in, null, null));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## LimitBench %s%n%n%d documents (%d KB) from %s, %d thread(s), %s; "
                        + "%d CPUs, max heap %d MB, Java %s, load average %.2f%n%n",
                label, inputs.size(), inputBytes / 1024, dir, threads, renderOnly ? "render only" : "parse + render",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.append("| pass | wall s | docs/s | ms/doc median | ms/doc mean | CPU ms/doc mean | pages | PDF MB | failed |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        System.out.print(out);
        for (int pass = 0; pass < passes; pass++) {
            long t0 = System.nanoTime();
            List<Result> results = run(converter, renderer, inputs, prepared, threads);
            double wall = (System.nanoTime() - t0) / 1e9;
            double[] ms = results.stream().mapToDouble(Result::ms).toArray();
            Stats s = Stats.of(ms);
            Stats cpu = Stats.of(results.stream().mapToDouble(Result::cpuMs).toArray());
            Map<String, Integer> failures = new TreeMap<>();
            results.stream().filter(r -> r.failure() != null).forEach(r -> failures.merge(r.failure(), 1, Integer::sum));
            String row = String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %s |%n",
                    pass == 0 ? "cold" : "warm " + pass, wall, inputs.size() / wall, s.median(), s.mean(),
                    cpu.mean(),
                    results.stream().mapToInt(Result::pages).sum(),
                    results.stream().mapToLong(Result::bytes).sum() / 1048576.0,
                    failures.isEmpty() ? "0" : failures.toString());
            System.out.print(row);
            if (pass == 0) {
                System.out.printf(Locale.ROOT, "%ncold pass with JVM start: %.1f s%n%n",
                        (System.currentTimeMillis() - jvmStart) / 1000.0);
            }
        }
    }

    private static List<Result> run(DocumentConverter converter, PdfRenderer renderer, List<Input> inputs,
                                    List<Prepared> prepared, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Result[] results = new Result[inputs.size()];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                        results[i] = prepared == null ? one(converter, renderer, inputs.get(i))
                                : renderOne(renderer, prepared.get(i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return List.of(results);
    }

    private static Result one(DocumentConverter converter, PdfRenderer renderer, Input in) {
        long t0 = System.nanoTime();
        long c0 = OS.getProcessCpuTime();
        try {
            Prepared p = prepare(converter, in);
            RenderedPdf pdf = renderer.render(p.xhtml(), p.info());
            return new Result(ms(t0, System.nanoTime()), ms(c0, OS.getProcessCpuTime()), pdf.pages(),
                    pdf.bytes().length, null);
        } catch (RuntimeException e) {
            return new Result(ms(t0, System.nanoTime()), ms(c0, OS.getProcessCpuTime()), 0, 0,
                    e.getClass().getSimpleName());
        }
    }

    private static double ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e6;
    }

    private static Result renderOne(PdfRenderer renderer, Prepared p) {
        if (p.xhtml() == null) {
            return new Result(0, 0, 0, 0, "parse");
        }
        long t0 = System.nanoTime();
        long c0 = OS.getProcessCpuTime();
        try {
            RenderedPdf pdf = renderer.render(p.xhtml(), p.info());
            return new Result(ms(t0, System.nanoTime()), ms(c0, OS.getProcessCpuTime()), pdf.pages(),
                    pdf.bytes().length, null);
        } catch (RuntimeException e) {
            return new Result(ms(t0, System.nanoTime()), ms(c0, OS.getProcessCpuTime()), 0, 0,
                    e.getClass().getSimpleName());
        }
    }

    /** As the parse stage and RenderService do: title and language from the parse metadata. */
    private static Prepared prepare(DocumentConverter converter, Input in) {
        ParsedDocument parsed = converter.convert(in.content(), null, in.name(), null);
        return new Prepared(in, parsed.xhtml(), new DocumentInfo(parsed.metadata().title(), "bench",
                parsed.metadata().language(), in.name()));
    }

    private static List<Input> read(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("SOURCES.tsv"))
                    .sorted()
                    .map(p -> {
                        try {
                            return new Input(dir.relativize(p).toString(), Files.readAllBytes(p));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
