package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.job.Format;
import dev.docpipe.job.RenderOptions;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What the author's CSS and PDF/A cost on the fidelity corpus ({@code corpus/fidelity/}, real-world
 * styled HTML): each document parsed twice — as it is, and with its {@code <style>} elements and
 * {@code style} attributes removed (docpipe's own stylesheet only, as before author CSS was kept) —
 * then rendered in four variants (author CSS on/off × PDF/A on/off), the four in a rotating order
 * document by document, over {@code --rounds} shuffled rounds after {@code --warmup} untimed ones.
 * Ratios are per document and round: author CSS on ÷ off (PDF/A on), PDF/A on ÷ off (author CSS on).
 *
 * <pre>
 *   bench/pipeline pdfa [--warmup 3] [--rounds 7]     (run after PdfABenchmark)
 * </pre>
 */
public final class FidelityBenchmark {
    static final Path CORPUS = Path.of("corpus", "fidelity");
    private static final RenderOptions PDFA_ON = RenderOptions.NONE;
    private static final RenderOptions PDFA_OFF = RenderOptions.parse(Map.of(RenderOptions.PDFA, "off"));

    private record Variant(String label, boolean css, RenderOptions options) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("author CSS, PDF/A-2b (default)", true, PDFA_ON),
            new Variant("author CSS, `pdfa: off`", true, PDFA_OFF),
            new Variant("no author CSS, PDF/A-2b", false, PDFA_ON),
            new Variant("no author CSS, `pdfa: off`", false, PDFA_OFF));

    private record Doc(String name, String withCss, DocumentInfo withCssInfo, String withoutCss, DocumentInfo withoutCssInfo) {
        String xhtml(Variant v) {
            return v.css() ? withCss : withoutCss;
        }

        DocumentInfo info(Variant v) {
            return v.css() ? withCssInfo : withoutCssInfo;
        }
    }

    private FidelityBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] wr = ConvertBenchmark.warmupAndRounds(args);
        int warmup = wr[0];
        int rounds = wr[1];
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = os.getSystemLoadAverage();
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).sorted().toList()) {
                String html = Files.readString(file);
                Document stripped = Jsoup.parse(html);
                stripped.select("style").remove();
                stripped.select("[style]").removeAttr("style");
                ParsedDocument with = converter.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, file.getFileName().toString(), null);
                ParsedDocument without = converter.convert(stripped.outerHtml().getBytes(StandardCharsets.UTF_8), Format.HTML,
                        file.getFileName().toString(), null);
                docs.add(new Doc(file.getFileName().toString(), with.xhtml(), info(with), without.xhtml(), info(without)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int n = docs.size();
        int k = VARIANTS.size();
        double[][] bytes = new double[k][n];
        for (int w = 0; w < warmup; w++) {
            for (int d = 0; d < n; d++) {
                for (int v = 0; v < k; v++) {
                    bytes[v][d] = renderer.render(docs.get(d).xhtml(VARIANTS.get(v)), docs.get(d).info(VARIANTS.get(v)),
                            VARIANTS.get(v).options()).bytes().length;
                }
            }
        }
        List<List<Double>> times = new ArrayList<>();
        VARIANTS.forEach(v -> times.add(new ArrayList<>()));
        List<Double> cssRatios = new ArrayList<>();
        List<Double> pdfaRatios = new ArrayList<>();
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order, new Random(r));
            for (int i = 0; i < n; i++) {
                Doc doc = docs.get(order.get(i));
                double[] t = new double[k];
                for (int j = 0; j < k; j++) {
                    int v = (r + i + j) % k; // which variant goes first rotates
                    Variant variant = VARIANTS.get(v);
                    long t0 = System.nanoTime();
                    renderer.render(doc.xhtml(variant), doc.info(variant), variant.options());
                    t[v] = (System.nanoTime() - t0) / 1e6;
                }
                for (int v = 0; v < k; v++) {
                    times.get(v).add(t[v]);
                }
                cssRatios.add(t[0] / t[2]);
                pdfaRatios.add(t[0] / t[1]);
            }
        }
        double loadAfter = os.getSystemLoadAverage();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nFidelity corpus: %d documents, %d warm-up rounds, %d timed rounds (%d samples "
                        + "per variant); %d CPUs, Java %s; load average %.2f before, %.2f after.%n%n", n, warmup, rounds,
                times.get(0).size(), Runtime.getRuntime().availableProcessors(), Runtime.version(), loadBefore, loadAfter));
        out.append("| render | median ms | p90 ms | PDF bytes median | PDF bytes total |\n|---|---:|---:|---:|---:|\n");
        for (int v = 0; v < k; v++) {
            Stats s = Stats.of(times.get(v));
            Stats b = Stats.of(bytes[v]);
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", VARIANTS.get(v).label(),
                    Stats.f1(s.median()), Stats.f1(s.percentile(0.9)), Stats.f0(b.median()), Stats.f0(b.sum())));
        }
        Stats css = Stats.of(cssRatios);
        Stats pdfa = Stats.of(pdfaRatios);
        out.append(String.format(Locale.ROOT, "%nAuthor CSS on ÷ off (PDF/A on), per pair: render time median **%.2f×** "
                        + "(p10 %.2f×, p90 %.2f×); bytes total %.2f×.%n", css.median(), css.percentile(0.1),
                css.percentile(0.9), Stats.of(bytes[0]).sum() / Stats.of(bytes[2]).sum()));
        out.append(String.format(Locale.ROOT, "PDF/A on ÷ off (author CSS on), per pair: render time median **%.2f×** "
                        + "(p10 %.2f×, p90 %.2f×); bytes +%s per PDF (median), total %.2f×.%n", pdfa.median(),
                pdfa.percentile(0.1), pdfa.percentile(0.9), Stats.f0(Stats.of(bytes[0]).median() - Stats.of(bytes[1]).median()),
                Stats.of(bytes[0]).sum() / Stats.of(bytes[1]).sum()));
        System.out.print(out);
    }

    private static DocumentInfo info(ParsedDocument parsed) {
        return new DocumentInfo(parsed.metadata().title(), "bench", parsed.metadata().language(), null);
    }
}
