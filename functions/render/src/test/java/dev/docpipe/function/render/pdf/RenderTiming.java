package dev.docpipe.function.render.pdf;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: measures steady-state render time with the bundled fonts against the 14 built-in
 * PDF fonts. Build and run:
 * <pre>
 *   mvn -q -pl standins,shared,functions/render install dependency:build-classpath -DskipITs -DskipTests \
 *       -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   cd functions/render
 *   java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *       dev.docpipe.function.render.pdf.RenderTiming [warm-up] [runs]
 *   java -cp ... dev.docpipe.function.render.pdf.RenderTiming cold   # first render in a fresh JVM
 * </pre>
 * Each configuration gets its own renderer, {@code warm-up} untimed renders, then {@code runs}
 * timed ones of the same ~4-page document, the configurations taking turns render by render so
 * that load from elsewhere on the machine hits them alike. Timed: wall clock around
 * {@link PdfRenderer#render} (worker thread, parse, layout, draw, save) and the process CPU time
 * it used (includes JIT and GC threads).
 */
public final class RenderTiming {
    private RenderTiming() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String xhtml = Xhtml.pages(4);
        DocumentInfo info = new DocumentInfo("Timing", "docpipe", "en", "four pages");
        if (args.length > 0 && args[0].equals("cold")) {
            long t0 = System.nanoTime();
            PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
            long t1 = System.nanoTime();
            RenderedPdf pdf = renderer.render(xhtml, info);
            long t2 = System.nanoTime();
            RenderedPdf again = renderer.render(xhtml, info);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "cold JVM: constructor (font parsing) %d ms, first render %d ms (%d pages), second %d ms%n",
                    ms(t1 - t0), ms(t2 - t1), pdf.pages(), ms(t3 - t2));
            return;
        }
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        RenderLimits limits = new RenderLimits(500, Duration.ofSeconds(120));
        PdfRenderer[] renderers = {
                new PdfRenderer(limits, PdfRenderer.Fonts.BUNDLED, true),
                new PdfRenderer(limits, PdfRenderer.Fonts.BUNDLED, false),
                new PdfRenderer(limits, PdfRenderer.Fonts.BUNDLED_WITH_GSUB, true),
                new PdfRenderer(limits, PdfRenderer.Fonts.BUILT_IN, false)};
        String[] names = {"bundled fonts, tagged (production)", "bundled fonts, untagged",
                "bundled fonts + PDFBox GSUB, tagged", "built-in fonts, untagged"};
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < warmUp; i++) {
            for (PdfRenderer renderer : renderers) {
                renderer.render(xhtml, info);
            }
        }
        long[][] wall = new long[renderers.length][runs];
        long[][] cpu = new long[renderers.length][runs];
        int[] pages = new int[renderers.length];
        long[] bytes = new long[renderers.length];
        for (int i = 0; i < runs; i++) { // interleaved, so load from elsewhere hits every configuration alike
            for (int c = 0; c < renderers.length; c++) {
                long cpu0 = os.getProcessCpuTime();
                long start = System.nanoTime();
                RenderedPdf pdf = renderers[c].render(xhtml, info);
                wall[c][i] = System.nanoTime() - start;
                cpu[c][i] = os.getProcessCpuTime() - cpu0;
                pages[c] = pdf.pages();
                bytes[c] = pdf.bytes().length;
            }
        }
        System.out.printf(Locale.ROOT, "%d warm-up renders per configuration, then %d timed, interleaved; load average %.2f%n",
                warmUp, runs, os.getSystemLoadAverage());
        for (int c = 0; c < renderers.length; c++) {
            Arrays.sort(wall[c]);
            Arrays.sort(cpu[c]);
            System.out.printf(Locale.ROOT,
                    "%-36s %d pages %6d bytes | wall median %6.1f ms, p10 %6.1f, p90 %6.1f, min %6.1f | process CPU mean %6.1f ms%n",
                    names[c], pages[c], bytes[c], wall[c][runs / 2] / 1e6, wall[c][runs / 10] / 1e6,
                    wall[c][runs * 9 / 10] / 1e6, wall[c][0] / 1e6, Arrays.stream(cpu[c]).sum() / 1e6 / runs);
        }
        String table = Xhtml.table(10_000);
        for (int c = 0; c < 3; c++) {
            long start = System.nanoTime();
            RenderedPdf pdf = renderers[c].render(table, info);
            System.out.printf(Locale.ROOT, "10,000-row table, %-36s %d pages, %d bytes, %d ms%n",
                    names[c], pdf.pages(), pdf.bytes().length, ms(System.nanoTime() - start));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
