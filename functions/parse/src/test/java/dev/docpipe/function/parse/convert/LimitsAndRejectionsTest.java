package dev.docpipe.function.parse.convert;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LimitsAndRejectionsTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());

    static ConversionException failure(byte[] content, Format format) {
        ConversionException e = catchThrowableOfType(ConversionException.class,
                () -> CONVERTER.convert(content, format, null, null));
        assertThat(e).as("expected a ConversionException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("Exception", "\tat ", "at dev.", "at org.");
        return e;
    }

    static ConversionException failure(String content, Format format) {
        return failure(content.getBytes(StandardCharsets.UTF_8), format);
    }

    // ---- binary content ----

    @Test
    void pngFile_isUnsupportedContentNamingPng() {
        ConversionException e = failure(Xhtml.resource("tiny.png"), null);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).contains("PNG image");
    }

    @Test
    void pdfFile_isUnsupportedContentNamingPdf_evenWhenCalledHtml() {
        ConversionException e = failure(Xhtml.resource("minimal.pdf"), Format.HTML);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).contains("PDF file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"504b0304", "ffd8ffe0", "474946383961", "7f454c46", "1f8b08", "d0cf11e0a1b11ae1"})
    void otherKnownBinarySignatures_areUnsupportedContent(String hex) {
        byte[] head = java.util.HexFormat.of().parseHex(hex);
        byte[] content = new byte[head.length + 40];
        System.arraycopy(head, 0, content, 0, head.length);
        java.util.Arrays.fill(content, head.length, content.length, (byte) 'a');
        ConversionException e = failure(content, Format.TEXT);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).startsWith("binary content: the document looks like ");
    }

    @Test
    void randomBinaryGarbage_isUnsupportedContent() {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 'x'; // no known signature
        ConversionException e = failure(garbage, null);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).contains("NUL bytes");
    }

    @Test
    void controlCharactersWithoutNul_areUnsupportedContentWithTheirShare() {
        byte[] bytes = new byte[200];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 2 == 0 ? 'a' : 0x01);
        }
        ConversionException e = failure(bytes, Format.TEXT);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).contains("50% of the document's bytes are control characters");
    }

    @Test
    void aFewStrayControlCharacters_areToleratedAndStripped() {
        String text = "a".repeat(100) + "\u0001\u0002" + " tail\f\u001b[0m";
        ParsedDocument doc = CONVERTER.convert(text.getBytes(StandardCharsets.UTF_8), Format.TEXT, null, null);
        Xhtml.parseStrict(doc.xhtml());
        assertThat(Xhtml.body(doc.xhtml())).contains("a tail").doesNotContain("\u0001", "\u001b", "\f");
    }

    @Test
    void utf16TextWithNulCharacters_isUnsupportedContent() {
        byte[] bytes = "abc\u0000def".getBytes(StandardCharsets.UTF_16LE);
        ConversionException e = catchThrowableOfType(ConversionException.class,
                () -> CONVERTER.convert(bytes, Format.TEXT, null, "UTF-16LE"));
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(e.getMessage()).contains("NUL characters");
    }

    // ---- empty documents ----

    @Test
    void emptyInput_isEmptyDocument() {
        assertThat(failure(new byte[0], null).code()).isEqualTo(ErrorCode.EMPTY_DOCUMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {" \n\t\r\n ", "\u00a0\u2003\u3000\u200b\ufeff"})
    void whitespaceOnlyInput_isEmptyDocumentInEveryFormat(String blank) {
        for (Format f : Format.values()) {
            assertThat(failure(blank, f).code()).as(f.name()).isEqualTo(ErrorCode.EMPTY_DOCUMENT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><head><title>Only a title</title></head><body>  </body></html>",
            "<script>alert(1)</script><style>p{}</style>", "<p> <br> &nbsp; </p><hr><table><tr><td></td></tr></table>",
            "<img src=\"http://example.com/x.png\">", "<!-- just a comment -->"})
    void htmlWithNothingVisibleAfterSanitising_isEmptyDocument(String html) {
        ConversionException e = failure(html, Format.HTML);
        assertThat(e.code()).isEqualTo(ErrorCode.EMPTY_DOCUMENT);
        assertThat(e.getMessage()).isEqualTo("the document has no text or images to render");
    }

    @Test
    void htmlWithOnlyAnAllowedImage_isNotEmpty() {
        String html = "<img src=\"data:image/png;base64," + HtmlSanitisingTest.PNG_BASE64 + "\">";
        assertThat(CONVERTER.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, null, null).metadata().wordCount()).isZero();
    }

    // ---- size ----

    @Test
    void inputOverMaxBytes_isTooLargeWithoutParsing() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(100, 256, 1000));
        byte[] content = new byte[101]; // NUL bytes: would be UNSUPPORTED_CONTENT if it were looked at
        ConversionException e = catchThrowableOfType(ConversionException.class, () -> small.convert(content, null, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("document is 101 bytes, over the limit of 100 bytes");
    }

    @Test
    void inputOfExactlyMaxBytes_isAccepted() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(5, 256, 1000));
        assertThat(small.convert("hello".getBytes(StandardCharsets.UTF_8), null, null, null).metadata().wordCount()).isEqualTo(1);
    }

    @Test
    void moreElementsThanMaxElements_isTooLargeNamingTheLimit() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(1 << 20, 256, 1000));
        ConversionException e = catchThrowableOfType(ConversionException.class,
                () -> small.convert("<p>x</p>".repeat(1001).getBytes(StandardCharsets.UTF_8), Format.HTML, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("document has more than 1000 elements");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void elementAmplifyingMisnestedFormatting_stopsAtTheElementLimit() {
        // each <p> re-opens the four formatting elements: several elements per tag written
        String html = "<b><i><u><s><p>x".repeat(200_000);
        ConversionException e = failure(html, Format.HTML);
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains("more than 200000 elements");
    }

    @Test
    void textWithMoreParagraphsThanMaxElements_isTooLarge() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(1 << 20, 256, 100));
        ConversionException e = catchThrowableOfType(ConversionException.class,
                () -> small.convert("para\n\n".repeat(101).getBytes(StandardCharsets.UTF_8), Format.TEXT, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).contains("more than 100 paragraphs");
    }

    @Test
    void markdownText_doesNotCountAsElements() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(1 << 20, 96, 1000));
        ParsedDocument doc = small.convert("# heading\nword\n".repeat(400).getBytes(StandardCharsets.UTF_8), Format.MARKDOWN, null, null);
        assertThat(doc.metadata().outline()).hasSize(400);
    }

    @Test
    void textWithManyLinesInOneParagraph_costsNoElementsPerLine() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(1 << 20, 256, 100));
        ParsedDocument doc = small.convert("line\n".repeat(10_000).getBytes(StandardCharsets.UTF_8), Format.TEXT, null, null);
        assertThat(doc.metadata().wordCount()).isEqualTo(10_000);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void markdownBracketStorm_isTooLargeBeforeTheMarkdownParserRunsOutOfMemory() {
        ConversionException e = failure("[".repeat(5_000_000), Format.MARKDOWN);
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("markdown has more than 400000 lines and inline markup characters (twice the element limit)");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void markdownWithMoreElementsThanMaxElements_isTooLargeBeforeRendering() {
        DocumentConverter small = new DocumentConverter(new ConvertLimits(1 << 20, 256, 1000));
        ConversionException e = catchThrowableOfType(ConversionException.class,
                () -> small.convert("# heading\n".repeat(1001).getBytes(StandardCharsets.UTF_8), Format.MARKDOWN, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("markdown has more than 1000 elements");
    }

    // ---- nesting ----

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void html_100000DeepNesting_isTooLargeQuicklyWithoutStackOverflow() {
        String html = "<div>".repeat(100_000) + "deep" + "</div>".repeat(100_000);
        long start = System.nanoTime();
        ConversionException e = failure(html, Format.HTML);
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("document nesting is deeper than 96 levels");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void html_100000DeepUnclosedMixedTags_isTooLarge() {
        String html = "<span><em><blockquote><ul><li><table><tr><td>".repeat(12_500) + "x";
        assertThat(failure(html, Format.HTML).code()).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void markdown_100000DeepBlockquotes_isTooLargeQuickly() {
        // CommonMark itself stops nesting at 100 levels; that is still deeper than the default 96
        ConversionException e = failure(">".repeat(100_000) + " deep", Format.MARKDOWN);
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("markdown nesting is deeper than 96 levels");
    }

    @Test
    void markdown_nestingWithinTheLimit_converts() {
        ParsedDocument doc = CONVERTER.convert((">".repeat(40) + " deep").getBytes(StandardCharsets.UTF_8),
                Format.MARKDOWN, null, null);
        assertThat(Xhtml.body(doc.xhtml()).split("<blockquote>", -1)).hasSize(41);
        Xhtml.parseStrict(doc.xhtml());
    }

    @Test
    void html_atTheDefaultDepthLimit_isStillParseableByTheJdksDefaultXmlDepthLimit() {
        String html = "<div>".repeat(ConvertLimits.DEFAULT_MAX_DEPTH) + "x";
        Xhtml.parseStrict(CONVERTER.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, null, null).xhtml());
    }

    @Test
    void nestingAtExactlyMaxDepth_isAccepted_oneMoreIsRejected() {
        DocumentConverter shallow = new DocumentConverter(new ConvertLimits(1 << 20, 10, 1000));
        byte[] ten = ("<div>".repeat(10) + "x").getBytes(StandardCharsets.UTF_8);
        byte[] eleven = ("<div>".repeat(11) + "x").getBytes(StandardCharsets.UTF_8);
        assertThat(shallow.convert(ten, Format.HTML, null, null).xhtml()).contains("<div>".repeat(10) + "x");
        ConversionException e = catchThrowableOfType(ConversionException.class, () -> shallow.convert(eleven, Format.HTML, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("document nesting is deeper than 10 levels");
    }

    @Test
    void deeplyNestedUnwrappedWrappers_doNotCountAsNesting() {
        DocumentConverter shallow = new DocumentConverter(new ConvertLimits(1 << 20, 10, 10_000));
        String html = "<font>".repeat(1000) + "<p>text</p>";
        assertThat(Xhtml.body(shallow.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, null, null).xhtml()))
                .isEqualTo("<body><p>text</p></body>");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void html_10000RowTable_converts() {
        StringBuilder html = new StringBuilder("<table><thead><tr><th>#</th><th>Name</th><th>Value</th></tr></thead><tbody>");
        for (int i = 0; i < 10_000; i++) {
            html.append("<tr><td>").append(i).append("</td><td>row ").append(i).append("</td><td>").append(i * 7).append("</td></tr>");
        }
        html.append("</tbody></table>");
        ParsedDocument doc = CONVERTER.convert(html.toString().getBytes(StandardCharsets.UTF_8), Format.HTML, null, null);
        org.w3c.dom.Document xml = Xhtml.parseStrict(doc.xhtml());
        assertThat(xml.getElementsByTagName("tr").getLength()).isEqualTo(10_001);
        assertThat(doc.metadata().wordCount()).isEqualTo(3 + 10_000 * 4);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void markdown_10000RowTable_converts() {
        StringBuilder md = new StringBuilder("| # | Name |\n|---|------|\n");
        for (int i = 0; i < 10_000; i++) {
            md.append("| ").append(i).append(" | row ").append(i).append(" |\n");
        }
        ParsedDocument doc = CONVERTER.convert(md.toString().getBytes(StandardCharsets.UTF_8), Format.MARKDOWN, null, null);
        assertThat(Xhtml.parseStrict(doc.xhtml()).getElementsByTagName("tr").getLength()).isEqualTo(10_001);
    }

    @Test
    void limits_defaultsAreDocumentedValues_andNonsenseIsRefused() {
        assertThat(ConvertLimits.defaults()).isEqualTo(new ConvertLimits(10L * 1024 * 1024, 96, 200_000));
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ConvertLimits(0, 1, 1))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ConvertLimits(1, 0, 1))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ConvertLimits(1, 1, 0))).isNotNull();
    }
}
