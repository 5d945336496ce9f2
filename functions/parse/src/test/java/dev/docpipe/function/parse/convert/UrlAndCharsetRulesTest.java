package dev.docpipe.function.parse.convert;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The small rules under the sanitiser and the decoder, checked one value at a time. */
class UrlAndCharsetRulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://example.com/a?b=1#c|https://example.com/a?b=1#c",
            "HTTP://EXAMPLE.COM|HTTP://EXAMPLE.COM",
            "  http://example.com/x  |http://example.com/x",
            "http://example.com/a b|http://example.com/a%20b",
            "mailto:a@example.com?subject=hi|mailto:a@example.com?subject=hi",
            "#section-2|#section-2",
            "#|#"})
    void href_keepsWebMailAndFragmentTargets(String href, String kept) {
        assertThat(HtmlSanitiser.href(href)).isEqualTo(kept);
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "java\nscript:x",
            "\u0001javascript:x", " javascript:x", "java script:x", "vbscript:x", "data:text/html,x", "file:///etc/passwd",
            "FILE://c:/x", "ftp://example.com", "//example.com", "/absolute/path", "relative.html", "http:/example.com",
            "http://", "https:example.com", "jar:file:/x!/y", "about:blank", "blob:x", "", "  "})
    void href_dropsEverythingElse(String href) {
        assertThat(HtmlSanitiser.href(href)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"utf-8, UTF-8", "UTF8, UTF-8", "latin1, windows-1252", "ISO-8859-1, windows-1252", "us-ascii, windows-1252",
            "cp1252, windows-1252", "shift_jis, Shift_JIS", "'\"koi8-r\"', KOI8-R", "iso-8859-15, ISO-8859-15"})
    void charsetLabels_areResolvedLikeBrowsersDo(String label, String expected) {
        assertThat(InputDecoder.charsetForLabel(label, false)).isEqualTo(Charset.forName(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "no-such-charset", "bad name!", "x-user-defined"})
    void charsetLabels_unknownOrBlank_areIgnored(String label) {
        assertThat(InputDecoder.charsetForLabel(label, false)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"page.html", "page.HTM", "page.xhtml", "page.xht"})
    void htmlExtensions_includingXhtmlAndXht_readAsHtml(String name) {
        assertThat(InputDecoder.byExtension(name)).isEqualTo(dev.docpipe.job.Format.HTML);
    }

    @Test
    void charsetLabels_utf16InsideADocument_meanUtf8() {
        assertThat(InputDecoder.charsetForLabel("utf-16", true)).isEqualTo(StandardCharsets.UTF_8);
        assertThat(InputDecoder.charsetForLabel("utf-16", false)).isEqualTo(StandardCharsets.UTF_16);
    }

    @Test
    void metaCharset_isFoundInTheFirstKilobytes_only() {
        byte[] early = ("<html><head><meta charset=\"koi8-r\"></head>").getBytes(StandardCharsets.US_ASCII);
        assertThat(InputDecoder.declaredInHtml(early)).isEqualTo(Charset.forName("KOI8-R"));
        byte[] late = ("<!--" + "x".repeat(InputDecoder.META_SCAN_BYTES) + "--><meta charset=\"koi8-r\">").getBytes(StandardCharsets.US_ASCII);
        assertThat(InputDecoder.declaredInHtml(late)).isNull();
    }

    @Test
    void xmlChars_stripsOnlyWhatXmlForbids() {
        assertThat(XmlChars.strip("a\u0000b\u0008c\td\ne\rf\u000bg\uFFFEh\uFFFFi\uD800j\uDC00k😀l\u0085m\uFFFDn"))
                .isEqualTo("abc\td\ne\rfghijk😀l\u0085m\uFFFDn");
        String clean = "nothing to strip";
        assertThat(XmlChars.strip(clean)).isSameAs(clean);
    }

    @Test
    void slug_isLowercaseLettersAndDigitsJoinedByHyphens() {
        assertThat(MetadataExtractor.slug("  Hello,   World! ")).isEqualTo("hello-world");
        assertThat(MetadataExtractor.slug("C++ & C#")).isEqualTo("c-c");
        assertThat(MetadataExtractor.slug("---")).isEqualTo("section");
        assertThat(MetadataExtractor.slug("42")).isEqualTo("h-42");
        assertThat(MetadataExtractor.slug("x".repeat(100))).hasSize(64);
        assertThat(MetadataExtractor.slug("😀".repeat(100))).isEqualTo("section");
    }
}
