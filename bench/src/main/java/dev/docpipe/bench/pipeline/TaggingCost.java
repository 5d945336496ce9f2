package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.render.pdf.RenderedPdf;
import dev.docpipe.job.RenderOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What PDF/UA tagging and PDF/A cost a render: every document of a corpus directory rendered, in one
 * JVM and one thread, as production renders it (tagged, PDF/A-2b), tagged without PDF/A, and untagged
 * ({@link PdfRenderer#untaggedForBenchmarks}); the three in rotated order per document, a warm-up pass
 * first, then the fastest of {@code --passes} passes per document and variant.
 *
 * <pre>
 *   bench/pipeline tagging [--dir bench/target/corpus] [--passes 2]
 * </pre>
 */
public final class TaggingCost {
    private static final String[] VARIANTS = {"tagged, PDF/A-2b (production)", "tagged, no PDF/A", "untagged"};

    private TaggingCost() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of("bench/target/corpus");
        int passes = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --dir DIR, --passes N)");
            }
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--passes must be at least 1");
        }
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        List<String> xhtml = new ArrayList<>();
        List<DocumentInfo> infos = new ArrayList<>();
        for (Path p : CorpusFiles.list(dir)) {
            String name = dir.relativize(p).toString();
            ParsedDocument parsed = converter.convert(Files.readAllBytes(p), null, name, null);
            xhtml.add(parsed.xhtml());
            infos.add(new DocumentInfo(parsed.metadata().title(), "bench", parsed.metadata().language(), name));
        }
        PdfRenderer tagged = new PdfRenderer(RenderLimits.defaults());
        PdfRenderer untagged = PdfRenderer.untaggedForBenchmarks(RenderLimits.defaults());
        RenderOptions noPdfA = new RenderOptions(null, null, null, null, null, null, null, null, null, false);
        int n = xhtml.size();
        double[][] best = new double[VARIANTS.length][n];
        long[][] bytes = new long[VARIANTS.length][n];
        int[][] pages = new int[VARIANTS.length][n];
        int[] failed = new int[VARIANTS.length];
        for (double[] b : best) {
            Arrays.fill(b, Double.MAX_VALUE);
        }
        for (int pass = 0; pass <= passes; pass++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < VARIANTS.length; k++) {
                    int v = (k + i + pass) % VARIANTS.length;
                    long start = System.nanoTime();
                    RenderedPdf pdf;
                    try {
                        pdf = switch (v) {
                            case 0 -> tagged.render(xhtml.get(i), infos.get(i), RenderOptions.NONE);
                            case 1 -> tagged.render(xhtml.get(i), infos.get(i), noPdfA);
                            default -> untagged.render(xhtml.get(i), infos.get(i), noPdfA);
                        };
                    } catch (RuntimeException e) {
                        if (pass == 0) {
                            failed[v]++;
                        }
                        continue;
                    }
                    double ms = (System.nanoTime() - start) / 1e6;
                    bytes[v][i] = pdf.bytes().length;
                    pages[v][i] = pdf.pages();
                    if (pass > 0) {
                        best[v][i] = Math.min(best[v][i], ms);
                    }
                }
            }
        }
        System.out.printf("%d documents of %s, fastest of %d passes after a warm-up pass, one thread%n%n", n, dir,
                passes);
        System.out.println("| variant | sum s | median ms | mean ms | ÷ production (mean) | pages | PDF MB | failed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        double productionMean = Double.NaN;
        for (int v = 0; v < VARIANTS.length; v++) {
            double[] rendered = Arrays.stream(best[v]).filter(ms -> ms != Double.MAX_VALUE).toArray();
            Stats s = Stats.of(rendered);
            if (v == 0) {
                productionMean = s.mean();
            }
            System.out.printf("| %s | %s | %s | %s | %s | %d | %s | %d |%n", VARIANTS[v], Stats.f1(s.sum() / 1000),
                    Stats.f1(s.median()), Stats.f1(s.mean()), Stats.f2(s.mean() / productionMean),
                    Arrays.stream(pages[v]).sum(), Stats.f1(Arrays.stream(bytes[v]).sum() / 1e6), failed[v]);
        }
    }
}
