package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CharsetTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void utf8_isTheDefaultAndIsRecorded() {
        ParsedDocument doc = CONVERTER.convert("<p>Grüße, Ελληνικά, Русский, 中文, 日本語, 한국어</p>".getBytes(StandardCharsets.UTF_8),
                null, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("UTF-8");
        assertThat(Xhtml.body(doc.xhtml())).contains("Grüße, Ελληνικά, Русский, 中文, 日本語, 한국어");
    }

    @Test
    void invalidUtf8_becomesReplacementCharactersNotAnException() {
        byte[] bytes = concat("<p>ok ".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xE2, (byte) 0x82},
                " end</p>".getBytes(StandardCharsets.UTF_8));
        ParsedDocument doc = CONVERTER.convert(bytes, Format.HTML, null, null);
        Xhtml.parseStrict(doc.xhtml());
        assertThat(Xhtml.body(doc.xhtml())).contains("ok \uFFFD(\uFFFD\uFFFD end");
    }

    @Test
    void windows1252DeclaredViaMetaHttpEquiv_decodesAccentsAndEuro() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("windows-1252.html"), null, "menu.html", null);
        assertThat(doc.metadata().charset()).isEqualTo("windows-1252");
        assertThat(doc.metadata().title()).isEqualTo("Café menu");
        assertThat(doc.metadata().language()).isEqualTo("fr");
        assertThat(Xhtml.body(doc.xhtml())).contains("Café crème", "Prix : 3 € – “délicieux”");
    }

    @Test
    void latin1DeclaredViaMetaCharset_isReadAsWindows1252LikeBrowsersDo() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("latin1-meta-charset.html"), null, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("windows-1252");
        assertThat(Xhtml.body(doc.xhtml())).contains("naïve €");
    }

    @Test
    void declaredCharset_winsOverTheMetaTag() {
        byte[] bytes = "<meta charset=\"windows-1252\"><p>€ é</p>".getBytes(StandardCharsets.UTF_8);
        ParsedDocument doc = CONVERTER.convert(bytes, Format.HTML, null, "utf-8");
        assertThat(doc.metadata().charset()).isEqualTo("UTF-8");
        assertThat(Xhtml.body(doc.xhtml())).contains("€ é");
    }

    @Test
    void declaredCharset_appliesToTextAndMarkdown() {
        byte[] bytes = "Straße – ça".getBytes(Charset.forName("windows-1252"));
        ParsedDocument text = CONVERTER.convert(bytes, Format.TEXT, null, "ISO-8859-1");
        assertThat(text.metadata().charset()).isEqualTo("windows-1252");
        assertThat(Xhtml.body(text.xhtml())).contains("Straße – ça");
        ParsedDocument md = CONVERTER.convert(bytes, Format.MARKDOWN, null, "windows-1252");
        assertThat(Xhtml.body(md.xhtml())).contains("Straße – ça");
    }

    @Test
    void unknownDeclaredCharset_isIgnored() {
        ParsedDocument doc = CONVERTER.convert("<p>é</p>".getBytes(StandardCharsets.UTF_8), null, null, "x-no-such-charset!");
        assertThat(doc.metadata().charset()).isEqualTo("UTF-8");
        assertThat(Xhtml.body(doc.xhtml())).contains("é");
    }

    @Test
    void byteOrderMark_winsOverDeclaredCharsetAndMeta() {
        byte[] bytes = concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "<meta charset=\"windows-1252\"><p>€</p>".getBytes(StandardCharsets.UTF_8));
        ParsedDocument doc = CONVERTER.convert(bytes, null, null, "iso-8859-5");
        assertThat(doc.metadata().charset()).isEqualTo("UTF-8");
        assertThat(Xhtml.body(doc.xhtml())).isEqualTo("<body><p>€</p></body>");
    }

    @Test
    void utf16LittleEndianWithBom_greekAndCyrillicTextArePreserved() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("greek-utf16le-bom.txt"), null, "greek.txt", null);
        assertThat(doc.metadata().charset()).isEqualTo("UTF-16LE");
        assertThat(doc.metadata().format()).isEqualTo(Format.TEXT);
        assertThat(Xhtml.body(doc.xhtml())).isEqualTo("<body><p class=\"dp-text\">Καλημέρα κόσμε\nΔεύτερη γραμμή</p>"
                + "<p class=\"dp-text\">Новый абзац по-русски</p></body>");
        assertThat(doc.metadata().wordCount()).isEqualTo(7);
    }

    @Test
    void utf16BigEndianWithBom_htmlIsSniffedAndCjkPreserved() {
        ParsedDocument doc = CONVERTER.convert(Xhtml.resource("cjk-utf16be-bom.html"), null, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("UTF-16BE");
        assertThat(doc.metadata().format()).isEqualTo(Format.HTML);
        assertThat(doc.metadata().language()).isEqualTo("zh");
        assertThat(Xhtml.body(doc.xhtml())).contains("<h1 id=\"概要\">概要</h1>", "中文文本 and English");
    }

    @Test
    void utf16DeclaredWithoutBom_isDecodedAndNotMistakenForBinary() {
        byte[] bytes = "Plain text, UTF-16LE, no BOM: Ωμέγα".getBytes(StandardCharsets.UTF_16LE);
        ParsedDocument doc = CONVERTER.convert(bytes, null, null, "UTF-16LE");
        assertThat(Xhtml.body(doc.xhtml())).contains("Plain text, UTF-16LE, no BOM: Ωμέγα");
    }

    @Test
    void utf32WithBom_isDecoded() {
        byte[] bytes = concat(new byte[]{(byte) 0xFF, (byte) 0xFE, 0, 0}, "UTF-32 😀 text".getBytes(Charset.forName("UTF-32LE")));
        ParsedDocument doc = CONVERTER.convert(bytes, Format.TEXT, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("UTF-32LE");
        assertThat(Xhtml.body(doc.xhtml())).contains("UTF-32 😀 text");
    }

    @Test
    void metaClaimingUtf16InAnAsciiReadableDocument_meansUtf8() {
        ParsedDocument doc = CONVERTER.convert("<meta charset=\"utf-16\"><p>é</p>".getBytes(StandardCharsets.UTF_8), null, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("UTF-8");
        assertThat(Xhtml.body(doc.xhtml())).contains("é");
    }

    @Test
    void xmlDeclarationEncoding_isHonouredForHtml() {
        byte[] bytes = concat("<?xml version=\"1.0\" encoding=\"ISO-8859-7\"?><html><body><p>".getBytes(StandardCharsets.US_ASCII),
                "Αθήνα".getBytes(Charset.forName("ISO-8859-7")), "</p></body></html>".getBytes(StandardCharsets.US_ASCII));
        ParsedDocument doc = CONVERTER.convert(bytes, null, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("ISO-8859-7");
        assertThat(Xhtml.body(doc.xhtml())).contains("Αθήνα");
    }

    @Test
    void shiftJisDeclaredViaMeta_isDecoded() {
        byte[] bytes = concat("<html><head><meta http-equiv=content-type content='text/html;charset=Shift_JIS'></head><body><p>".getBytes(StandardCharsets.US_ASCII),
                "日本語の文章".getBytes(Charset.forName("Shift_JIS")), "</p></body></html>".getBytes(StandardCharsets.US_ASCII));
        ParsedDocument doc = CONVERTER.convert(bytes, Format.HTML, null, null);
        assertThat(doc.metadata().charset()).isEqualTo("Shift_JIS");
        assertThat(Xhtml.body(doc.xhtml())).contains("日本語の文章");
        assertThat(doc.metadata().wordCount()).isEqualTo(6);
    }
}
