package dev.docpipe.local.fidelity;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.render.pdf.RenderedPdf;
import dev.docpipe.job.Format;
import dev.docpipe.local.PdfConformance;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document of {@code corpus/fidelity/} (real-world styled HTML, see its README) goes through
 * the parse stage's converter and the render stage's renderer, and its PDF must show what the
 * author's CSS says: the facts of {@code corpus/fidelity/facts.txt} (page size and margin from
 * {@code @page}, a background colour rasterised at the position of the element that has it, a font
 * size or weight in the text positions, header or footer text on every page) and at least 98 % of
 * the document's visible words. The PDF also validates as PDF/UA-1 and PDF/A-2b (veraPDF, zero failed rules).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidelityCorpusTest {
    /** The corpus folder, relative to this module. */
    static final Path CORPUS = Path.of("..", "corpus", "fidelity");
    private static final float MM = 72f / 25.4f;
    private static final float DPI = 96;

    private final DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
    private PdfRenderer renderer;
    private final Map<String, List<Fact>> facts = new HashMap<>();

    record Fact(String kind, List<String> args, int line) {
    }

    @BeforeAll
    void setUp() throws IOException {
        renderer = new PdfRenderer(RenderLimits.defaults());
        int n = 0;
        for (String line : Files.readAllLines(CORPUS.resolve("facts.txt"))) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> parts = split(line);
            facts.computeIfAbsent(parts.get(0), k -> new ArrayList<>()).add(new Fact(parts.get(1), parts.subList(2, parts.size()), n));
        }
    }

    @AfterAll
    void tearDown() {
        renderer = null;
    }

    static Stream<String> documents() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".html")).sorted().toList().stream();
        }
    }

    @Test
    void corpusHasAtLeast25Documents_eachWithFactsAndASource() throws IOException {
        List<String> docs = documents().toList();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(25);
        String readme = Files.readString(CORPUS.resolve("README.md"));
        for (String doc : docs) {
            String name = doc.substring(0, doc.length() - 5);
            assertThat(readme).as("README source row of %s", doc).contains("| " + doc + " |");
            assertThat(facts.get(name)).as("facts of %s", name).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void pdfShowsWhatTheAuthorsCssSays(String file) throws IOException {
        String name = file.substring(0, file.length() - 5);
        byte[] html = Files.readAllBytes(CORPUS.resolve(file));
        ParsedDocument parsed = converter.convert(html, Format.HTML, file, null);
        RenderedPdf pdf = renderer.render(parsed.xhtml(), new DocumentInfo(parsed.metadata().title(), null,
                parsed.metadata().language(), null));
        Path out = Path.of("target", "fidelity", name + ".pdf");
        Files.createDirectories(out.getParent());
        Files.write(out, pdf.bytes());
        assertThat(PdfConformance.failedRules(pdf.bytes())).as("veraPDF rules (%s) %s fails", PdfConformance.FLAVOURS, name)
                .isEmpty();
        try (PDDocument doc = Loader.loadPDF(pdf.bytes())) {
            assertVisibleWords(name, html, doc, facts.getOrDefault(name, List.of()).stream()
                    .filter(f -> f.kind().equals("hidden-in-print")).map(f -> f.args().get(0)).toList());
            for (Fact fact : facts.getOrDefault(name, List.of())) {
                String where = name + " (facts.txt line " + fact.line() + ")";
                switch (fact.kind()) {
                    case "page" -> assertPage(where, doc, fact.args());
                    case "margin-left" -> assertMarginLeft(where, doc, Float.parseFloat(fact.args().get(0)));
                    case "background" -> assertBackground(where, doc, fact.args().get(0), fact.args().get(1));
                    case "font" -> assertFont(where, doc, fact.args());
                    case "every-page" -> assertEveryPage(where, doc, fact.args().get(0));
                    case "hidden-in-print" -> { } // used by the word count
                    default -> throw new IllegalArgumentException("unknown fact " + fact.kind() + " in " + where);
                }
            }
        }
    }

    /** {@code page W H} in mm: the first page's size. */
    private static void assertPage(String where, PDDocument doc, List<String> args) {
        PDRectangle box = doc.getPage(0).getMediaBox();
        assertThat(box.getWidth() / MM).as("page width (mm) of %s", where).isCloseTo(Float.parseFloat(args.get(0)), org.assertj.core.data.Offset.offset(1f));
        assertThat(box.getHeight() / MM).as("page height (mm) of %s", where).isCloseTo(Float.parseFloat(args.get(1)), org.assertj.core.data.Offset.offset(1f));
    }

    /** {@code margin-left MM}: the leftmost glyph of page 1 starts there (the {@code @page} margin plus what the author put before the text). */
    private static void assertMarginLeft(String where, PDDocument doc, float mm) throws IOException {
        float left = Float.MAX_VALUE;
        for (TextPosition t : positions(doc, 1)) {
            if (!t.getUnicode().isBlank()) {
                left = Math.min(left, t.getXDirAdj());
            }
        }
        assertThat(left / MM).as("left edge of the text (mm) on page 1 of %s", where).isCloseTo(mm, org.assertj.core.data.Offset.offset(1.5f));
    }

    /**
     * {@code background "WORD" #rrggbb}: on the page with WORD, the most common colour of the area
     * around the word (its glyph boxes grown by 1 pt) is that colour, within 3 per channel.
     */
    private static void assertBackground(String where, PDDocument doc, String word, String hex) throws IOException {
        Found found = find(doc, word);
        assertThat(found).as("word %s in %s", word, where).isNotNull();
        BufferedImage image = new PDFRenderer(doc).renderImageWithDPI(found.page() - 1, DPI);
        float scale = DPI / 72f;
        int x0 = Math.max(0, (int) ((found.x0() - 1) * scale));
        int x1 = Math.min(image.getWidth() - 1, (int) ((found.x1() + 1) * scale));
        int y0 = Math.max(0, (int) ((found.y0() - 1) * scale));
        int y1 = Math.min(image.getHeight() - 1, (int) ((found.y1() + 1) * scale));
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                counts.merge(image.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        int common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int expected = Integer.parseInt(hex.substring(1), 16);
        assertThat(channelDistance(common, expected)).as("background around %s in %s is #%06x, expected %s", word, where, common, hex)
                .isLessThanOrEqualTo(3);
    }

    /** {@code font "WORD" SIZE [bold|normal]}: the word's first glyph has that size in pt (±1: the renderer rounds sizes to whole CSS pixels) and weight. */
    private static void assertFont(String where, PDDocument doc, List<String> args) throws IOException {
        Found found = find(doc, args.get(0));
        assertThat(found).as("word %s in %s", args.get(0), where).isNotNull();
        TextPosition first = found.first();
        assertThat(first.getFontSizeInPt()).as("font size of %s in %s", args.get(0), where)
                .isCloseTo(Float.parseFloat(args.get(1)), org.assertj.core.data.Offset.offset(1.0f));
        if (args.size() > 2) {
            String font = first.getFont().getName() == null ? "" : first.getFont().getName();
            boolean bold = font.toLowerCase(Locale.ROOT).contains("bold");
            assertThat(bold).as("bold font (%s) of %s in %s", font, args.get(0), where).isEqualTo(args.get(2).equals("bold"));
        }
    }

    /** {@code every-page "TEXT"}: each page's text contains TEXT (a header or footer). */
    private static void assertEveryPage(String where, PDDocument doc, String text) throws IOException {
        for (int page = 1; page <= doc.getNumberOfPages(); page++) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setStartPage(page);
            stripper.setEndPage(page);
            assertThat(normalise(stripper.getText(doc))).as("page %d of %s", page, where).contains(normalise(text.replace("{page}", String.valueOf(page))
                    .replace("{pages}", String.valueOf(doc.getNumberOfPages()))));
        }
    }

    /**
     * At least 98 % of the words a reader of the HTML sees are in the PDF's text. Not counted: what
     * no reader sees (scripts, styles, {@code hidden}), what the author's own print CSS hides
     * ({@code hidden-in-print "selector"} facts), and the content of the elements the parse stage
     * removes by policy (forms and their controls, embedded media; {@code HtmlSanitiser.REMOVED}).
     * A word broken across lines by {@code overflow-wrap} in a narrow column still counts.
     */
    private static void assertVisibleWords(String name, byte[] html, PDDocument doc, List<String> hiddenInPrint)
            throws IOException {
        Document source = Jsoup.parse(new String(html, java.nio.charset.StandardCharsets.UTF_8));
        source.select("script, style, noscript, template, svg, math, head, [hidden], [aria-hidden=true], form, "
                + "button, select, textarea, input, iframe, object, embed, audio, video, canvas, dialog").remove();
        for (String selector : hiddenInPrint) {
            source.select(selector).remove();
        }
        Set<String> words = new LinkedHashSet<>();
        for (String w : source.body().text().split("\\s+")) {
            String word = w.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
            if (word.codePoints().filter(Character::isLetter).count() >= 2) {
                words.add(word.toLowerCase(Locale.ROOT));
            }
        }
        String text = normalise(new PDFTextStripper().getText(doc)).toLowerCase(Locale.ROOT);
        String unbroken = text.replace(" ", "");
        List<String> missing = words.stream().filter(w -> !text.contains(w) && !unbroken.contains(w)).toList();
        double found = 1 - (double) missing.size() / words.size();
        assertThat(found).as("share of the %d visible words of %s in its PDF (missing: %s)", words.size(), name,
                missing.subList(0, Math.min(missing.size(), 30))).isGreaterThanOrEqualTo(0.98);
    }

    // ---- text positions ----

    record Found(int page, TextPosition first, float x0, float y0, float x1, float y1) {
    }

    private static Found find(PDDocument doc, String word) throws IOException {
        for (int page = 1; page <= doc.getNumberOfPages(); page++) {
            List<TextPosition> glyphs = positions(doc, page);
            StringBuilder text = new StringBuilder();
            List<Integer> owner = new ArrayList<>();
            for (int i = 0; i < glyphs.size(); i++) {
                String u = glyphs.get(i).getUnicode();
                text.append(u);
                for (int k = 0; k < u.length(); k++) {
                    owner.add(i);
                }
            }
            int at = text.indexOf(word);
            if (at >= 0) {
                float x0 = Float.MAX_VALUE, y0 = Float.MAX_VALUE, x1 = 0, y1 = 0;
                for (int i = owner.get(at); i <= owner.get(at + word.length() - 1); i++) {
                    TextPosition t = glyphs.get(i);
                    x0 = Math.min(x0, t.getXDirAdj());
                    x1 = Math.max(x1, t.getXDirAdj() + t.getWidthDirAdj());
                    y0 = Math.min(y0, t.getYDirAdj() - t.getHeightDir());
                    y1 = Math.max(y1, t.getYDirAdj());
                }
                return new Found(page, glyphs.get(owner.get(at)), x0, y0, x1, y1);
            }
        }
        return null;
    }

    private static List<TextPosition> positions(PDDocument doc, int page) throws IOException {
        List<TextPosition> all = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void processTextPosition(TextPosition text) {
                all.add(text);
            }
        };
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        stripper.writeText(doc, new StringWriter());
        return all;
    }

    private static int channelDistance(int a, int b) {
        return Math.max(Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)),
                Math.max(Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF)), Math.abs((a & 0xFF) - (b & 0xFF))));
    }

    private static String normalise(String s) {
        return s.replaceAll("\\s+", " ");
    }

    /** Splits a facts line on whitespace, keeping "quoted strings" together. */
    static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = null;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                current = current == null ? new StringBuilder() : current;
            } else if (Character.isWhitespace(c)) {
                if (current != null) {
                    parts.add(current.toString());
                    current = null;
                }
            } else {
                current = current == null ? new StringBuilder() : current;
                current.append(c);
            }
        }
        if (current != null) {
            parts.add(current.toString());
        }
        return parts;
    }
}
