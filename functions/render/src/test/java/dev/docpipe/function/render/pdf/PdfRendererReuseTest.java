package dev.docpipe.function.render.pdf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One renderer serves many documents, one after another and at the same time. */
class PdfRendererReuseTest {
    private static PdfRenderer renderer;

    @BeforeAll
    static void renderer() {
        renderer = new PdfRenderer(RenderLimits.defaults());
    }

    static String document(int i) {
        return Xhtml.document("doc " + i, "<h1 id=\"h\">Document " + i + "</h1><p>Latin " + i
                + ", Ελληνικά, Русский, 中文 " + i + "</p>" + Xhtml.lorem(i % 5));
    }

    static void assertValid(RenderedPdf pdf, int i) {
        assertThat(new String(pdf.bytes(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(Pdfs.text(pdf).replaceAll("\\s+", " "))
                .contains("Document " + i).contains("Latin " + i + ", Ελληνικά, Русский, 中文 " + i);
    }

    @Test
    void twentyDocumentsInSequence() {
        for (int i = 0; i < 20; i++) {
            assertValid(renderer.render(document(i), DocumentInfo.titled("doc " + i)), i);
        }
    }

    @Test
    void fourThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RenderedPdf>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                futures.add(pool.submit(() -> renderer.render(document(n), DocumentInfo.titled("doc " + n))));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertValid(futures.get(i).get(120, TimeUnit.SECONDS), i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void warmUp_thenRender() {
        renderer.warmUp();

        assertValid(renderer.render(document(7), DocumentInfo.titled("after warm-up")), 7);
    }
}
