package dev.docpipe.function.render.pdf;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PdfRendererLimitsTest {

    @Test
    void tooManyPages_failsWithTheLimitInTheMessage() {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(3, Duration.ofSeconds(60)));

        RenderException e = catchThrowableOfType(RenderException.class,
                () -> renderer.render(Xhtml.pages(10), DocumentInfo.titled("ten pages")));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PAGES);
        assertThat(e.getMessage()).contains("limit is 3 pages");
    }

    @Test
    void pagesAtTheLimit_render() {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(3, Duration.ofSeconds(60)));

        RenderedPdf pdf = renderer.render(Xhtml.pages(1), DocumentInfo.titled("one page"));

        assertThat(pdf.pages()).isBetween(1, 3);
    }

    @Test
    void tableOf10000Rows_rendersOrHitsThePageLimitClearly() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        String xhtml = Xhtml.table(10_000);

        long start = System.nanoTime();
        try {
            RenderedPdf pdf = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> renderer.render(xhtml, DocumentInfo.titled("table")));
            assertThat(pdf.pages()).isBetween(100, RenderLimits.DEFAULT_MAX_PAGES);
            assertThat(Pdfs.text(pdf)).contains("Row 9999");
        } catch (RenderException e) {
            assertThat(e.code()).isIn(ErrorCode.TOO_MANY_PAGES, ErrorCode.RENDER_TIMEOUT);
        }
        System.out.printf("10,000-row table: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void tableOf10000Rows_overAPageLimit_failsWithTooManyPages() {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(50, Duration.ofSeconds(60)));

        RenderException e = catchThrowableOfType(RenderException.class,
                () -> renderer.render(Xhtml.table(10_000), DocumentInfo.titled("table")));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PAGES);
        assertThat(e.getMessage()).contains("limit is 50 pages");
    }

    @Test
    void tinyTimeout_onALargeDocument_failsPromptlyWithRenderTimeout() {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(500, Duration.ofMillis(1)));
        String xhtml = Xhtml.table(10_000);

        long start = System.nanoTime();
        RenderException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> catchThrowableOfType(RenderException.class,
                        () -> renderer.render(xhtml, DocumentInfo.titled("slow"))));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(e.code()).isEqualTo(ErrorCode.RENDER_TIMEOUT);
        assertThat(e.getMessage()).contains("1 ms");
        assertThat(millis).as("returned after %d ms", millis).isLessThan(5_000);
        assertThat(renderer.abandonedWorkers()).isZero();
    }

    @Test
    void timeout_stopsTheWorkerToo() throws Exception {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(500, Duration.ofMillis(1500)));
        String xhtml = Xhtml.table(15_000); // 75,000 elements, 5-20 s of work on this machine

        RenderException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> catchThrowableOfType(RenderException.class,
                        () -> renderer.render(xhtml, DocumentInfo.titled("slow"))));

        assertThat(e.code()).isEqualTo(ErrorCode.RENDER_TIMEOUT);
        assertThat(e.getMessage()).contains("1.5 s");
        long waitedFor = waitUntilNoWorkerRuns(renderer, Duration.ofSeconds(5));
        assertThat(renderer.runningWorkers()).as("worker still running %d ms after the timeout", waitedFor).isZero();
    }

    static long waitUntilNoWorkerRuns(PdfRenderer renderer, Duration max) throws InterruptedException {
        long start = System.nanoTime();
        while (renderer.runningWorkers() > 0 && System.nanoTime() - start < max.toNanos()) {
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void oversizedInput_isRefusedBeforeParsing() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        String huge = "<p>" + "x".repeat(PdfRenderer.MAX_XHTML_CHARS) + "</p>";

        RenderException e = catchThrowableOfType(RenderException.class,
                () -> renderer.render(huge, DocumentInfo.titled("huge")));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains(String.valueOf(PdfRenderer.MAX_XHTML_CHARS));
    }

    @Test
    void tooManyElements_isRefusedBeforeParsing() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        String spans = "<p>" + "<span>a</span>".repeat(PdfRenderer.MAX_ELEMENTS) + "</p>";

        RenderException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowableOfType(
                RenderException.class, () -> renderer.render(Xhtml.document("spans", spans), DocumentInfo.titled("s"))));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains("elements; the limit is " + PdfRenderer.MAX_ELEMENTS);
    }

    @Test
    void tooMuchText_isRefusedBeforeLayout() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        String text = "<p>" + "lorem ipsum ".repeat(PdfRenderer.MAX_TEXT_CHARS / 12 + 1) + "</p>";

        RenderException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowableOfType(
                RenderException.class, () -> renderer.render(Xhtml.document("text", text), DocumentInfo.titled("t"))));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains("characters of text; the limit is " + PdfRenderer.MAX_TEXT_CHARS);
    }

    @Test
    void malformedInput_failsWithRenderFailedAndAPlainMessage() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());

        for (String input : new String[] {"", "   \n", "%PDF-1.7 binary", "plain text, no markup", "<p>nul\0</p>"}) {
            RenderException e = catchThrowableOfType(RenderException.class,
                    () -> renderer.render(input, DocumentInfo.titled("bad")));
            assertThat(e).as("input %s", input).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.RENDER_FAILED);
            assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void brokenButMarkupLikeInput_stillRenders() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());

        RenderedPdf pdf = renderer.render("<html><body><p>unclosed <b>bold <i>both</p><table><tr><td>cell",
                DocumentInfo.titled("broken"));

        assertThat(Pdfs.text(pdf)).contains("unclosed").contains("cell");
    }

    @Test
    void deeplyNestedBlocks_renderFlattened() {
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        String nested = "<div>".repeat(20_000) + "deep" + "</div>".repeat(20_000) + "<p>after</p>";

        RenderedPdf pdf = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> renderer.render(Xhtml.document("nested", nested), DocumentInfo.titled("nested")));

        assertThat(Pdfs.text(pdf)).contains("deep").contains("after");
    }

    @Test
    void deeplyNestedInlines_renderOrTimeOutCleanly() throws Exception {
        PdfRenderer renderer = new PdfRenderer(new RenderLimits(500, Duration.ofSeconds(10)));
        String nested = "<p>" + "<b><i>".repeat(10_000) + "bold" + "</i></b>".repeat(10_000) + "</p><p>after</p>";

        try {
            RenderedPdf pdf = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> renderer.render(Xhtml.document("nested", nested), DocumentInfo.titled("nested")));
            assertThat(Pdfs.text(pdf)).contains("bold").contains("after");
        } catch (RenderException e) {
            assertThat(e.code()).isIn(ErrorCode.RENDER_FAILED, ErrorCode.RENDER_TIMEOUT);
        }
        waitUntilNoWorkerRuns(renderer, Duration.ofSeconds(5));
        assertThat(renderer.runningWorkers()).isZero();
    }

    @Test
    void limits_areValidated() {
        assertThatThrownBy(() -> new RenderLimits(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RenderLimits(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RenderLimits.defaults()).isEqualTo(new RenderLimits(500, Duration.ofSeconds(60)));
    }
}
