package dev.docpipe.function.parse.convert;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HtmlSanitisingTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());
    static final String PNG_BASE64 = Base64.getEncoder().encodeToString(Xhtml.resource("tiny.png"));

    static String hostileOutput;
    static String hostileBody;

    @BeforeAll
    static void convertHostilePage() {
        hostileOutput = CONVERTER.convert(Xhtml.resource("hostile.html"), null, "hostile.html", null).xhtml();
        hostileBody = Xhtml.body(hostileOutput);
    }

    static String body(String html) {
        return Xhtml.body(CONVERTER.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, null, null).xhtml());
    }

    @Test
    void hostilePage_isStillWellFormed() {
        Xhtml.parseStrict(hostileOutput);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<script", "<iframe", "<frame", "<object", "<embed", "<applet", "<form", "<input",
            "<button", "<textarea", "<select", "<option", "<link", "<meta", "<base", "<svg", "<math", "<template",
            "<noscript", "<video", "<audio", "<source", "<track", "<canvas", "<style", "<isindex", "<param"})
    void hostilePage_activeAndEmbeddingElementsAreGone(String tag) {
        assertThat(hostileBody).doesNotContainIgnoringCase(tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"onload", "onclick", "onerror", "onmouseover", "onstart", "ontoggle", "srcset",
            "background", "formaction", "xmlns:", "data-x", "target=", "rel=", "ping=", "poster"})
    void hostilePage_dangerousAttributesAreGone(String attribute) {
        assertThat(hostileBody).doesNotContainIgnoringCase(attribute);
    }

    @Test
    void hostilePage_styleAttributesKeepOnlyTheirSafeDeclarations() {
        assertThat(hostileBody).contains("style=\"color: red;\"");
        assertThat(hostileBody.split("style=", -1)).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:", "vbscript:", "data:text", "file:", "url(", "@import", "evil.example",
            "/etc/passwd", "alert("})
    void hostilePage_noScriptUrlsFileUrlsOrCssFetchesRemain(String needle) {
        assertThat(hostileBody).doesNotContainIgnoringCase(needle);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRIPTED", "IFRAMECONTENT", "OBJECTCONTENT", "APPLETCONTENT", "INPUTVALUE", "BUTTONTEXT",
            "TEXTAREACONTENT", "OPTIONTEXT", "SVGTEXT", "MATHTEXT", "TEMPLATECONTENT", "NOSCRIPTCONTENT", "VIDEOTEXT",
            "AUDIOTEXT", "CANVASTEXT"})
    void hostilePage_contentOfRemovedElementsIsGoneToo(String content) {
        assertThat(hostileBody).doesNotContain(content);
    }

    @Test
    void hostilePage_harmlessContentSurvives() {
        assertThat(hostileBody)
                .contains("Visible heading", "Kept paragraph <b>bold</b> and <i>italic</i>.", "styled div text",
                        "behavior span", ">cell</td>", "Text after everything.", "marquee text", "summary text",
                        "details text", "js link", "file link");
    }

    @Test
    void hostilePage_unloadableImagesBecomeTheirAltText() {
        assertThat(hostileBody).doesNotContain("<img")
                .contains("tracker alt text", "file image alt", "set alt");
    }

    @Test
    void hostilePage_linksKeepOnlyWebMailAndFragmentTargets() {
        assertThat(hostileBody)
                .contains("<a href=\"https://example.com/ok?a=1&amp;b=2\">good https link</a>")
                .contains("<a href=\"http://example.com/plain\">good http link</a>")
                .contains("<a href=\"mailto:someone@example.com\">mail link</a>")
                .contains("<a href=\"#visible-heading\">fragment link</a>")
                .contains("<a>js link</a>", "<a>entity js link</a>", "<a>tab js link</a>", "<a>spaced js link</a>",
                        "<a>vbs link</a>", "<a>data link</a>", "<a>file link</a>", "<a>protocol-relative link</a>",
                        "<a>relative link</a>");
    }

    @Test
    void hostilePage_headKeepsOnlyOurOwnMetaTitleAndStyle() {
        String head = hostileOutput.substring(hostileOutput.indexOf("<head>"), hostileOutput.indexOf("</head>"));
        assertThat(head).startsWith("<head><meta charset=\"UTF-8\" /><title>Hostile page</title><style class=\"docpipe-stylesheet\">")
                .doesNotContain("evil.example", "@import", "<script", "<link", "<base", "refresh");
    }

    @Test
    void wholeOutput_hasNoExternalReferenceAnywhere() {
        assertThat(hostileOutput.replace("http://www.w3.org/1999/xhtml", ""))
                .doesNotContain("url(", "@import", "src=\"http", "file:", "evil.example");
    }

    @Test
    void img_withHttpSource_isRemovedButDataPngIsKept() {
        String out = body("<p>a <img src=\"http://example.com/x.png\" alt=\"remote\"> b "
                + "<img src=\"data:image/png;base64," + PNG_BASE64 + "\" alt=\"inline\" width=\"10\" height=\"20\"></p>");
        assertThat(out).doesNotContain("example.com")
                .contains("a remote b")
                .contains("<img alt=\"inline\" width=\"10\" height=\"20\" src=\"data:image/png;base64," + PNG_BASE64 + "\" />");
    }

    @Test
    void img_dataUrlWithWrappedBase64AndUpperCaseType_isNormalised() {
        String wrapped = PNG_BASE64.substring(0, 20) + "\n  " + PNG_BASE64.substring(20);
        String out = body("<p>x<img src=\"DATA:image/PNG;base64," + wrapped + "\"></p>");
        assertThat(out).contains("src=\"data:image/png;base64," + PNG_BASE64 + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
            "data:image/png,rawnotbase64",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/jpeg;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", // PNG bytes labelled JPEG
            "data:image/png;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",     // SVG bytes labelled PNG
            "blob:https://example.com/1", "cid:part1", "//example.com/a.png", "a.png"})
    void img_withAnythingButAMatchingPngJpegOrGifDataUrl_isRemoved(String src) {
        assertThat(body("<p>text <img src=\"" + src + "\" alt=\"ALT\"></p>")).doesNotContain("<img").contains("text ALT");
    }

    @Test
    void img_largeDataUrlUnderTheSizeCap_isKept() {
        String large = PNG_BASE64 + "A".repeat(3 * 1024 * 1024);
        String out = body("<p>text<img src=\"data:image/png;base64," + large + "\"></p>");
        assertThat(out).contains("<img src=\"data:image/png;base64," + PNG_BASE64 + "AAAA");
    }

    @Test
    void documentTextDirection_onHtmlOrBody_isKept() {
        assertThat(body("<html dir=\"rtl\"><body><p>שלום</p></body></html>")).isEqualTo("<body dir=\"rtl\"><p>שלום</p></body>");
        assertThat(body("<body dir=\"ltr\"><p>x</p></body>")).isEqualTo("<body dir=\"ltr\"><p>x</p></body>");
        assertThat(body("<body dir=\"sideways\" onload=\"x()\"><p>x</p></body>")).isEqualTo("<body><p>x</p></body>");
    }

    @Test
    void img_dataUrlOverTheSizeCap_isRemoved() {
        String huge = PNG_BASE64.substring(0, 16) + "A".repeat(HtmlSanitiser.MAX_IMAGE_DATA_URL_CHARS);
        assertThat(body("<p>text<img src=\"data:image/png;base64," + huge + "\" alt=\"big\"></p>"))
                .doesNotContain("<img").contains("textbig");
    }

    @Test
    void unknownAndPresentationalElements_areUnwrappedKeepingTheirText() {
        assertThat(body("<p><font color=red>red</font> <blink>blink</blink> <o:p>word</o:p> <my-widget>custom</my-widget></p>"))
                .isEqualTo("<body><p>red blink word custom</p></body>");
    }

    @Test
    void legacyElements_areRenamedToTheirModernEquivalents() {
        assertThat(body("<center>c</center><tt>t</tt><strike>s</strike><xmp><b>raw</b></xmp>"))
                .contains("<div>c</div>", "<code>t</code>", "<s>s</s>", "<pre>&lt;b&gt;raw&lt;/b&gt;</pre>");
    }

    @Test
    void allowedStructure_isKeptWithItsSafeAttributes() {
        String out = body("<table><caption>Cap</caption><colgroup span=\"2\"></colgroup><thead><tr><th scope=\"col\" colspan=\"2\">H</th></tr></thead>"
                + "<tbody><tr><td rowspan=\"99999\">a</td><td>b</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>"
                + "<ol start=\"3\" reversed type=\"a\"><li value=\"7\">x</li></ol><dl><dt>t</dt><dd>d</dd></dl>"
                + "<figure><figcaption>fc</figcaption></figure><blockquote cite=\"http://x\">q</blockquote>"
                + "<p lang=\"de-CH\" dir=\"rtl\" title=\"tip\" class=\"a b\">p</p><pre><code>c</code></pre><hr><br>");
        assertThat(out)
                .contains("<caption>Cap</caption>", "<colgroup span=\"2\"></colgroup>", "<th scope=\"col\" colspan=\"2\">H</th>",
                        "<td rowspan=\"1000\">a</td>", "<tfoot>", "<ol start=\"3\" reversed=\"reversed\" type=\"a\"><li value=\"7\">x</li></ol>",
                        "<dl><dt>t</dt><dd>d</dd></dl>", "<figure><figcaption>fc</figcaption></figure>", "<blockquote>q</blockquote>",
                        "<p lang=\"de-CH\" dir=\"rtl\" title=\"tip\" class=\"a b\">p</p>", "<pre><code>c</code></pre>", "<hr />", "<br />");
    }

    @Test
    void invalidAttributeValues_areDropped() {
        assertThat(body("<p lang=\"not a tag!\" dir=\"sideways\" class=\"1bad good\" id=\"has space\">x</p><ol start=\"1e9\" type=\"disc\"><li>y</li></ol>"))
                .contains("<p class=\"good\">x</p>", "<ol><li>y</li></ol>");
    }

    @Test
    void duplicateIds_keepTheFirstOnly() {
        assertThat(body("<p id=\"x\">1</p><p id=\"x\">2</p>")).isEqualTo("<body><p id=\"x\">1</p><p>2</p></body>");
    }

    @Test
    void oldStyleNamedAnchor_becomesAnId() {
        assertThat(body("<p><a name=\"sec1\">anchor</a> <a href=\"#sec1\">to it</a></p>"))
                .contains("<a id=\"sec1\">anchor</a>", "<a href=\"#sec1\">to it</a>");
    }

    @Test
    void comments_includingConditionalComments_areDropped() {
        assertThat(body("<p>a<!-- secret --><!--[if IE]><script>x()</script><![endif]-->b</p>"))
                .isEqualTo("<body><p>ab</p></body>");
    }

    @Test
    void xxeDoctypeAndProcessingInstructions_areNotExpandedAndLeaveNoTrace() {
        String html = "<?xml version=\"1.0\"?><?xml-stylesheet type=\"text/css\" href=\"http://evil.example/x.css\"?>"
                + "<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
                + "<!ENTITY lol \"lollollollollol\">]><html><body><p>before &xxe; &lol; after</p></body></html>";
        String out = CONVERTER.convert(html.getBytes(StandardCharsets.UTF_8), null, null, null).xhtml();
        Xhtml.parseStrict(out);
        assertThat(out).doesNotContain("root:", "<!DOCTYPE", "<!ENTITY", "lollol", "file:", "/etc/passwd", "<?", "evil.example")
                .contains("before &amp;xxe; &amp;lol; after");
    }

    @Test
    void frameset_yieldsNoContent() {
        assertThat(catchThrowableOfType(ConversionException.class,
                () -> body("<html><frameset><frame src=\"http://x\"></frameset></html>")).code())
                .isEqualTo(ErrorCode.EMPTY_DOCUMENT);
    }

    @Test
    void unclosedElementsThatBrowsersShow_doNotSwallowTheRestOfTheDocument() {
        assertThat(body("<p>a<isindex prompt=\"x\">b<portal src=\"http://x\">c<map name=m><area href=\"http://x\">d<output>e</p><p>f</p>"))
                .isEqualTo("<body><p>abcde</p><p>f</p></body>");
    }

    @Test
    void markdownAndText_goThroughTheSameSanitiser() {
        String md = CONVERTER.convert("[x](file:///etc/passwd) <img src=x onerror=alert(1)>".getBytes(StandardCharsets.UTF_8),
                Format.MARKDOWN, null, null).xhtml();
        assertThat(Xhtml.body(md)).doesNotContain("file:", "<img", "rel=").contains("&lt;img src=x onerror=alert(1)&gt;");
        String text = CONVERTER.convert("<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8),
                Format.TEXT, null, null).xhtml();
        assertThat(Xhtml.body(text)).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
}
