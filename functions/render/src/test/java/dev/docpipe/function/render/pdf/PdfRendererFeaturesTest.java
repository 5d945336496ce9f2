package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PdfRendererFeaturesTest {
    private static PdfRenderer renderer;

    @BeforeAll
    static void renderer() {
        renderer = new PdfRenderer(RenderLimits.defaults());
    }

    @Test
    void unicode_latinGreekCyrillicAndCjk_appearInTheText() {
        String latin = "Ça été déjà vu – naïve façade, Grüße aus Köln, jalapeño, Łódź, Ærøskøbing.";
        String greek = "Η γρήγορη καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο.";
        String cyrillic = "Съешь же ещё этих мягких французских булок, да выпей чаю.";
        String chinese = "我能吞下玻璃而不伤身体。";
        String japanese = "私はガラスを食べられます。それは私を傷つけません。";
        String korean = "나는 유리를 먹을 수 있어요. 그래도 아프지 않아요.";
        String body = "<p>" + latin + "</p><p>" + greek + "</p><p>" + cyrillic + "</p><p>" + chinese
                + "</p><p>" + japanese + "</p><p>" + korean + "</p>";

        RenderedPdf pdf = renderer.render(Xhtml.document("unicode", body), DocumentInfo.titled("unicode"));

        String text = Pdfs.text(pdf).replaceAll("\\s+", " ");
        assertThat(text).contains(latin, greek, cyrillic, chinese, japanese, korean).doesNotContain("#");
    }

    @Test
    void unicode_fontsAreEmbeddedSubsets() throws IOException {
        RenderedPdf pdf = renderer.render(Xhtml.document("fonts", "<p>Latin and 中文 and <b>bold</b></p>"),
                DocumentInfo.titled("fonts"));

        List<String> fonts = new ArrayList<>();
        try (PDDocument doc = Pdfs.load(pdf)) {
            var resources = doc.getPage(0).getResources();
            for (var name : resources.getFontNames()) {
                PDFont font = resources.getFont(name);
                assertThat(font.isEmbedded()).as(font.getName()).isTrue();
                fonts.add(font.getName());
            }
        }
        // subset prefix "ABCDEF+"; Latin regular, Latin bold and the CJK fallback
        assertThat(fonts).allMatch(n -> n.matches("[A-Z]{6}\\+.*"))
                .anyMatch(n -> n.contains("LiberationSans") && !n.contains("Bold"))
                .anyMatch(n -> n.contains("LiberationSans-Bold"))
                .anyMatch(n -> n.contains("DroidSansFallback"));
        assertThat(pdf.bytes().length).as("subset, not 4 MB of CJK font").isLessThan(300_000);
    }

    @Test
    void unicode_koreanDocument_drawsAllHangulWithOneFont() throws IOException {
        String korean = "가나다라 가게에 가요. 나는 유리를 먹을 수 있어요.";
        String xhtml = Xhtml.document("ko", "<p>" + korean + "</p>").replace("lang=\"en\"", "lang=\"ko\"");

        RenderedPdf pdf = renderer.render(xhtml, DocumentInfo.titled("ko"));

        assertThat(Pdfs.text(pdf)).contains(korean);
        try (PDDocument doc = Pdfs.load(pdf)) {
            var resources = doc.getPage(0).getResources();
            List<String> fonts = new ArrayList<>();
            for (var name : resources.getFontNames()) {
                fonts.add(resources.getFont(name).getName());
            }
            assertThat(fonts).anyMatch(n -> n.contains("NanumSquare")).noneMatch(n -> n.contains("Droid"));
        }
    }

    @Test
    void unicode_emojiAndPrivateUseCharacters_doNotFailTheRender() {
        String body = "<p>Emoji 😀🎉👍🏽 and private use \uE000\uF8FF and \uD83D\uDE00 and a lone surrogate \uD800 end.</p>"
                + "<p>Rare script: 𓀀 ꙮ ᚠᛇᚻ</p>";

        RenderedPdf pdf = renderer.render(Xhtml.document("emoji", body), DocumentInfo.titled("emoji"));

        assertThat(pdf.pages()).isEqualTo(1);
        assertThat(Pdfs.text(pdf)).contains("Emoji").contains("end.");
    }

    @Test
    void bookmarks_headingsBecomeANestedOutline() throws IOException {
        String body = """
                <h1 id="intro">Introduction</h1><p>x</p>
                <h2 id="scope">Scope &amp; aims</h2><p>x</p>
                <h3 id="detail">A detail</h3><p>x</p>
                <h2>Unnamed section</h2><p>x</p>
                <h1 id="end">Conclusion — Ελληνικά 中文</h1><p>x</p>
                <h4 id="deep">Deep heading right under h1</h4>
                <h2 id="empty"></h2>
                """;

        RenderedPdf pdf = renderer.render(Xhtml.document("outline", body), DocumentInfo.titled("outline"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(Pdfs.outline(doc)).containsExactly(
                    "Introduction",
                    "  Scope & aims",
                    "    A detail",
                    "  Unnamed section",
                    "Conclusion — Ελληνικά 中文",
                    "  Deep heading right under h1");
            var first = doc.getDocumentCatalog().getDocumentOutline().getFirstChild();
            assertThat(first.getDestination()).isNotNull();
        }
    }

    @Test
    void bookmarks_pointAtTheHeadingsPage() throws IOException {
        RenderedPdf pdf = renderer.render(Xhtml.pages(4), DocumentInfo.titled("pages"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            var outline = doc.getDocumentCatalog().getDocumentOutline();
            var last = outline.getLastChild();
            assertThat(last.getTitle()).isEqualTo("Section 4");
            var dest = (org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageDestination)
                    last.getDestination();
            int page = doc.getPages().indexOf(dest.getPage());
            assertThat(page).isGreaterThan(0);
        }
    }

    @Test
    void pageNumbers_fromTheDocumentsPageRule() throws IOException {
        RenderedPdf pdf = renderer.render(Xhtml.pages(3), DocumentInfo.titled("numbers"));

        assertThat(pdf.pages()).isGreaterThanOrEqualTo(2);
        try (PDDocument doc = Pdfs.load(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(2);
            stripper.setEndPage(2);
            assertThat(stripper.getText(doc)).contains("2 / " + pdf.pages());
        }
    }

    @Test
    void pageNumbers_addedWhenTheDocumentHasNone() throws IOException {
        String xhtml = Xhtml.document("no page rule", "body { font-family: \"DocSans\", sans-serif; }",
                Xhtml.lorem(40));

        RenderedPdf pdf = renderer.render(xhtml, DocumentInfo.titled("no page rule"));

        assertThat(pdf.pages()).isGreaterThanOrEqualTo(2);
        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isCloseTo(595.3f,
                    org.assertj.core.data.Offset.offset(1f)); // A4
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(1);
            stripper.setEndPage(1);
            assertThat(stripper.getText(doc)).contains("1 / " + pdf.pages());
        }
    }

    @Test
    void documentInfo_titleAuthorSubjectAndLanguage() throws IOException {
        String xhtml = Xhtml.document("title in the XHTML", "<p>Guten Tag</p>")
                .replace("<meta charset=\"UTF-8\" />",
                        "<meta charset=\"UTF-8\" /><meta name=\"author\" content=\"Someone Else\" />");

        RenderedPdf pdf = renderer.render(xhtml,
                new DocumentInfo("Quarterly report – Q3", "Ada Lovelace", "de-DE", "Numbers"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            PDDocumentInformation info = doc.getDocumentInformation();
            assertThat(info.getTitle()).isEqualTo("Quarterly report – Q3");
            assertThat(info.getAuthor()).isEqualTo("Ada Lovelace");
            assertThat(info.getSubject()).isEqualTo("Numbers");
            assertThat(info.getProducer()).contains("docpipe");
            assertThat(doc.getDocumentCatalog().getLanguage()).isEqualTo("de-DE");
            assertThat(doc.getDocumentCatalog().getViewerPreferences().displayDocTitle()).isTrue();
            String xmp = new String(doc.getDocumentCatalog().getMetadata().toByteArray(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(xmp).contains("Quarterly report – Q3").contains("Ada Lovelace");
        }
    }

    @Test
    void documentInfo_languageFromTheXhtmlWhenNoneIsGiven() throws IOException {
        String xhtml = Xhtml.document("fr", "<p>Bonjour</p>").replace("lang=\"en\"", "lang=\"fr\"");

        RenderedPdf pdf = renderer.render(xhtml, new DocumentInfo("Bonjour", null, null, null));

        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(doc.getDocumentCatalog().getLanguage()).isEqualTo("fr");
            assertThat(doc.getDocumentInformation().getAuthor()).isNull();
        }
    }

    @Test
    void links_becomeLinkAnnotations() throws IOException {
        String body = "<h1 id=\"top\">Links</h1><p>See <a href=\"https://example.org\">example.org</a>, "
                + "<a href=\"mailto:someone@example.org\">mail</a> and <a href=\"#top\">the top</a>.</p>";

        RenderedPdf pdf = renderer.render(Xhtml.document("links", body), DocumentInfo.titled("links"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(Pdfs.linkUris(doc)).contains("https://example.org", "mailto:someone@example.org");
            long internal = doc.getPage(0).getAnnotations().stream()
                    .filter(a -> a instanceof org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink l
                            && l.getAction() instanceof org.apache.pdfbox.pdmodel.interactive.action.PDActionGoTo)
                    .count();
            assertThat(internal).isEqualTo(1);
        }
    }

    @Test
    void taggedPdf_hasAStructureTree() throws IOException {
        RenderedPdf pdf = renderer.render(Xhtml.document("tagged", "<h1 id=\"a\">Tagged</h1><p>text</p>"),
                DocumentInfo.titled("tagged"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(doc.getDocumentCatalog().getStructureTreeRoot()).isNotNull();
            assertThat(doc.getDocumentCatalog().getMarkInfo().isMarked()).isTrue();
        }
    }
}
