package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MetadataTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());

    static ParsedDocument convert(String content, Format format, String filename) {
        return CONVERTER.convert(content.getBytes(StandardCharsets.UTF_8), format, filename, null);
    }

    @Test
    void headings_getUniqueSlugIdsAndFormTheOutline() {
        ParsedDocument doc = convert("<h1>Introduction</h1><h2>Getting Started!</h2><h2>Getting started</h2>"
                + "<h3>Über uns — Ελληνικά</h3><h2>2024 plan</h2><h4>  </h4><h5>Getting started</h5><h6>&amp; more</h6>",
                Format.HTML, null);
        assertThat(doc.metadata().outline()).containsExactly(
                new Heading(1, "Introduction", "introduction"),
                new Heading(2, "Getting Started!", "getting-started"),
                new Heading(2, "Getting started", "getting-started-2"),
                new Heading(3, "Über uns — Ελληνικά", "über-uns-ελληνικά"),
                new Heading(2, "2024 plan", "h-2024-plan"),
                new Heading(5, "Getting started", "getting-started-3"),
                new Heading(6, "& more", "more"));
        String body = Xhtml.body(doc.xhtml());
        assertThat(body).contains("<h1 id=\"introduction\">", "<h2 id=\"getting-started-2\">", "<h4 id=\"section\">",
                "<h3 id=\"über-uns-ελληνικά\">");
    }

    @Test
    void headingIds_areStableAcrossConversions() {
        String html = "<h1>A</h1><h2>A</h2><h2>B</h2>";
        assertThat(convert(html, Format.HTML, null).metadata()).isEqualTo(convert(html, Format.HTML, null).metadata());
        assertThat(convert(html, Format.HTML, null).xhtml()).isEqualTo(convert(html, Format.HTML, null).xhtml());
    }

    @Test
    void headingIds_keepAnAuthorIdAndAvoidCollidingWithOtherIds() {
        ParsedDocument doc = convert("<p id=\"intro\">p</p><h1>Intro</h1><h2 id=\"custom\">Custom</h2><h2 id=\"intro\">Dup</h2>"
                + "<a href=\"#custom\">to custom</a>", Format.HTML, null);
        assertThat(doc.metadata().outline()).extracting(Heading::id).containsExactly("intro-2", "custom", "dup");
        assertThat(Xhtml.body(doc.xhtml())).contains("<p id=\"intro\">p</p>", "<a href=\"#custom\">");
    }

    @Test
    void headingIds_areUniqueInTheWholeOutput() {
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            html.append("<h2>Same</h2><h3 id=\"same-").append(i + 2).append("\">x</h3>");
        }
        org.w3c.dom.Document xml = Xhtml.parseStrict(convert(html.toString(), Format.HTML, null).xhtml());
        java.util.Set<String> ids = new java.util.HashSet<>();
        org.w3c.dom.NodeList all = xml.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            String id = ((org.w3c.dom.Element) all.item(i)).getAttribute("id");
            if (!id.isEmpty()) {
                assertThat(ids.add(id)).as("duplicate id " + id).isTrue();
            }
        }
        assertThat(ids).hasSize(100);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void manyHeadingsWithTheSameText_getIdsInLinearTime() {
        ParsedDocument doc = convert("<h2>Same</h2>".repeat(50_000), Format.HTML, null);
        assertThat(doc.metadata().outline()).hasSize(50_000);
        assertThat(doc.metadata().outline().get(49_999).id()).isEqualTo("same-50000");

        // ten times the headings take about ten times as long, not a hundred: compared within this run (the
        // fastest of three each), so a busy machine slows both sides alike
        long small = fastestOfThree(5_000);
        long large = fastestOfThree(50_000);
        assertThat((double) large / small).as("50,000 headings ÷ 5,000 headings, time").isLessThan(35);
    }

    private static long fastestOfThree(int headings) {
        String html = "<h2>Same</h2>".repeat(headings);
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(convert(html, Format.HTML, null).metadata().outline()).hasSize(headings);
            fastest = Math.min(fastest, System.nanoTime() - start);
        }
        return fastest;
    }

    @Test
    void markdownHeadings_areInTheOutline() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("sample.md"), null, "sample.md", null);
        assertThat(doc.metadata().outline()).containsExactly(
                new Heading(1, "Quarterly report", "quarterly-report"),
                new Heading(2, "Numbers", "numbers"),
                new Heading(2, "Links and hostile bits", "links-and-hostile-bits"),
                new Heading(2, "Numbers", "numbers-2"));
        assertThat(doc.metadata().title()).isEqualTo("Quarterly report");
        assertThat(doc.metadata().language()).isNull();
    }

    static Stream<Arguments> wordCounts() {
        return Stream.of(
                arguments("one two  three\tfour\nfive", 5),
                arguments("<p>one</p><p>two</p>three<br>four<table><tr><td>five</td><td>six</td></tr></table>", 6),
                arguments("don't stop-me now — ok", 5),
                arguments("中文文本", 4),
                arguments("日本語のテキストです", 10),
                arguments("한국어 텍스트", 2),
                arguments("mixed 中文 words", 4),
                arguments("Grüße aus Köln, Ελλάδα και Россия", 6),
                arguments("no\u00a0break\u2003em\u3000ideographic", 4),
                arguments("<p>visible</p><script>invisible words here</script><!-- hidden comment -->", 1),
                arguments("<p>a<img alt=\"alt text counts\" src=\"http://x\">b</p>", 3));
    }

    @ParameterizedTest
    @MethodSource("wordCounts")
    void wordCount_splitsOnUnicodeWhitespaceAndCountsEachCjkCharacter(String html, int expected) {
        assertThat(convert(html, Format.HTML, null).metadata().wordCount()).isEqualTo(expected);
    }

    @Test
    void title_comesFromTheTitleElement() {
        assertThat(convert("<title> The  Title\n</title><h1>Heading</h1>", Format.HTML, "file.html").metadata().title())
                .isEqualTo("The Title");
    }

    @Test
    void title_fallsBackToTheFirstH1() {
        assertThat(convert("<h2>Second</h2><h1>First <em>one</em></h1><h1>Other</h1>", Format.HTML, "file.html").metadata().title())
                .isEqualTo("First one");
    }

    @Test
    void title_fallsBackToTheFileNameWithoutExtension() {
        assertThat(convert("just text", null, "reports/2024/annual.report.txt").metadata().title()).isEqualTo("annual.report");
        assertThat(convert("just text", Format.TEXT, "C:\\Users\\me\\notes.txt").metadata().title()).isEqualTo("notes");
        assertThat(convert("just text", Format.TEXT, ".profile").metadata().title()).isEqualTo(".profile");
    }

    @Test
    void title_fallsBackToUntitled() {
        assertThat(convert("just text", Format.TEXT, null).metadata().title()).isEqualTo("Untitled");
        assertThat(convert("<title>  </title><p>x</p>", Format.HTML, "  ").metadata().title()).isEqualTo("Untitled");
    }

    @Test
    void title_isEscapedInTheHeadAndFreeOfControlCharacters() {
        ParsedDocument doc = convert("<title>a &lt;b&gt; &amp; c</title><p>x</p>", Format.HTML, null);
        assertThat(doc.metadata().title()).isEqualTo("a <b> & c");
        assertThat(doc.xhtml()).contains("<title>a &lt;b&gt; &amp; c</title>");
        ParsedDocument fromName = convert("x", Format.TEXT, "bad\u0001name.txt");
        assertThat(fromName.metadata().title()).isEqualTo("badname");
        Xhtml.parseStrict(fromName.xhtml());
    }

    @Test
    void language_comesFromHtmlLangWhenItIsALanguageTag() {
        assertThat(convert("<html lang=\"pt-BR\"><p>x</p>", Format.HTML, null).metadata().language()).isEqualTo("pt-BR");
        assertThat(convert("<html lang=\"pt-BR\"><p>x</p>", Format.HTML, null).xhtml()).startsWith(
                "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"pt-BR\">");
        assertThat(convert("<html lang=\"&quot;><script>\"><p>x</p>", Format.HTML, null).metadata().language()).isNull();
        ParsedDocument noLang = convert("<p>x</p>", Format.HTML, null);
        assertThat(noLang.metadata().language()).isNull();
        assertThat(noLang.xhtml()).startsWith("<html xmlns=\"http://www.w3.org/1999/xhtml\"><head>");
    }

    @Test
    void metadataJson_roundTrips() {
        DocumentMetadata m = new DocumentMetadata("Title \"quoted\" ü 中", "en", 42,
                List.of(new Heading(1, "A", "a"), new Heading(3, "B & C", "b-c")), "windows-1252", Format.MARKDOWN);
        String json = m.toJson();
        assertThat(json).contains("\"format\":\"markdown\"", "\"wordCount\":42", "\"charset\":\"windows-1252\"");
        assertThat(DocumentMetadata.fromJson(json)).isEqualTo(m);
    }

    @Test
    void metadataJson_roundTripsANullLanguageAndAnEmptyOutline() {
        DocumentMetadata m = new DocumentMetadata("T", null, 0, List.of(), "UTF-8", Format.TEXT);
        assertThat(m.toJson()).contains("\"language\":null", "\"outline\":[]");
        assertThat(DocumentMetadata.fromJson(m.toJson())).isEqualTo(m);
    }

    @Test
    void metadataJson_ofARealConversion_roundTrips() {
        DocumentMetadata m = CONVERTER.convert(Xhtml.resource("windows-1252.html"), null, null, null).metadata();
        assertThat(DocumentMetadata.fromJson(m.toJson())).isEqualTo(m);
    }

    @Test
    void metadataJson_malformed_isRejectedWithAPlainMessage() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> DocumentMetadata.fromJson("{nope"));
        assertThat(e.getMessage()).isEqualTo("document metadata is not valid JSON");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> DocumentMetadata.fromJson("[1]"))).isNotNull();
    }

    @Test
    void metadata_outlineIsImmutable() {
        DocumentMetadata m = convert("<h1>x</h1>", Format.HTML, null).metadata();
        assertThat(catchThrowableOfType(UnsupportedOperationException.class, () -> m.outline().clear())).isNotNull();
    }
}
