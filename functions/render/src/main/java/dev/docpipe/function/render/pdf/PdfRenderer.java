package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.layout.UrlAwareLineBreakIterator;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.PageSizeUnits;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.RenderOptions;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.interactive.viewerpreferences.PDViewerPreferences;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.text.BreakIterator;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renders the parse stage's XHTML into a PDF with openhtmltopdf (PDFBox), treating the XHTML as
 * hostile: it never makes a network request, opens a file or resolves an external entity,
 * whatever the markup says (see {@link XhtmlPreparer} and {@link ResourceGuard}), and it stops at
 * {@link RenderLimits}.
 *
 * <p>What the PDF gets: the bundled fonts, subset-embedded ({@link BundledFonts}); page numbers
 * (the document's {@code @page} rules, or a "page / pages" footer when it has none); an outline
 * from h1–h6; live links for {@code <a href>}; title, author, subject and language; tagged PDF
 * (PDF/UA-1) and, unless the {@code pdfa} option is off, PDF/A-2b (sRGB output intent, XMP
 * identification); see {@link PdfStandards}. The caller's page options are applied by
 * {@link PageSetup}.
 *
 * <p><b>Reuse and threads.</b> Build one instance per execution environment and keep it: the
 * constructor reads and parses the fonts once (about 0.2 s), and {@link #warmUp()} additionally
 * loads classes and fills the font-metrics cache (the first render in a JVM takes 0.7–2 s, later
 * ones 15–30 ms for four pages). An instance is thread-safe; concurrent {@link #render} calls
 * share only the parsed fonts and the metrics cache.
 *
 * <p><b>Limits.</b> Input longer than {@link #MAX_XHTML_CHARS}, with more than
 * {@link #MAX_ELEMENTS} elements or more than {@link #MAX_TEXT_CHARS} characters of text is refused
 * before layout ({@code TOO_LARGE}): openhtmltopdf needs about 8 KB of heap per element, and these
 * caps keep a render under about 1 GB. The page count is known once layout is done, and a document over
 * {@link RenderLimits#maxPages()} fails then ({@code TOO_MANY_PAGES}), before drawing, which with
 * writing is the larger part of the work; pages added while drawing are counted too.
 *
 * <p><b>Time.</b> Each render runs on its own worker thread. The caller waits at most
 * {@link RenderLimits#timeout()}, then gets {@code RENDER_TIMEOUT} and the worker is told to stop:
 * styling, line breaking and drawing check the deadline ({@link RenderDeadline}) and unwind, which
 * frees the render's memory. A step that does not check (the jsoup parse, the DOM conversion, one
 * image decode, saving the PDF) runs to its end first; a worker still running
 * {@value #STOP_GRACE_MILLIS} ms after its deadline is logged and left to finish on its own (it is
 * a daemon thread).
 */
public final class PdfRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(PdfRenderer.class);

    /** Longest XHTML accepted, in UTF-16 characters (about 20 MB of mostly-ASCII markup). */
    public static final int MAX_XHTML_CHARS = 20 * 1024 * 1024;
    /** Most elements a document may have. */
    public static final int MAX_ELEMENTS = XhtmlPreparer.MAX_ELEMENTS;
    /** Most characters of text a document may have. */
    public static final int MAX_TEXT_CHARS = XhtmlPreparer.MAX_TEXT_CHARS;

    static final String PRODUCER = "docpipe (openhtmltopdf, Apache PDFBox)";
    /** The PDF/A level every PDF meets unless the {@code pdfa} option is off (see docs/rendering.md). */
    static final PdfRendererBuilder.PdfAConformance PDF_A = PdfRendererBuilder.PdfAConformance.PDFA_2_B;
    private static final long WORKER_STACK_BYTES = 16L * 1024 * 1024;
    private static final long STOP_GRACE_MILLIS = 500;
    private static final Duration STOP_GRACE = Duration.ofMillis(STOP_GRACE_MILLIS);
    private static final AtomicInteger WORKERS = new AtomicInteger();

    /**
     * Which fonts a renderer uses. Only {@link #BUNDLED} is for production; the others exist to
     * measure what fonts cost ({@code RenderTiming}).
     */
    enum Fonts {
        BUNDLED,
        /** The bundled fonts with PDFBox glyph substitution left on (see {@link BundledFonts}). */
        BUNDLED_WITH_GSUB,
        /** The 14 standard PDF fonts only: no Greek, Cyrillic or CJK. */
        BUILT_IN
    }

    private final RenderLimits limits;
    private final BundledFonts fonts;
    private final boolean tagged;
    private final FontMetricsCache metricsCache = new FontMetricsCache();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    /** Parses the bundled fonts; tagged PDF on. */
    public PdfRenderer(RenderLimits limits) {
        this(limits, Fonts.BUNDLED, true);
    }

    /**
     * For benchmarks only, never for production: a renderer with the 14 standard PDF fonts instead
     * of the bundled ones (no Greek, Cyrillic or CJK glyphs; untagged, as tagging needs embedded
     * fonts), to measure what the bundled fonts cost ({@code bench/pipeline}).
     */
    public static PdfRenderer withBuiltInFontsOnly(RenderLimits limits) {
        return new PdfRenderer(limits, Fonts.BUILT_IN, false);
    }

    /**
     * For benchmarks only, never for production: the bundled fonts as in production, but no PDF/UA
     * tagging (and so no PDF/A, which docpipe writes only for tagged output), to measure what tagging
     * costs ({@code bench/pipeline tagging}).
     */
    public static PdfRenderer untaggedForBenchmarks(RenderLimits limits) {
        return new PdfRenderer(limits, Fonts.BUNDLED, false);
    }

    /** @param tagged PDF/UA tagging; needs embedded fonts, so it is ignored with {@link Fonts#BUILT_IN} */
    PdfRenderer(RenderLimits limits, Fonts fonts, boolean tagged) {
        this.limits = Objects.requireNonNull(limits, "limits");
        Slf4jXRLogger.install();
        this.fonts = fonts == Fonts.BUILT_IN ? null : BundledFonts.load(fonts == Fonts.BUNDLED_WITH_GSUB);
        this.tagged = tagged && fonts != Fonts.BUILT_IN;
    }

    public RenderLimits limits() {
        return limits;
    }

    /**
     * Renders one small multilingual document and throws it away, so that class loading, JIT and
     * the font-metrics cache are paid for before the first real job (call it at init; with SnapStart
     * it is then part of the snapshot).
     */
    public void warmUp() {
        long start = System.nanoTime();
        render(WARM_UP_XHTML, new DocumentInfo("warm-up", null, "en", null));
        LOG.info("renderer warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * @throws RenderException with {@code TOO_LARGE}, {@code TOO_MANY_PAGES}, {@code RENDER_TIMEOUT}
     *                         or {@code RENDER_FAILED}; {@code INTERNAL} (transient) if the calling
     *                         thread was interrupted or the renderer itself broke (a JVM error)
     */
    public RenderedPdf render(String xhtml, DocumentInfo info) {
        return render(xhtml, info, RenderOptions.NONE);
    }

    /**
     * Like {@link #render(String, DocumentInfo)} with the caller's options: page setup, header and
     * footer, page numbers, docpipe's stylesheet, base font size, and PDF/A-2b (on unless turned off).
     */
    public RenderedPdf render(String xhtml, DocumentInfo info, RenderOptions options) {
        Objects.requireNonNull(xhtml, "xhtml");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(options, "options");
        if (xhtml.length() > MAX_XHTML_CHARS) {
            throw RenderException.tooLarge(xhtml.length(), MAX_XHTML_CHARS);
        }
        RenderDeadline deadline = RenderDeadline.after(limits.timeout());
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        FutureTask<RenderedPdf> task = new FutureTask<>(() -> {
            running.incrementAndGet();
            try {
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                return renderHere(xhtml, info, options, deadline);
            } finally {
                running.decrementAndGet();
            }
        });
        Thread worker = Thread.ofPlatform()
                .name("docpipe-render-" + WORKERS.incrementAndGet())
                .daemon(true)
                .stackSize(WORKER_STACK_BYTES)
                .unstarted(task);
        worker.start();
        try {
            return task.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stop(worker, deadline);
            throw RenderException.timeout(limits.timeout());
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (InterruptedException e) {
            stop(worker, deadline);
            Thread.currentThread().interrupt();
            throw RenderException.interrupted();
        }
    }

    /** Number of render threads that did not stop within the grace period after their deadline. */
    int abandonedWorkers() {
        return abandoned.get();
    }

    /** Number of render threads working right now, including ones whose caller has given up. */
    int runningWorkers() {
        return running.get();
    }

    private void stop(Thread worker, RenderDeadline deadline) {
        deadline.cancel();
        worker.interrupt();
        boolean interrupted = false;
        try {
            worker.join(STOP_GRACE);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (worker.isAlive()) {
            abandoned.incrementAndGet();
            LOG.warn("render thread {} still running {} ms after being stopped; abandoned",
                    worker.getName(), STOP_GRACE.toMillis());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private RenderException translate(Throwable t) {
        if (t instanceof RenderException e) {
            return e;
        }
        if (t instanceof RenderDeadline.Expired) {
            return RenderException.timeout(limits.timeout());
        }
        if (t instanceof StackOverflowError) {
            return RenderException.failed("document is nested too deeply to lay out");
        }
        if (t instanceof OutOfMemoryError) {
            return RenderException.failed("document needs more memory to render than is available");
        }
        if (t instanceof Error) {
            LOG.error("renderer error", t);
            return new RenderException(ErrorCode.INTERNAL, "renderer error (" + t.getClass().getSimpleName() + ")", t);
        }
        LOG.warn("render failed", t);
        return RenderException.failed("could not render the document (" + t.getClass().getSimpleName() + ")", t);
    }

    private RenderedPdf renderHere(String xhtml, DocumentInfo info, RenderOptions options, RenderDeadline deadline)
            throws Exception {
        long start = System.nanoTime();
        XhtmlPreparer.Prepared prepared = XhtmlPreparer.prepare(xhtml, info, options, deadline::check);
        org.w3c.dom.Document dom = prepared.dom();
        long preparedAt = System.nanoTime();
        ResourceGuard guard = new ResourceGuard();
        try (PDDocument pdf = new PDDocument()) {
            PdfRendererBuilder builder = new PdfRendererBuilder()
                    .usePDDocument(pdf)
                    .withW3cDocument(dom, ResourceGuard.BASE_URI)
                    .useExternalResourceAccessControl(guard::allowBeforeResolving,
                            ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI)
                    .useExternalResourceAccessControl(guard::allowAfterResolving,
                            ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI)
                    .useUriResolver(guard)
                    .useHttpStreamImplementation(ResourceGuard.DENYING_STREAMS)
                    .useProtocolsStreamImplementation(ResourceGuard.DENYING_STREAMS, ResourceGuard.DENIED_SCHEMES)
                    .useProtocolsStreamImplementation(guard.dataStreams(), "data")
                    .useUnicodeLineBreaker(deadline.lineBreaker(
                            new UrlAwareLineBreakIterator(BreakIterator.getLineInstance(Locale.US))))
                    .usePageSupplier(deadline.pageSupplier(limits.maxPages()))
                    .useNamespaceHandler(deadline.namespaceHandler())
                    .useCacheStore(PdfRendererBuilder.CacheStore.PDF_FONT_METRICS, metricsCache)
                    .useDefaultPageSize(210, 297, PageSizeUnits.MM)
                    .usePdfUaAccessibility(tagged)
                    .withProducer(PRODUCER);
            if (tagged && options.pdfaOn()) {
                builder.usePdfAConformance(PDF_A).useColorProfile(PdfStandards.srgbProfile());
            }
            BundledFonts.PerDocument documentFonts = fonts == null ? null : fonts.registerOn(builder, pdf);
            long laidOut;
            long written;
            try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
                WidthCachingTextRenderer.install(renderer,
                        documentFonts == null ? WidthCachingTextRenderer.Coverage.UNKNOWN : documentFonts);
                if (documentFonts != null) {
                    documentFonts.registerFallbacks(renderer.getFontResolver(), prepared.mostlyKorean());
                }
                deadline.check();
                renderer.layout();
                laidOut = System.nanoTime();
                deadline.check();
                int pages = renderer.getRootBox().getLayer().getPages().size();
                if (pages > limits.maxPages()) {
                    LOG.info("refused: {} pages laid out in {} ms, limit {}", pages,
                            (laidOut - start) / 1_000_000, limits.maxPages());
                    throw RenderException.tooManyPages(limits.maxPages(), pages);
                }
                renderer.createPDFWithoutClosing();
                written = System.nanoTime();
            }
            deadline.check();
            completeMetadata(pdf, dom);
            if (tagged) {
                PdfStandards.complete(pdf);
                ArtifactProperties.inline(pdf);
                PlainSpans.flatten(pdf);
                DirectObjects.compact(pdf);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            pdf.save(out);
            RenderedPdf result = new RenderedPdf(out.toByteArray(), pdf.getNumberOfPages());
            long end = System.nanoTime();
            LOG.info("rendered {} pages, {} bytes in {} ms (prepare {}, layout {}, draw {}, save {}); "
                            + "{} resource requests refused",
                    result.pages(), result.bytes().length, ms(end - start), ms(preparedAt - start),
                    ms(laidOut - preparedAt), ms(written - laidOut), ms(end - written), guard.refusedCount());
            return result;
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * openhtmltopdf fills the information dictionary from {@code <title>} and {@code <meta>}
     * (which {@link XhtmlPreparer} set from {@link DocumentInfo}) and, when tagging, the catalog
     * language; this adds what it leaves out.
     */
    private static void completeMetadata(PDDocument pdf, org.w3c.dom.Document dom) {
        PDDocumentInformation info = pdf.getDocumentInformation();
        info.setCreator("docpipe");
        PDDocumentCatalog catalog = pdf.getDocumentCatalog();
        String lang = dom.getDocumentElement().getAttribute("lang");
        if (catalog.getLanguage() == null && !lang.isEmpty()) {
            catalog.setLanguage(lang);
        }
        if (catalog.getViewerPreferences() == null) {
            catalog.setViewerPreferences(new PDViewerPreferences(new COSDictionary()));
        }
        catalog.getViewerPreferences().setDisplayDocTitle(true);
    }

    private static final String WARM_UP_XHTML = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>warm-up</title>
            <style>body { font-family: "DocSans", sans-serif; } code { font-family: monospace; }</style></head>
            <body><h1 id="a">Warm-up</h1><p>Latin àéîõü, <b>bold</b>, <i>italic</i>, <b><i>both</i></b>,
            Ελληνικά, Русский, <code>mono</code>, 中文 日本語 한국어.</p>
            <h2 id="b">Table</h2><table><tr><td>1</td><td><a href="https://example.org">link</a></td></tr></table>
            </body></html>
            """;
}
