package dev.docpipe.function.render.pdf;

import dev.docpipe.job.RenderOptions;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each render option, read back from the PDF with PDFBox. */
class PdfRendererOptionsTest {
    private static final PdfRenderer RENDERER = new PdfRenderer(new RenderLimits(200, Duration.ofSeconds(60)));
    private static final float MM = 72f / 25.4f;
    /** The renderer's default body margin (8px), inside the page margin. */
    private static final float BODY_MARGIN = 6f;
    /** Like the parse stage's output: docpipe's stylesheet numbers pages at the bottom centre. */
    private static final String THREE_PAGES = Xhtml.document("Quarterly report",
            "@page { size: A4; margin: 20mm; @bottom-center { content: counter(page) \" / \" counter(pages); } }"
                    + " body { font-family: \"DocSans\", sans-serif; }", "<h1>Quarterly</h1>" + Xhtml.lorem(25));

    private static RenderedPdf render(String xhtml, Map<String, String> options) {
        return RENDERER.render(xhtml, DocumentInfo.titled("Quarterly report"), RenderOptions.parse(options));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "a3,,297,420", "a4,,210,297", "a5,,148,210", "letter,,215.9,279.4", "legal,,215.9,355.6",
            "tabloid,,279.4,431.8", "a4,landscape,297,210", "letter,landscape,279.4,215.9", ",landscape,297,210",
            "100x150mm,,100,150", "8.5x11in,landscape,279.4,215.9", "300x200mm,portrait,200,300"})
    void paperAndOrientation_setEveryPageSize(String paper, String orientation, double widthMm, double heightMm)
            throws IOException {
        Map<String, String> options = new java.util.HashMap<>();
        if (paper != null) {
            options.put("paper", paper);
        }
        if (orientation != null) {
            options.put("orientation", orientation);
        }
        try (PDDocument doc = Pdfs.load(render(THREE_PAGES, options))) {
            assertThat(doc.getNumberOfPages()).isGreaterThan(1);
            for (int i = 0; i < doc.getNumberOfPages(); i++) {
                PDRectangle box = doc.getPage(i).getMediaBox();
                assertThat(box.getWidth()).isCloseTo((float) widthMm * MM, within(1.5f));
                assertThat(box.getHeight()).isCloseTo((float) heightMm * MM, within(1.5f));
            }
        }
    }

    @Test
    void headerAndFooter_areOnEveryPage_withTheirPlaceholdersFilled() throws IOException {
        RenderedPdf pdf = render(THREE_PAGES, Map.of("header", "ACME {title} {date}", "footer", "Seite {page} von {pages}"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        List<String> pages = pageTexts(pdf);
        assertThat(pages).hasSizeGreaterThan(1);
        for (int i = 0; i < pages.size(); i++) {
            assertThat(pages.get(i)).contains("ACME Quarterly report " + today)
                    .contains("Seite " + (i + 1) + " von " + pages.size())
                    .contains((i + 1) + " / " + pages.size());
        }
    }

    @Test
    void headerText_isText_notMarkup() throws IOException {
        List<String> pages = pageTexts(render(THREE_PAGES, Map.of("header", "<b>x</b> \"q\" \\ & ü")));
        assertThat(pages.get(0)).contains("<b>x</b> \"q\" \\ & ü");
    }

    @Test
    void pageNumbersOff_removesThem_andOnIsTheDefault() {
        List<String> on = pageTexts(render(THREE_PAGES, Map.of()));
        List<String> off = pageTexts(render(THREE_PAGES, Map.of("pageNumbers", "off")));
        assertThat(on.get(0)).contains("1 / " + on.size());
        assertThat(off).noneMatch(p -> p.contains(" / " + off.size()));
    }

    @Test
    void margins_moveTheText() {
        float defaultLeft = leftmostText(render(THREE_PAGES, Map.of()));
        float wide = leftmostText(render(THREE_PAGES, Map.of("margins", "20mm 20mm 20mm 60mm")));
        assertThat(wide).isCloseTo(60 * MM + BODY_MARGIN, within(1f));
        assertThat(defaultLeft).isCloseTo(20 * MM + BODY_MARGIN, within(1f));
    }

    @Test
    void fontSize_setsTheBodyTextSize() {
        String doc = Xhtml.document("t", "@page { size: A4; margin: 20mm; } body { font-family: \"DocSans\"; }",
                "<p>sized text</p>");
        assertThat(fontSizeOf(render(doc, Map.of()), "sized")).isCloseTo(12f, within(1.1f));
        assertThat(fontSizeOf(render(doc, Map.of("fontSize", "18pt")), "sized")).isCloseTo(18f, within(1.1f));
    }

    @Test
    void documentCssOnly_dropsDocpipesStylesheet_andKeepsTheDocuments() {
        String doc = """
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>
                <style class="docpipe-stylesheet">p { font-size: 20pt; }</style>
                <style>h1 { font-size: 30pt; }</style></head><body><h1>Head</h1><p>para</p></body></html>""";
        assertThat(fontSizeOf(render(doc, Map.of()), "para")).isCloseTo(20f, within(1.1f));
        RenderedPdf own = render(doc, Map.of("documentCssOnly", "on"));
        assertThat(fontSizeOf(own, "para")).isCloseTo(12f, within(1.1f));
        assertThat(fontSizeOf(own, "Head")).isCloseTo(30f, within(1.1f));
    }

    @Test
    void callerOptions_winOverTheDocumentsPageRule_onlyWhereSet() throws IOException {
        String a5 = Xhtml.document("t", "@page { size: A5; margin: 10mm; }", "<p>text</p>");
        try (PDDocument doc = Pdfs.load(render(a5, Map.of("margins", "30mm")))) {
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isCloseTo(148 * MM, within(1.5f));
        }
        assertThat(leftmostText(render(a5, Map.of("margins", "30mm")))).isCloseTo(30 * MM + BODY_MARGIN, within(1f));
        assertThat(leftmostText(render(a5, Map.of("paper", "a3")))).isCloseTo(10 * MM + BODY_MARGIN, within(1f));
        try (PDDocument doc = Pdfs.load(render(a5, Map.of("paper", "a3")))) {
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isCloseTo(297 * MM, within(1.5f));
        }
    }

    @Test
    void language_isTheCatalogLanguage() throws IOException {
        try (PDDocument doc = Pdfs.load(RENDERER.render(THREE_PAGES, new DocumentInfo("t", null, "de-CH", null),
                RenderOptions.parse(Map.of("language", "de-CH"))))) {
            assertThat(doc.getDocumentCatalog().getLanguage()).isEqualTo("de-CH");
        }
    }

    private static List<String> pageTexts(RenderedPdf pdf) {
        try (PDDocument doc = Pdfs.load(pdf)) {
            List<String> out = new ArrayList<>();
            PDFTextStripper stripper = new PDFTextStripper();
            for (int i = 1; i <= doc.getNumberOfPages(); i++) {
                stripper.setStartPage(i);
                stripper.setEndPage(i);
                out.add(stripper.getText(doc).replaceAll("\\s+", " "));
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<TextPosition> positions(RenderedPdf pdf) {
        List<TextPosition> all = new ArrayList<>();
        try (PDDocument doc = Pdfs.load(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper() {
                @Override
                protected void writeString(String text, List<TextPosition> textPositions) {
                    all.addAll(textPositions);
                }
            };
            stripper.setStartPage(1);
            stripper.setEndPage(1);
            stripper.getText(doc);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all;
    }

    private static float leftmostText(RenderedPdf pdf) {
        return (float) positions(pdf).stream().mapToDouble(TextPosition::getXDirAdj).min().orElseThrow();
    }

    /** The font size of the first character of {@code word}'s first occurrence on page 1. */
    private static float fontSizeOf(RenderedPdf pdf, String word) {
        List<TextPosition> all = positions(pdf);
        StringBuilder text = new StringBuilder();
        all.forEach(p -> text.append(p.getUnicode().charAt(0)));
        int at = text.indexOf(word);
        assertThat(at).as("%s in %s", word, text).isGreaterThanOrEqualTo(0);
        return all.get(at).getFontSizeInPt();
    }
}
