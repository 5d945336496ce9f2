package dev.docpipe.function.parse.convert;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads title, language, word count and outline, and gives every heading of the sanitised body a
 * stable, unique id (its own id when it had a valid unique one, else a slug of its text:
 * {@code "Über uns"} → {@code über-uns}, then {@code über-uns-2}, …).
 */
final class MetadataExtractor {
    static final String UNTITLED = "Untitled";
    private static final int MAX_TITLE_CHARS = 500;
    private static final int MAX_SLUG_CODE_POINTS = 64;
    private static final Pattern LANG = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,7}");
    private static final Pattern NOT_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{N}]+");

    private MetadataExtractor() {
    }

    /** Adds missing heading ids (ids already in use are in {@code ids}) and returns the outline. */
    static List<Heading> outline(Element body, Set<String> ids) {
        List<Heading> outline = new ArrayList<>();
        Map<String, Integer> nextSuffix = new HashMap<>();
        for (Element h : body.select("h1, h2, h3, h4, h5, h6")) {
            String text = h.text().strip();
            if (!h.hasAttr("id")) {
                h.attr("id", uniqueSlug(text, ids, nextSuffix));
            }
            if (!isBlank(text)) {
                outline.add(new Heading(h.normalName().charAt(1) - '0', text, h.attr("id")));
            }
        }
        return outline;
    }

    /** {@code <title>}, else the first h1's text, else the file name without extension, else "Untitled". */
    static String title(Document parsed, Element body, String filename) {
        String title = parsed.title().strip();
        if (isBlank(title)) {
            Element h1 = body.selectFirst("h1");
            title = h1 == null ? "" : h1.text().strip();
        }
        if (isBlank(title)) {
            title = fileStem(filename);
        }
        title = XmlChars.strip(title).replaceAll("\\s+", " ").strip();
        if (isBlank(title)) {
            return UNTITLED;
        }
        return HtmlSanitiser.truncate(title, MAX_TITLE_CHARS);
    }

    /** {@code <html lang>} when it looks like a BCP 47 tag, else null. */
    static String language(Document parsed) {
        Element html = parsed.selectFirst("html");
        String lang = html == null ? "" : html.attr("lang").strip();
        if (lang.isEmpty() && html != null) {
            lang = html.attr("xml:lang").strip();
        }
        return LANG.matcher(lang).matches() ? lang : null;
    }

    /**
     * Words of the text: runs of characters between Unicode whitespace, except that every Han,
     * Hiragana and Katakana character is a word of its own (those scripts do not separate words
     * with spaces).
     */
    static int wordCount(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                inWord = false;
            } else if (isIdeographic(cp)) {
                words++;
                inWord = false;
            } else if (!inWord) {
                words++;
                inWord = true;
            }
        }
        return words;
    }

    /** True when the text has nothing but whitespace and invisible format characters. */
    static boolean isBlank(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!isSpace(cp) && Character.getType(cp) != Character.FORMAT) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code slug}, else {@code slug-2}, {@code slug-3}, … — the first not in {@code ids}, which it
     * is added to. {@code nextSuffix} remembers where each slug's search stopped, so a thousand
     * headings with the same text cost a thousand lookups, not half a million.
     */
    static String uniqueSlug(String text, Set<String> ids, Map<String, Integer> nextSuffix) {
        String base = slug(text);
        if (ids.add(base)) {
            return base;
        }
        int n = nextSuffix.getOrDefault(base, 2);
        while (!ids.add(base + "-" + n)) {
            n++;
        }
        nextSuffix.put(base, n + 1);
        return base + "-" + n;
    }

    static String slug(String text) {
        String s = NOT_SLUG.matcher(Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT))
                .replaceAll("-");
        s = s.replaceAll("^-+|-+$", "");
        if (s.codePointCount(0, s.length()) > MAX_SLUG_CODE_POINTS) {
            s = s.substring(0, s.offsetByCodePoints(0, MAX_SLUG_CODE_POINTS)).replaceAll("-+$", "");
        }
        if (s.isEmpty()) {
            return "section";
        }
        return Character.isLetter(s.codePointAt(0)) ? s : "h-" + s;
    }

    private static String fileStem(String filename) {
        if (filename == null) {
            return "";
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isIdeographic(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN
                || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }
}
