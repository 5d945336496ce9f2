package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.job.RenderOptions;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * What PDF/A-2b costs: the {@link BenchCorpus} (60 documents) parsed once, then rendered by one
 * renderer with the {@code pdfa} option on (the default) and off, the two turning about document by
 * document (which goes first alternates), over {@code --rounds} shuffled rounds after
 * {@code --warmup} untimed ones. Render time is the wall time of {@link PdfRenderer#render}; bytes
 * are the PDF's size (the same every round).
 *
 * <pre>
 *   bench/pipeline pdfa [--warmup 3] [--rounds 7]
 * </pre>
 */
public final class PdfABenchmark {
    private static final RenderOptions ON = RenderOptions.NONE;
    private static final RenderOptions OFF = RenderOptions.parse(Map.of(RenderOptions.PDFA, "off"));

    private PdfABenchmark() {
    }

    public static void main(String[] args) {
        int[] wr = ConvertBenchmark.warmupAndRounds(args);
        int warmup = wr[0];
        int rounds = wr[1];
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = os.getSystemLoadAverage();
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        List<ConvertBenchmark.Prepared> prepared = ConvertBenchmark.prepare(converter, BenchCorpus.documents());
        int n = prepared.size();
        double[] bytesOn = new double[n];
        double[] bytesOff = new double[n];
        for (int w = 0; w < warmup; w++) {
            for (int d = 0; d < n; d++) {
                bytesOn[d] = renderer.render(prepared.get(d).xhtml(), prepared.get(d).info(), ON).bytes().length;
                bytesOff[d] = renderer.render(prepared.get(d).xhtml(), prepared.get(d).info(), OFF).bytes().length;
            }
        }
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order, new Random(r));
            for (int i = 0; i < n; i++) {
                ConvertBenchmark.Prepared p = prepared.get(order.get(i));
                double a;
                double b;
                if ((r + i) % 2 == 0) {
                    a = time(renderer, p, ON);
                    b = time(renderer, p, OFF);
                } else {
                    b = time(renderer, p, OFF);
                    a = time(renderer, p, ON);
                }
                on.add(a);
                off.add(b);
                ratios.add(a / b);
            }
        }
        double loadAfter = os.getSystemLoadAverage();
        Stats sOn = Stats.of(on);
        Stats sOff = Stats.of(off);
        Stats bOn = Stats.of(bytesOn);
        Stats bOff = Stats.of(bytesOff);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d documents, %d warm-up rounds, %d timed rounds (%d samples each); "
                        + "%d CPUs, Java %s; load average %.2f before, %.2f after.%n%n", n, warmup, rounds, on.size(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadBefore, loadAfter));
        out.append("| render | median ms | p90 ms | PDF bytes median | PDF bytes total |\n|---|---:|---:|---:|---:|\n");
        out.append(String.format(Locale.ROOT, "| PDF/UA-1 + PDF/A-2b (default) | %s | %s | %s | %s |%n",
                Stats.f1(sOn.median()), Stats.f1(sOn.percentile(0.9)), Stats.f0(bOn.median()), Stats.f0(bOn.sum())));
        out.append(String.format(Locale.ROOT, "| PDF/UA-1 only (`pdfa: off`) | %s | %s | %s | %s |%n",
                Stats.f1(sOff.median()), Stats.f1(sOff.percentile(0.9)), Stats.f0(bOff.median()), Stats.f0(bOff.sum())));
        out.append(String.format(Locale.ROOT, "%nPDF/A on ÷ off: render time median of per-sample ratios **%.2f×** "
                        + "(p10 %.2f×, p90 %.2f×); bytes +%s per PDF (the sRGB profile and XMP), total %.2f×.%n",
                Stats.of(ratios).median(), Stats.of(ratios).percentile(0.1), Stats.of(ratios).percentile(0.9),
                Stats.f0(bOn.median() - bOff.median()), bOn.sum() / bOff.sum()));
        System.out.print(out);
    }

    private static double time(PdfRenderer renderer, ConvertBenchmark.Prepared p, RenderOptions options) {
        long t0 = System.nanoTime();
        renderer.render(p.xhtml(), p.info(), options);
        return (System.nanoTime() - t0) / 1e6;
    }
}
