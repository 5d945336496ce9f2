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
 * fallback fonts or replacement characters; and it loads a fallback font only for a glyph it has.
 */
class WidthCachingTextRendererTest {
    private static BundledFonts fonts;
    /** As a renderer's after its first document: the metrics of every bundled face known. */
    private static final FontMetricsCache METRICS = new FontMetricsCache();

    @BeforeAll
    static void fonts() throws IOException {
        fonts = BundledFonts.load();
        render(Xhtml.document("warm-up", "<p>x</p>"), false);
    }

    private static final String BODY = """
            <h1 id="a">Heading with <i>italic</i> and <b>bold</b></h1>
            <p style="text-align: justify">%s</p>
            <p style="letter-spacing: 1.5pt">Letter spacing, Ελληνικά, Русский, and 中文 in it.</p>
            <p style="font-family: NoSuchFamily">A family nobody registered, then 中文 and 한국어 in one run.</p>
            <p style="font-weight: 900; font-style: oblique">Heavier and oblique than any bundled face.</p>
            <ul><li>first item</li><li>second 日本語 item</li></ul>
            <ol style="list-style-type: lower-greek"><li>alpha</li><li>beta</li></ol>
            <p>Symbols ☃ → ✓, a soft hyphen in extra&#173;ordinary, a missing glyph &#x10FFFD;, an emoji 👍
            and <code>mono(code)</code>.</p>
            <pre>line one
            line two, 中文 in a_long_identifier_without_spaces_past_thirty_two_characters_中文_and_on
            \tline three after a tab</pre>
            <p style="white-space: pre-wrap; text-align: justify">carriage\r\nreturns\r\nas a text file has them, with 中文 and ✓
            in a line long enough to be justified over more than one line of the page.</p>
            <table><tr><td>cell</td><td>Ünïcödé cell with several words that wrap around</td></tr></table>
            """;

    @Test
    void drawsTheSameContentAsOpenhtmltopdfsTextRenderer() throws IOException {
        String justified = "Justified text that runs over several lines, so that the justification "
                + "spreads the spaces of every line but the last, 中文 included. ".repeat(12);
        String xhtml = Xhtml.document("widths", BODY.formatted(justified) + Xhtml.lorem(30));

        List<byte[]> theirs = render(xhtml, false).pages();
        List<byte[]> ours = render(xhtml, true).pages();

        assertThat(ours).hasSizeGreaterThan(1).hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i)).as("content of page %d", i + 1).isEqualTo(theirs.get(i));
        }
    }

    @Test
    void latinText_withLineFeedsAndCarriageReturns_loadsOnlyTheFallbackFontsWithThoseGlyphs() throws IOException {
        // Liberation Sans and Mono have no glyph for CR and LF; NanumSquare has (so both renderers load it),
        // Droid Sans Fallback before it in the chain has not, but openhtmltopdf loads it to find that out
        String xhtml = Xhtml.document("code", "<p>Some <code>code</code>:</p>"
                + "<pre style=\"font-family: DocMono\">int a;\nint b;\r\n</pre>"
                + "<p style=\"white-space: pre-wrap\">a text file\r\nwith CRLF line ends\r\n</p>");

        Rendered theirs = render(xhtml, false);
        Rendered ours = render(xhtml, true);

        assertThat(theirs.loadedFonts()).as("openhtmltopdf's").contains("DroidSansFallbackFull.ttf");
        assertThat(ours.loadedFonts()).containsExactlyInAnyOrder("LiberationSans-Regular.ttf",
                "LiberationMono-Regular.ttf", "NanumSquareR.ttf");
        assertThat(ours.pages()).hasSameSizeAs(theirs.pages());
        for (int i = 0; i < ours.pages().size(); i++) {
            assertThat(ours.pages().get(i)).isEqualTo(theirs.pages().get(i));
        }
    }

    private record Rendered(List<byte[]> pages, List<String> loadedFonts) {
    }

    private static Rendered render(String xhtml, boolean caching) throws IOException {
        XhtmlPreparer.Prepared prepared = XhtmlPreparer.prepare(xhtml, DocumentInfo.titled("widths"));
        try (PDDocument pdf = new PDDocument()) {
            PdfRendererBuilder builder = new PdfRendererBuilder()
                    .usePDDocument(pdf)
                    .withW3cDocument(prepared.dom(), ResourceGuard.BASE_URI)
                    .useCacheStore(PdfRendererBuilder.CacheStore.PDF_FONT_METRICS, METRICS)
                    .useDefaultPageSize(210, 297, PageSizeUnits.MM)
                    .usePdfUaAccessibility(true);
            BundledFonts.PerDocument documentFonts = fonts.registerOn(builder, pdf);
            try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
                if (caching) {
                    WidthCachingTextRenderer.install(renderer, documentFonts);
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
            List<String> loaded = documentFonts.loadedFaces().stream()
                    .map(face -> face.resource().substring(face.resource().lastIndexOf('/') + 1)).toList();
            return new Rendered(contents, loaded);
        }
    }
}
