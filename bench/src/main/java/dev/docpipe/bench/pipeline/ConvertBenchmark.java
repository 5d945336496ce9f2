package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.render.pdf.RenderedPdf;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The parse and render stages on their own, one document at a time on one thread, over the
 * {@link BenchCorpus} (60 documents). A bench command rather than JMH: what is wanted is the
 * distribution over documents (median, p90), and the two renderers measured turn about, document by
 * document, in one JVM.
 *
 * <p>Procedure: parse every document once (XHTML for the renders); {@code --warmup} untimed rounds
 * over the corpus (parse, render with the bundled fonts, render with the built-in fonts); then
 * {@code --rounds} timed rounds, each over the corpus in a different shuffled order, each document
 * parsed, then rendered by both renderers, which goes first alternating. Every sample is the wall
 * time of one call: {@link DocumentConverter#convert} for parse, {@link PdfRenderer#render} for render
 * (which includes starting its worker thread and saving the PDF, as in production). No S3, SQS or
 * store: the pure stage work. Percentiles are over all samples (documents × rounds); docs/s is
 * samples ÷ their summed time, i.e. one thread back to back.
 *
 * <pre>
 *   bench/pipeline convert [--warmup 3] [--rounds 7]
 * </pre>
 */
public final class ConvertBenchmark {
    private ConvertBenchmark() {
    }

    record Prepared(BenchCorpus.Doc doc, String xhtml, DocumentInfo info) {
    }

    /** {@code --warmup N} and {@code --rounds N} (defaults 3 and 7), the arguments of the render benches. */
    static int[] warmupAndRounds(String[] args) {
        int warmup = 3;
        int rounds = 7;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --warmup N, --rounds N)");
            }
        }
        return new int[]{warmup, rounds};
    }

    /** Each document parsed once; title and language from the parse metadata, the owner as author, as RenderService does. */
    static List<Prepared> prepare(DocumentConverter converter, List<BenchCorpus.Doc> docs) {
        List<Prepared> prepared = new ArrayList<>();
        for (BenchCorpus.Doc doc : docs) {
            ParsedDocument parsed = converter.convert(doc.content(), null, doc.name(), null);
            prepared.add(new Prepared(doc, parsed.xhtml(), new DocumentInfo(parsed.metadata().title(), "bench",
                    parsed.metadata().language(), doc.name())));
        }
        return prepared;
    }

    public static void main(String[] args) {
        // s3proxy brings logback onto the classpath next to slf4j-simple; without a configuration it
        // would log every DEBUG line: pick slf4j-simple, warnings only
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int[] wr = warmupAndRounds(args);
        int warmup = wr[0];
        int rounds = wr[1];
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = os.getSystemLoadAverage();
        long started = System.nanoTime();

        List<BenchCorpus.Doc> docs = BenchCorpus.documents();
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        long c0 = System.nanoTime();
        PdfRenderer bundled = new PdfRenderer(RenderLimits.defaults());
        long c1 = System.nanoTime();
        PdfRenderer builtIn = PdfRenderer.withBuiltInFontsOnly(RenderLimits.defaults());

        List<Prepared> prepared = prepare(converter, docs);
        long inputBytes = 0;
        for (BenchCorpus.Doc doc : docs) {
            inputBytes += doc.content().length;
        }

        int n = docs.size();
        int[] pagesBundled = new int[n];
        int[] pagesBuiltIn = new int[n];
        long[] pdfBytesBundled = new long[n];
        for (int w = 0; w < warmup; w++) {
            for (int d = 0; d < n; d++) {
                Prepared p = prepared.get(d);
                converter.convert(p.doc().content(), null, p.doc().name(), null);
                RenderedPdf a = bundled.render(p.xhtml(), p.info());
                RenderedPdf b = builtIn.render(p.xhtml(), p.info());
                pagesBundled[d] = a.pages();
                pdfBytesBundled[d] = a.bytes().length;
                pagesBuiltIn[d] = b.pages();
            }
        }
        long warmedUp = System.nanoTime();

        double[][] parse = new double[n][rounds];
        double[][] renderBundled = new double[n][rounds];
        double[][] renderBuiltIn = new double[n][rounds];
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            order.add(d);
        }
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order, new Random(r));
            for (int i = 0; i < n; i++) {
                int d = order.get(i);
                Prepared p = prepared.get(d);
                long t0 = System.nanoTime();
                converter.convert(p.doc().content(), null, p.doc().name(), null);
                long t1 = System.nanoTime();
                parse[d][r] = ms(t1 - t0);
                if ((r + i) % 2 == 0) {
                    renderBundled[d][r] = timeRender(bundled, p);
                    renderBuiltIn[d][r] = timeRender(builtIn, p);
                } else {
                    renderBuiltIn[d][r] = timeRender(builtIn, p);
                    renderBundled[d][r] = timeRender(bundled, p);
                }
            }
        }
        long finished = System.nanoTime();
        double loadAfter = os.getSystemLoadAverage();

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## ConvertBenchmark%n%n"));
        out.append(String.format(Locale.ROOT,
                "%d documents (%d KB of input), %d warm-up rounds, %d timed rounds (%d samples per stage); "
                        + "%d CPUs, max heap %d MB, Java %s; load average %.2f before, %.2f after; "
                        + "%.0f s in all (warm-up %.0f s). Bundled-font renderer constructor: %.0f ms.%n%n",
                n, inputBytes / 1024, warmup, rounds, n * rounds, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), loadBefore, loadAfter,
                (finished - started) / 1e9, (warmedUp - c1) / 1e9, ms(c1 - c0)));

        out.append("| stage (one thread) | median ms | p90 ms | max ms | docs/s |\n|---|---:|---:|---:|---:|\n");
        row(out, "parse (`DocumentConverter.convert`)", all(parse));
        row(out, "render, bundled Unicode fonts (production: tagged PDF)", all(renderBundled));
        row(out, "render, built-in PDF fonts only (untagged)", all(renderBuiltIn));
        Stats b = Stats.of(all(renderBundled));
        Stats bi = Stats.of(all(renderBuiltIn));
        double[] perDoc = new double[n];
        for (int d = 0; d < n; d++) {
            perDoc[d] = Stats.of(renderBundled[d]).median() / Stats.of(renderBuiltIn[d]).median();
        }
        Stats ratios = Stats.of(perDoc);
        out.append(String.format(Locale.ROOT, "%nRender median, bundled ÷ built-in: **%.2f×** (requirement: ≤ 3×). "
                        + "Per document (median of each document's rounds, bundled ÷ built-in): median %.2f×, "
                        + "p90 %.2f×, max %.2f×.%n",
                b.median() / bi.median(), ratios.median(), ratios.percentile(0.9), ratios.max()));
        List<Integer> latin = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            if (docs.get(d).script() == BenchCorpus.Script.LATIN) {
                latin.add(d);
            }
        }
        double latinRatio = Stats.of(all(renderBundled, latin)).median() / Stats.of(all(renderBuiltIn, latin)).median();
        Stats latinPerDoc = Stats.of(latin.stream().mapToDouble(d -> perDoc[d]).toArray());
        out.append(String.format(Locale.ROOT, "Latin documents only (the built-in fonts have no Greek, Cyrillic or CJK "
                        + "glyphs: other scripts come out as `#`, through a slower path, so only Latin compares like "
                        + "with like): **%.2f×**; per document median %.2f×, p90 %.2f×, max %.2f×.%n%n",
                latinRatio, latinPerDoc.median(), latinPerDoc.percentile(0.9), latinPerDoc.max()));

        out.append(String.format(Locale.ROOT, "Pages (bundled fonts): %d in all, per document median %.0f, max %d; "
                        + "PDF size median %.0f KB. Pages with built-in fonts: %d in all.%n%n",
                java.util.Arrays.stream(pagesBundled).sum(), Stats.of(toDoubles(pagesBundled)).median(),
                java.util.Arrays.stream(pagesBundled).max().orElse(0),
                Stats.of(java.util.Arrays.stream(pdfBytesBundled).mapToDouble(x -> x / 1024.0).toArray()).median(),
                java.util.Arrays.stream(pagesBuiltIn).sum()));

        breakdown(out, "script", docs, d -> d.script().name().toLowerCase(Locale.ROOT), parse, renderBundled,
                renderBuiltIn, pagesBundled);
        breakdown(out, "size", docs, d -> d.size().name().toLowerCase(Locale.ROOT), parse, renderBundled,
                renderBuiltIn, pagesBundled);
        breakdown(out, "format", docs, d -> d.format().wire(), parse, renderBundled, renderBuiltIn, pagesBundled);
        breakdown(out, "size, Latin documents only", docs,
                d -> d.script() == BenchCorpus.Script.LATIN ? d.size().name().toLowerCase(Locale.ROOT) : null,
                parse, renderBundled, renderBuiltIn, pagesBundled);
        System.out.print(out);
    }

    private static double timeRender(PdfRenderer renderer, Prepared p) {
        long t0 = System.nanoTime();
        renderer.render(p.xhtml(), p.info());
        return ms(System.nanoTime() - t0);
    }

    private static void row(StringBuilder out, String name, double[] samples) {
        Stats s = Stats.of(samples);
        out.append("| ").append(name).append(" | ").append(Stats.f1(s.median())).append(" | ")
                .append(Stats.f1(s.percentile(0.9))).append(" | ").append(Stats.f1(s.max())).append(" | ")
                .append(Stats.f0(s.count() / (s.sum() / 1000))).append(" |\n");
    }

    private static void breakdown(StringBuilder out, String by, List<BenchCorpus.Doc> docs,
                                  Function<BenchCorpus.Doc, String> key, double[][] parse, double[][] bundled,
                                  double[][] builtIn, int[] pages) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int d = 0; d < docs.size(); d++) {
            String k = key.apply(docs.get(d));
            if (k != null) {
                groups.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
            }
        }
        out.append("| by ").append(by).append(" | docs | pages (median) | parse median ms | render bundled median ms"
                + " | p90 | render built-in median ms | p90 | bundled ÷ built-in |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            Stats p = Stats.of(all(parse, g.getValue()));
            Stats b = Stats.of(all(bundled, g.getValue()));
            Stats bi = Stats.of(all(builtIn, g.getValue()));
            double[] pg = g.getValue().stream().mapToDouble(d -> pages[d]).toArray();
            out.append("| ").append(g.getKey()).append(" | ").append(g.getValue().size()).append(" | ")
                    .append(Stats.f0(Stats.of(pg).median())).append(" | ").append(Stats.f2(p.median())).append(" | ")
                    .append(Stats.f1(b.median())).append(" | ").append(Stats.f1(b.percentile(0.9))).append(" | ")
                    .append(Stats.f1(bi.median())).append(" | ").append(Stats.f1(bi.percentile(0.9))).append(" | ")
                    .append(Stats.f2(b.median() / bi.median())).append("× |\n");
        }
        out.append('\n');
    }

    private static double[] all(double[][] samples) {
        return java.util.Arrays.stream(samples).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double[] all(double[][] samples, List<Integer> docs) {
        return docs.stream().flatMapToDouble(d -> java.util.Arrays.stream(samples[d])).toArray();
    }

    private static double[] toDoubles(int[] values) {
        return java.util.Arrays.stream(values).asDoubleStream().toArray();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
