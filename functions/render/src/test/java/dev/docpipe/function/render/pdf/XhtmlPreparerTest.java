package dev.docpipe.function.render.pdf;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class XhtmlPreparerTest {

    private static Document prepare(String body) {
        return XhtmlPreparer.prepare(Xhtml.document("t", body), DocumentInfo.titled("t")).dom();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><html/>",
            "<?xml version=\"1.0\"?>\n<!doctype html\n[ <!ENTITY % p SYSTEM \"http://x/\"> %p; ]><html/>",
            "<html><body><p>late</p><!DOCTYPE x [<!ENTITY a \"b\">]></body></html>"})
    void doctypeWithInternalSubset_isRefused(String xhtml) {
        RenderException e = catchThrowableOfType(RenderException.class,
                () -> XhtmlPreparer.prepare(xhtml, DocumentInfo.titled("t")));

        assertThat(e.code()).isEqualTo(ErrorCode.RENDER_FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!DOCTYPE html><html/>",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html/>",
            "<html><body><p>[brackets] are fine</p></body></html>"})
    void ordinaryDoctypes_pass(String xhtml) {
        assertThat(XhtmlPreparer.prepare(xhtml, DocumentInfo.titled("t")).dom()).isNotNull();
    }

    @Test
    void domIsXhtmlNamespaced_andKeepsIds() {
        Document dom = prepare("<h1 id=\"intro\">Intro</h1>");

        Element h1 = (Element) dom.getElementsByTagName("h1").item(0);
        assertThat(h1.getNamespaceURI()).isEqualTo("http://www.w3.org/1999/xhtml");
        assertThat(h1.getAttribute("id")).isEqualTo("intro");
    }

    @Test
    void headingsWithoutIds_getUniqueOnes() {
        Document dom = prepare("<h2>A</h2><p id=\"docpipe-h1\">taken</p><h2>B</h2>");

        NodeList bookmarks = dom.getElementsByTagName("bookmark");
        assertThat(bookmarks.getLength()).isEqualTo(2);
        String first = ((Element) bookmarks.item(0)).getAttribute("href");
        String second = ((Element) bookmarks.item(1)).getAttribute("href");
        assertThat(first).isNotEqualTo("#docpipe-h1").isNotEqualTo(second);
    }

    @Test
    void documentsOwnBookmarksAndMeta_areReplaced() {
        Document dom = prepare("<bookmarks><bookmark name=\"evil\" href=\"http://x\"/></bookmarks><h1 id=\"a\">A</h1>");

        NodeList bookmarks = dom.getElementsByTagName("bookmark");
        assertThat(bookmarks.getLength()).isEqualTo(1);
        assertThat(((Element) bookmarks.item(0)).getAttribute("name")).isEqualTo("A");
    }

    @Test
    void unsafeAttributes_areRemoved() {
        Document dom = prepare("<p onclick=\"x()\" ONMOUSEOVER=\"y()\">p</p><a href=\"data:text/html,x\" download=\"x\">a</a>"
                + "<a href=\"vbscript:x\">b</a><a href=\"https://ok.example\">c</a><a href=\"#\">d</a>");

        Element p = (Element) dom.getElementsByTagName("p").item(0);
        assertThat(p.hasAttribute("onclick")).isFalse();
        assertThat(p.hasAttribute("onmouseover")).isFalse();
        NodeList links = dom.getElementsByTagName("a");
        assertThat(((Element) links.item(0)).hasAttribute("href")).isFalse();
        assertThat(((Element) links.item(0)).hasAttribute("download")).isFalse();
        assertThat(((Element) links.item(1)).hasAttribute("href")).isFalse();
        assertThat(((Element) links.item(2)).getAttribute("href")).isEqualTo("https://ok.example");
        assertThat(((Element) links.item(3)).hasAttribute("href")).isFalse();
    }

    @Test
    void infoValues_areCleaned() {
        Document dom = XhtmlPreparer.prepare(Xhtml.document("t", "<p>x</p>"),
                new DocumentInfo("  Title\u0000 with\ncontrol\tchars ", "A".repeat(5000), "not a tag!", null)).dom();

        assertThat(dom.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("Title with control chars");
        Element html = dom.getDocumentElement();
        assertThat(html.getAttribute("lang")).isEqualTo("en"); // invalid tag ignored, the document's kept
        NodeList metas = dom.getElementsByTagName("meta");
        assertThat(((Element) metas.item(0)).getAttribute("content")).hasSize(XhtmlPreparer.MAX_INFO_CHARS);
    }

    @Test
    void koreanDocuments_areRecognised() {
        assertThat(XhtmlPreparer.hangulDominates("나는 유리를 먹을 수 있어요 漢字")).isTrue();
        assertThat(XhtmlPreparer.hangulDominates("我能吞下玻璃而不伤身体 가")).isFalse();
        assertThat(XhtmlPreparer.prepare("<html lang=\"ko-KR\"><p>x</p></html>", DocumentInfo.titled("t"))
                .mostlyKorean()).isTrue();
    }

    @Test
    void pageNumberFooter_isAddedOnlyWhenTheDocumentHasNone() {
        Document own = prepare("<p>x</p>");
        Document none = XhtmlPreparer.prepare("<html><head><style>p { color: red }</style></head><p>x</p></html>",
                DocumentInfo.titled("t")).dom();

        assertThat(styles(own)).doesNotContain("@bottom-center");
        assertThat(styles(none)).contains("@bottom-center").contains("counter(pages)");
    }

    @Test
    void pageNumberFooter_isLeftOutWhenTheAuthorsPageHasMarginBoxes() {
        Document header = XhtmlPreparer.prepare("<html><head><style>@page { @top-center { content: \"Quarterly report\"; } }"
                + "</style></head><p>x</p></html>", DocumentInfo.titled("t")).dom();

        assertThat(styles(header)).doesNotContain("@bottom-center").doesNotContain("counter(pages)");
    }

    private static String styles(Document dom) {
        StringBuilder all = new StringBuilder();
        NodeList styles = dom.getElementsByTagName("style");
        for (int i = 0; i < styles.getLength(); i++) {
            all.append(styles.item(i).getTextContent());
        }
        return all.toString();
    }
}
