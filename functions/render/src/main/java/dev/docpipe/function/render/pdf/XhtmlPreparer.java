package dev.docpipe.function.render.pdf;

import dev.docpipe.job.RenderOptions;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the XHTML text into the DOM openhtmltopdf renders, so that openhtmltopdf's own XML parser
 * never sees the text.
 *
 * <p>Size first: more than {@link #MAX_ELEMENTS} start tags or {@link #MAX_TEXT_CHARS} characters
 * of text is refused ({@code TOO_LARGE}) before layout could run out of memory.
 *
 * <p>Parsing is jsoup's HTML5 parser followed by {@link W3CDom}: it resolves no entities and no
 * DTDs, reads no files and opens no connections, and builds a bounded tree (at most
 * {@link #MAX_DEPTH} levels; deeper elements are flattened, so layout recursion stays bounded).
 * A DOCTYPE with an internal subset ({@code <!DOCTYPE x [ <!ENTITY ...> ]>}) is refused outright:
 * the parse stage never writes one, and refusing it is clearer than rendering its debris.
 *
 * <p>Then, in the DOM:
 * <ul>
 *   <li>removed: {@code <script>}, {@code <base>}, {@code <meta>}, any {@code <bookmarks>} the
 *       document brings, {@code on*} event attributes (openhtmltopdf turns {@code onclick} into
 *       PDF JavaScript) and {@code download} attributes (file attachments); link targets other
 *       than {@code #fragment}, {@code http:}, {@code https:} and {@code mailto:} lose their href;</li>
 *   <li>images without alt text get their {@code title}, else "Image" (PDF/UA-1 wants alternate
 *       text on every figure);</li>
 *   <li>set from {@link DocumentInfo}: {@code <title>}, {@code <meta name=author|subject>} (the
 *       source of the document information dictionary and XMP) and {@code <html lang>};</li>
 *   <li>added before the document's own styles (so they win): a default {@code @page} (A4,
 *       margins), the body font, and — when no style uses {@code counter(page)} or declares an
 *       {@code @page} margin box, and the {@code pageNumbers} option is not off — a "page / pages"
 *       footer;</li>
 *   <li>with the {@code documentCssOnly} option: the parse stage's stylesheets (docpipe's
 *       typography, or the base sheet before an author's CSS) removed;</li>
 *   <li>added after the document's own styles (so they win where the caller set something): the
 *       caller's page size, orientation, margins, header, footer and base font size
 *       ({@link PageSetup});</li>
 *   <li>added to {@code <head>}: {@code <bookmarks>} built from h1–h6 (nested by level), which
 *       openhtmltopdf writes as the PDF outline; headings without an id get one.</li>
 * </ul>
 */
final class XhtmlPreparer {
    static final int MAX_DEPTH = 256;
    /**
     * openhtmltopdf keeps several KB per element through layout and drawing (measured, tagged:
     * a 10,000-row 4-column table, 50,000 elements and 264 pages, peaks at 435 MB live; 98,000
     * inline spans at 570 MB; 250,000 spans exhaust a 1 GB heap), so the element count is capped
     * before anything is built. 100,000 elements is about what 500 pages of dense table hold.
     */
    static final int MAX_ELEMENTS = 100_000;
    /** Text is cheaper (5 M characters, ~2,900 pages, peak 240 MB) but not free. */
    static final int MAX_TEXT_CHARS = 4_000_000;
    static final int MAX_BOOKMARKS = 5_000;
    static final int MAX_BOOKMARK_CHARS = 300;
    static final int MAX_INFO_CHARS = 1_000;

    static final String BASE_STYLE = """
            @page { size: A4; margin: 20mm 18mm 22mm 18mm; }
            body { font-family: "DocSans", sans-serif; }
            """;
    /** The class the parse stage gives its stylesheets, which the {@code documentCssOnly} option removes. */
    static final String DOCPIPE_STYLESHEET_CLASS = "docpipe-stylesheet";
    /** The alternate text of an image that has none. */
    static final String IMAGE_ALT = "Image";
    static final String PAGE_NUMBER_STYLE = """
            @page {
              @bottom-center {
                content: counter(page) " / " counter(pages);
                font-family: "DocSans", sans-serif;
                font-size: 9pt;
                color: #555555;
              }
            }
            """;

    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,8}");
    private static final Pattern HEADING = Pattern.compile("h[1-6]");
    private static final Set<String> SAFE_LINK_SCHEMES = Set.of("http", "https", "mailto");

    private XhtmlPreparer() {
    }

    /**
     * @param dom         what openhtmltopdf renders
     * @param mostlyKorean the document is tagged Korean, or has more Hangul syllables than
     *                     Han and Kana characters together (decides the CJK font order)
     */
    record Prepared(org.w3c.dom.Document dom, boolean mostlyKorean) {
    }

    static Prepared prepare(String xhtml, DocumentInfo info) {
        return prepare(xhtml, info, RenderOptions.NONE, () -> { });
    }

    /** {@code checkpoint} runs between steps (the render deadline); it may throw to stop. */
    static Prepared prepare(String xhtml, DocumentInfo info, RenderOptions options, Runnable checkpoint) {
        checkLooksLikeMarkup(xhtml);
        checkElementCount(xhtml);
        checkpoint.run();
        Document doc = Parser.htmlParser().setMaxDepth(MAX_DEPTH).parseInput(xhtml, "");
        checkTextLength(doc);
        checkpoint.run();
        sanitise(doc);
        describe(doc, info);
        if (options.documentCssOnlyOn()) {
            doc.select("style." + DOCPIPE_STYLESHEET_CLASS).remove();
        }
        describeImages(doc);
        addStyles(doc, options.pageNumbersOn());
        PageSetup.addCallerStyle(doc, options, info.title());
        addBookmarks(doc);
        checkpoint.run();
        Element html = doc.selectFirst("html");
        boolean korean = html != null && html.attr("lang").toLowerCase(Locale.ROOT).matches("ko(-.*)?");
        return new Prepared(new W3CDom().fromJsoup(doc), korean || hangulDominates(xhtml));
    }

    static boolean hangulDominates(String text) {
        long hangul = 0;
        long hanKana = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '\uAC00' && c <= '\uD7A3') {
                hangul++;
            } else if ((c >= '\u4E00' && c <= '\u9FFF') || (c >= '\u3040' && c <= '\u30FF')) {
                hanKana++;
            }
        }
        return hangul > hanKana;
    }

    static void checkLooksLikeMarkup(String xhtml) {
        int i = 0;
        int n = xhtml.length();
        while (i < n && (Character.isWhitespace(xhtml.charAt(i)) || xhtml.charAt(i) == '\uFEFF')) {
            i++;
        }
        if (i == n) {
            throw RenderException.failed("XHTML is empty");
        }
        if (xhtml.charAt(i) != '<') {
            throw RenderException.failed("input is not XHTML: it does not start with markup");
        }
        if (xhtml.indexOf('\0') >= 0) {
            throw RenderException.failed("input is not XHTML: it contains NUL characters");
        }
        if (hasDoctypeInternalSubset(xhtml)) {
            throw RenderException.failed(
                    "XHTML has a DOCTYPE with an internal subset (entity declarations), which is not accepted");
        }
    }

    /** Counts start tags in the raw text (cheaper than parsing what would be refused anyway). */
    static void checkElementCount(String xhtml) {
        long tags = 0;
        for (int i = xhtml.indexOf('<'); i >= 0 && i + 1 < xhtml.length(); i = xhtml.indexOf('<', i + 1)) {
            char next = xhtml.charAt(i + 1);
            if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z')) {
                tags++;
            }
        }
        if (tags > MAX_ELEMENTS) {
            throw RenderException.tooManyElements(tags, MAX_ELEMENTS);
        }
    }

    static void checkTextLength(Document doc) {
        long[] chars = {0};
        NodeTraversor.traverse((node, depth) -> {
            if (node instanceof TextNode text) {
                chars[0] += text.getWholeText().length();
            }
        }, doc);
        if (chars[0] > MAX_TEXT_CHARS) {
            throw RenderException.tooMuchText(chars[0], MAX_TEXT_CHARS);
        }
    }

    /** True if some {@code <!DOCTYPE} reaches a {@code [} before its closing {@code >}. */
    static boolean hasDoctypeInternalSubset(String s) {
        int from = 0;
        while (true) {
            int at = indexOfIgnoreCase(s, "<!doctype", from);
            if (at < 0) {
                return false;
            }
            for (int i = at + 9; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '[') {
                    return true;
                }
                if (c == '>') {
                    break;
                }
            }
            from = at + 9;
        }
    }

    private static int indexOfIgnoreCase(String s, String lowerNeedle, int from) {
        int last = s.length() - lowerNeedle.length();
        for (int i = s.indexOf('<', from); i >= 0 && i <= last; i = s.indexOf('<', i + 1)) {
            if (s.regionMatches(true, i, lowerNeedle, 0, lowerNeedle.length())) {
                return i;
            }
        }
        return -1;
    }

    private static void sanitise(Document doc) {
        doc.select("script, base, meta, bookmarks, bookmark").remove();
        for (Element el : doc.getAllElements()) {
            List<String> drop = new ArrayList<>();
            for (Attribute attribute : el.attributes()) {
                String key = attribute.getKey().toLowerCase(Locale.ROOT);
                if (key.startsWith("on") || key.equals("download")) {
                    drop.add(attribute.getKey());
                }
            }
            drop.forEach(el::removeAttr);
        }
        for (Element a : doc.select("a[href]")) {
            if (!isSafeLink(a.attr("href"))) {
                a.removeAttr("href");
            }
        }
    }

    static boolean isSafeLink(String href) {
        String h = href.strip();
        if (h.startsWith("#")) {
            return h.length() > 1;
        }
        int colon = h.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        return SAFE_LINK_SCHEMES.contains(h.substring(0, colon).toLowerCase(Locale.ROOT));
    }

    private static void describe(Document doc, DocumentInfo info) {
        Element head = doc.head();
        doc.select("title").remove();
        head.prependElement("title").text(clean(info.title()));
        addMeta(head, "author", info.author());
        addMeta(head, "subject", info.subject());

        Element html = doc.selectFirst("html");
        if (html != null) {
            String lang = info.language() != null && LANGUAGE_TAG.matcher(info.language().strip()).matches()
                    ? info.language().strip()
                    : html.attr("lang").strip();
            html.removeAttr("xml:lang");
            if (LANGUAGE_TAG.matcher(lang).matches()) {
                html.attr("lang", lang);
            } else {
                html.removeAttr("lang");
            }
        }
    }

    /**
     * PDF/UA-1 (7.3) wants alternate text on every figure, and docpipe cannot know what an image
     * shows: an image without alt text (or with an empty one) gets its {@code title}, else
     * {@value #IMAGE_ALT}.
     */
    private static void describeImages(Document doc) {
        for (Element img : doc.select("img")) {
            if (img.attr("alt").isBlank()) {
                String title = clean(img.attr("title"));
                img.attr("alt", title.isEmpty() ? IMAGE_ALT : title);
            }
        }
    }

    private static void addMeta(Element head, String name, String content) {
        if (content != null && !content.isBlank()) {
            head.appendElement("meta").attr("name", name).attr("content", clean(content));
        }
    }

    /** Control characters out, whitespace collapsed, length capped. */
    static String clean(String s) {
        String collapsed = s.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .replaceAll("\\s+", " ")
                .strip();
        if (collapsed.length() <= MAX_INFO_CHARS) {
            return collapsed;
        }
        int end = MAX_INFO_CHARS;
        if (Character.isHighSurrogate(collapsed.charAt(end - 1))) {
            end--;
        }
        return collapsed.substring(0, end);
    }

    private static void addStyles(Document doc, boolean pageNumbers) {
        boolean hasPageCounter = !pageNumbers;
        for (Element style : doc.select("style")) {
            if (style.data().contains("counter(page") || declaresMarginBox(style.data())) {
                hasPageCounter = true;
                break;
            }
        }
        Element head = doc.head();
        Element title = head.selectFirst("title");
        Element base = new Element("style").attr("type", "text/css").appendChild(
                new org.jsoup.nodes.DataNode(BASE_STYLE + (hasPageCounter ? "" : PAGE_NUMBER_STYLE)));
        if (title != null) {
            title.after(base);
        } else {
            head.prependChild(base);
        }
    }

    /** Whether a stylesheet has an {@code @page} margin box: the author's own header or footer. */
    static boolean declaresMarginBox(String css) {
        String lower = css.toLowerCase(Locale.ROOT);
        return lower.contains("@top-") || lower.contains("@bottom-") || lower.contains("@left-")
                || lower.contains("@right-");
    }

    private static void addBookmarks(Document doc) {
        Set<String> ids = new HashSet<>();
        for (Element el : doc.select("[id]")) {
            ids.add(el.id());
        }
        Element bookmarks = doc.head().appendElement("bookmarks");
        Deque<Level> open = new ArrayDeque<>();
        int generated = 0;
        int count = 0;
        for (Element heading : doc.body().getAllElements()) {
            if (!HEADING.matcher(heading.normalName()).matches()) {
                continue;
            }
            String name = heading.text().strip();
            if (name.isEmpty()) {
                continue;
            }
            if (++count > MAX_BOOKMARKS) {
                break;
            }
            String id = heading.id();
            if (id.isBlank()) {
                do {
                    id = "docpipe-h" + (++generated);
                } while (ids.contains(id));
                ids.add(id);
                heading.id(id);
            }
            int level = heading.normalName().charAt(1) - '0';
            while (!open.isEmpty() && open.peek().level() >= level) {
                open.pop();
            }
            Element parent = open.isEmpty() ? bookmarks : open.peek().element();
            Element bookmark = parent.appendElement("bookmark")
                    .attr("name", truncate(name, MAX_BOOKMARK_CHARS))
                    .attr("href", "#" + id);
            open.push(new Level(level, bookmark));
        }
    }

    private static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + "…";
    }

    private record Level(int level, Element element) {
    }
}
