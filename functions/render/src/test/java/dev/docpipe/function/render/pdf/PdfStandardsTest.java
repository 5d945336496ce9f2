package dev.docpipe.function.render.pdf;

import dev.docpipe.job.RenderOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.verapdf.pdfa.flavours.PDFAFlavour;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every PDF is PDF/UA-1 and PDF/A-2b, as veraPDF judges, whatever the document and the options. */
class PdfStandardsTest {
    private static final PdfRenderer RENDERER = new PdfRenderer(new RenderLimits(200, Duration.ofSeconds(60)));
    private static final String PNG = "data:image/png;base64,"
            + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    static Stream<Arguments> documents() {
        String html = Xhtml.document("Report", "<h1>Report</h1><h3>Skipped level</h3><p>Text with <b>bold</b>, "
                + "<i>italic</i> and a <a href=\"https://example.org\">link</a>.</p><img alt=\"a dot\" src=\"" + PNG
                + "\"/><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
                + "<ul><li>one</li><li>two</li></ul><h2>Next</h2><h5>Deep</h5><p>x</p>");
        String startsLow = Xhtml.document("Notes", "<h3>Starts at three</h3><p>a</p><h2>Then two</h2><p>b</p>");
        String text = Xhtml.document("notes.txt", "<p style=\"white-space: pre-wrap\">plain text\n  indented line"
                + "\ttab and symbols: € ≥ © — “quotes”</p>");
        String cjk = Xhtml.document("多言語", "<h1>中文 日本語 한국어</h1><p>简体中文的段落。日本語の段落です。"
                + "한국어 문단입니다. Ελληνικά, Русский, עברית.</p>");
        String long_ = Xhtml.document("Long", "<h1>Long</h1>" + Xhtml.lorem(40));
        String bare = Xhtml.document("Bare", "<p>An image without alt <img src=\"" + PNG + "\"/> and one with an "
                + "empty alt <img alt=\"\" src=\"" + PNG + "\"/>; a table without headers:</p>"
                + "<table><tr><td>1</td><td>2</td></tr></table><p>A <a href=\"#x\">fragment link</a>, "
                + "<span style=\"color: rgba(0,0,0,0.5)\">translucent text</span>, <code>code</code>.</p>"
                + "<pre>preformatted\n  block</pre><blockquote>quote</blockquote><dl><dt>term</dt><dd>def</dd></dl>"
                + "<h2 id=\"x\">Target</h2>");
        // what real documents' CSS and HTML do (corpus/fidelity/latex-css.html): numbered ::before content
        // in list items, a header cell spanning fewer columns than the table
        String authored = Xhtml.document("Authored", Xhtml.PARSE_STAGE_STYLE
                + " ol { counter-reset: item } ol > li::before { content: counters(item, '.') ' '; counter-increment: item }",
                "<h1>Contents</h1><ol><li>One<ol><li>One.one</li></ol></li><li>Two</li></ol>"
                + "<table><thead><tr><th colspan=\"2\">Item</th></tr><tr><th>a</th><th>b</th><th>c</th></tr></thead>"
                + "<tbody><tr><td rowspan=\"2\">1</td><td>2</td><td>3</td></tr><tr><td>4</td></tr></tbody></table>");
        Map<String, String> all = Map.of("paper", "letter", "orientation", "landscape", "margins", "15mm",
                "header", "{title} – {date}", "footer", "Page {page} of {pages}", "fontSize", "12pt",
                "language", "de", "documentCssOnly", "on");
        return Stream.of(
                Arguments.of("html", html, Map.of()),
                Arguments.of("headings starting at h3", startsLow, Map.of()),
                Arguments.of("text", text, Map.of()),
                Arguments.of("cjk", cjk, Map.of()),
                Arguments.of("long", long_, Map.of()),
                Arguments.of("images without alt, tables without headers", bare, Map.of()),
                Arguments.of("list items with ::before content, a table with short rows", authored, Map.of()),
                Arguments.of("html with every option", html, all),
                Arguments.of("cjk, no page numbers", cjk, Map.of("pageNumbers", "off", "header", "见 {page}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void pdf_passesPdfUa1AndPdfA2b(String name, String xhtml, Map<String, String> options) {
        byte[] pdf = RENDERER.render(xhtml, DocumentInfo.titled(name), RenderOptions.parse(options)).bytes();

        assertThat(Conformance.failures(pdf, PDFAFlavour.PDFUA_1)).as("PDF/UA-1 failures").isEmpty();
        assertThat(Conformance.failures(pdf, PDFAFlavour.PDFA_2_B)).as("PDF/A-2b failures").isEmpty();
    }
}
