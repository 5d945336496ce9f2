package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FormatsTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());

    static ParsedDocument convert(String content, Format format, String filename) {
        return CONVERTER.convert(content.getBytes(StandardCharsets.UTF_8), format, filename, null);
    }

    @Test
    void markdown_gfmTable_becomesATable() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("sample.md"), null, "report.md", null);
        String body = Xhtml.body(doc.xhtml());
        Xhtml.parseStrict(doc.xhtml());
        assertThat(doc.metadata().format()).isEqualTo(Format.MARKDOWN);
        assertThat(body).contains("<th>Region</th>", "<th class=\"dp-align-right\">Q1</th>", "<td>North</td>",
                "<td class=\"dp-align-right\">10</td>").doesNotContain("align=");
        org.w3c.dom.Element table = (org.w3c.dom.Element) Xhtml.parseStrict(doc.xhtml()).getElementsByTagName("table").item(0);
        assertThat(table.getElementsByTagName("thead").getLength()).isEqualTo(1);
        assertThat(table.getElementsByTagName("tr").getLength()).isEqualTo(3);
        assertThat(table.getElementsByTagName("th").getLength()).isEqualTo(3);
        assertThat(table.getElementsByTagName("td").getLength()).isEqualTo(6);
    }

    @Test
    void markdown_commonConstructsBecomeHtml() {
        String body = Xhtml.body(CONVERTER.convert(Xhtml.resource("sample.md"), Format.MARKDOWN, null, null).xhtml());
        assertThat(body).contains("<h1 id=\"quarterly-report\">Quarterly report</h1>", "<em>emphasis</em>",
                "<strong>strong</strong>", "<code>inline code</code>", "<blockquote>", "<ol>", "<li>first</li>",
                "<a href=\"https://example.com/report\">good link</a>",
                "<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c &gt; d) { return; }");
    }

    @Test
    void markdown_rawHtmlIsShownAsTextAndHostileTargetsAreDropped() {
        String body = Xhtml.body(CONVERTER.convert(Xhtml.resource("sample.md"), Format.MARKDOWN, null, null).xhtml());
        assertThat(body).contains("&lt;script&gt;alert('md')&lt;/script&gt;", "<a>bad link</a>", "remote chart")
                .doesNotContain("<script", "<iframe", "<img", "javascript:", "evil.example/chart", "rel=\"nofollow\"");
    }

    @Test
    void text_keepsLineStructure() {
        ParsedDocument doc = convert("first line\n    indented second\r\nthird\r\n\n\n  \nnext paragraph\n", Format.TEXT, null);
        assertThat(Xhtml.body(doc.xhtml())).isEqualTo("<body><p class=\"dp-text\">first line\n    indented second\nthird</p>"
                + "<p class=\"dp-text\">next paragraph</p></body>");
        assertThat(XhtmlWriter.STYLESHEET).contains("p.dp-text { white-space: pre-wrap; }");
    }

    @Test
    void text_isHtmlEscapedNotInterpreted() {
        String body = Xhtml.body(convert("a < b && c > d <b>not bold</b> &amp;", Format.TEXT, null).xhtml());
        assertThat(body).isEqualTo("<body><p class=\"dp-text\">a &lt; b &amp;&amp; c &gt; d &lt;b&gt;not bold&lt;/b&gt; &amp;amp;</p></body>");
    }

    @ParameterizedTest
    @CsvSource({
            "page.html, HTML", "page.HTM, HTML", "page.xhtml, HTML", "notes.md, MARKDOWN", "notes.Markdown, MARKDOWN",
            "readme.txt, TEXT", "readme.text, TEXT", "dir/sub/notes.md, MARKDOWN", "C:\\docs\\notes.md, MARKDOWN"})
    void format_isInferredFromTheFileExtension(String filename, Format expected) {
        // content that would sniff as HTML: the extension wins
        assertThat(convert("<html><body><p># hi</p></body></html>", null, filename).metadata().format()).isEqualTo(expected);
    }

    static Stream<Arguments> sniffedContent() {
        return Stream.of(
                arguments("<!DOCTYPE html><p>x", Format.HTML),
                arguments("  \n<!doctype HTML>\n<p>x", Format.HTML),
                arguments("<html><p>x", Format.HTML),
                arguments("<HTML><BODY>x", Format.HTML),
                arguments("<body>x", Format.HTML),
                arguments("<!-- c -->\n<div>x</div>", Format.HTML),
                arguments("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>x</body></html>", Format.HTML),
                arguments("<p>para</p>", Format.HTML),
                arguments("<table><tr><td>x", Format.HTML),
                arguments("# heading", Format.TEXT),
                arguments("plain words <b>", Format.TEXT),
                arguments("<notatag> hi", Format.TEXT),
                arguments("<?xml version=\"1.0\"?><note>x</note>", Format.TEXT),
                arguments("1 < 2", Format.TEXT),
                arguments("<!-- unterminated comment", Format.TEXT));
    }

    @ParameterizedTest
    @MethodSource("sniffedContent")
    void format_isSniffedFromTheContentWhenThereIsNoKnownExtension(String content, Format expected) {
        assertThat(convert(content, null, "upload.bin").metadata().format()).isEqualTo(expected);
        assertThat(convert(content, null, null).metadata().format()).isEqualTo(expected);
    }

    @Test
    void format_givenExplicitly_winsOverExtensionAndSniffing() {
        ParsedDocument doc = convert("<html><body>x</body></html>", Format.TEXT, "page.html");
        assertThat(doc.metadata().format()).isEqualTo(Format.TEXT);
        assertThat(Xhtml.body(doc.xhtml())).contains("&lt;html&gt;");
    }
}
