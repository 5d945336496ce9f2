package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.PageSizeUnits;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WidthCachingTextRenderer} lays out and draws exactly as openhtmltopdf's own text renderer:
 * the same document rendered with each gives page content streams equal to the byte (same line
 * breaks, positions, fonts and glyphs), for text the first font covers and for text that needs
 * fallback fonts or replacement characters.
 */
class WidthCachingTextRendererTest {
    private static BundledFonts fonts;

    @BeforeAll
    static void fonts() {
        fonts = BundledFonts.load();
    }

    private static final String BODY = """
            <h1 id="a">Heading with <i>italic</i> and <b>bold</b></h1>
            <p style="text-align: justify">%s</p>
            <p style="letter-spacing: 1.5pt">Letter spacing, Ελληνικά, Русский.</p>
            <p style="font-family: NoSuchFamily">A family nobody registered, then 中文 and 한국어 in one run.</p>
            <p style="font-weight: 900; font-style: oblique">Heavier and oblique than any bundled face.</p>
            <ul><li>first item</li><li>second 日本語 item</li></ul>
            <ol style="list-style-type: lower-greek"><li>alpha</li><li>beta</li></ol>
            <p>Symbols ☃ → ✓, a soft hyphen in extra&#173;ordinary, a missing glyph &#x10FFFD; and <code>mono(code)</code>.</p>
            <table><tr><td>cell</td><td>Ünïcödé cell with several words that wrap around</td></tr></table>
            """;

    @Test
    void drawsTheSameContentAsOpenhtmltopdfsTextRenderer() throws IOException {
        String justified = "Justified text that runs over several lines, so that the justification "
                + "spreads the spaces of every line but the last. ".repeat(12);
        String xhtml = Xhtml.document("widths", BODY.formatted(justified) + Xhtml.lorem(30));

        List<byte[]> theirs = pageContents(xhtml, false);
        List<byte[]> ours = pageContents(xhtml, true);

        assertThat(ours).hasSizeGreaterThan(1).hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i)).as("content of page %d", i + 1).isEqualTo(theirs.get(i));
        }
    }

    private static List<byte[]> pageContents(String xhtml, boolean caching) throws IOException {
        XhtmlPreparer.Prepared prepared = XhtmlPreparer.prepare(xhtml, DocumentInfo.titled("widths"));
        try (PDDocument pdf = new PDDocument()) {
            PdfRendererBuilder builder = new PdfRendererBuilder()
                    .usePDDocument(pdf)
                    .withW3cDocument(prepared.dom(), ResourceGuard.BASE_URI)
                    .useDefaultPageSize(210, 297, PageSizeUnits.MM)
                    .usePdfUaAccessibility(true);
            BundledFonts.PerDocument documentFonts = fonts.registerOn(builder, pdf);
            try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
                if (caching) {
                    WidthCachingTextRenderer.install(renderer);
                }
                documentFonts.registerFallbacks(renderer.getFontResolver(), prepared.mostlyKorean());
                renderer.layout();
                renderer.createPDFWithoutClosing();
            }
            List<byte[]> contents = new ArrayList<>();
            for (PDPage page : pdf.getPages()) {
                try (InputStream in = page.getContents()) {
                    contents.add(in.readAllBytes());
                }
            }
            return contents;
        }
    }
}
