package dev.docpipe.function.parse.convert;

import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one allow-list every format goes through. It copies a parsed {@code <body>} into a fresh
 * tree (iteratively, so depth cannot overflow the stack):
 * <ul>
 *   <li>allowed elements ({@link #ALLOWED}) are copied with their allowed attributes only;</li>
 *   <li>active, embedding, form and metadata elements ({@link #REMOVED}) go with all their content;</li>
 *   <li>every other element (font, center, map, output, custom elements, Word's {@code o:p}, …) is
 *       unwrapped: its content stays, the tag goes; a few are renamed to an allowed equivalent
 *       ({@link #RENAMED});</li>
 *   <li>comments, processing instructions and doctypes are dropped; text keeps only characters
 *       XML 1.0 allows.</li>
 * </ul>
 * Attributes are allowed by name, so {@code on*}, {@code srcset},
 * {@code background}, {@code formaction}, {@code xmlns:*} and everything else not listed are gone.
 * {@code a href} keeps http, https, mailto and {@code #fragment} targets only. {@code img} keeps only
 * a {@code data:image/(png|jpeg|gif);base64} source of at most {@value #MAX_IMAGE_DATA_URL_CHARS}
 * characters whose bytes really start like that image type; any other image is replaced by its alt
 * text. Element ids are kept when they look like ids and are unique (first one wins). A table
 * cell's {@code align} becomes a {@code dp-align-left|center|right} class that the stylesheet knows.
 * A {@code style} attribute keeps the declarations {@link CssSanitiser} lets through.
 */
final class HtmlSanitiser {
    /** Largest {@code data:} image URL kept (about 3 MiB of image). */
    static final int MAX_IMAGE_DATA_URL_CHARS = 4 * 1024 * 1024;
    private static final int MAX_URL_CHARS = 8 * 1024;
    private static final int MAX_TITLE_ATTRIBUTE_CHARS = 1_000;
    private static final int MAX_SPAN = 1_000;
    static final String ALIGN_CLASS_PREFIX = "dp-align-";

    static final Set<String> ALLOWED = Set.of(
            // structure
            "div", "p", "span", "section", "article", "header", "footer", "nav", "main", "aside", "address", "hgroup",
            "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "br", "wbr", "figure", "figcaption",
            // lists
            "ul", "ol", "li", "dl", "dt", "dd",
            // tables
            "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
            // inline text
            "a", "img", "em", "strong", "b", "i", "u", "s", "sub", "sup", "code", "kbd", "samp", "var", "small",
            "mark", "abbr", "cite", "dfn", "q", "del", "ins", "time", "data", "bdi", "bdo");

    static final Set<String> REMOVED = Set.of(
            "script", "style", "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "param",
            "form", "input", "button", "select", "option", "optgroup", "datalist", "textarea", "keygen",
            "link", "meta", "base", "basefont", "bgsound", "head", "title", "svg", "math", "template",
            "noscript", "noembed", "audio", "video", "source", "track", "canvas", "area", "dialog");

    static final Map<String, String> RENAMED = Map.of(
            "center", "div", "details", "div", "summary", "div", "listing", "pre", "xmp", "pre",
            "plaintext", "pre", "tt", "code", "strike", "s", "dir", "ul", "menu", "ul");

    private static final Set<String> GLOBAL_ATTRIBUTES = Set.of("id", "class", "lang", "dir", "title", "style");
    private static final Map<String, Set<String>> ELEMENT_ATTRIBUTES = Map.ofEntries(
            Map.entry("a", Set.of("href")),
            Map.entry("img", Set.of("src", "alt", "width", "height")),
            Map.entry("td", Set.of("colspan", "rowspan")),
            Map.entry("th", Set.of("colspan", "rowspan", "scope")),
            Map.entry("col", Set.of("span")),
            Map.entry("colgroup", Set.of("span")),
            Map.entry("ol", Set.of("start", "reversed", "type")),
            Map.entry("li", Set.of("value")),
            Map.entry("time", Set.of("datetime")),
            Map.entry("del", Set.of("datetime")),
            Map.entry("ins", Set.of("datetime")),
            Map.entry("data", Set.of("value")));

    private static final Pattern ID = Pattern.compile("[\\p{L}_][\\p{L}\\p{M}\\p{N}_.-]{0,127}");
    private static final Pattern CLASS_TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    private static final Pattern LANG = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,7}");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,9}");
    private static final Pattern DIMENSION = Pattern.compile("[0-9]{1,5}");
    private static final Pattern WEB_URL = Pattern.compile("(?i)https?://[^\\s/?#@]+[^\\s]*");
    private static final Pattern MAILTO = Pattern.compile("(?i)mailto:[^\\s]+");
    private static final Pattern FRAGMENT = Pattern.compile("#[^\\s]*");
    private static final Pattern DATA_IMAGE = Pattern.compile("(?i)data:image/(png|jpeg|jpg|gif);base64,([A-Za-z0-9+/]+={0,2})");

    /** The sanitised copy of a body, and the ids it kept. */
    record Result(Element body, Set<String> ids) {
    }

    private final ConvertLimits limits;

    HtmlSanitiser(ConvertLimits limits) {
        this.limits = limits;
    }

    /**
     * A new {@code <body>} holding the allowed content of {@code source} (a parsed body; a
     * {@code frameset} body yields an empty one). Throws {@code TOO_LARGE} when the copied
     * elements nest deeper than {@code maxDepth}.
     */
    Result sanitise(Element source, CssSanitiser css) {
        Copier copier = new Copier(source, css);
        NodeTraversor.filter(copier, source);
        // text direction set on <body> or <html> applies to the whole document
        String dir = oneOf(source.attr("dir"), "ltr", "rtl");
        if (dir == null && source.parent() != null) {
            dir = oneOf(source.parent().attr("dir"), "ltr", "rtl");
        }
        if (dir != null) {
            copier.body.attr("dir", dir);
        }
        return new Result(copier.body, copier.ids);
    }

    private final class Copier implements NodeFilter {
        private final Element root;
        private final CssSanitiser css;
        private final Element body = new Element("body");
        private final Set<String> ids = new HashSet<>();
        /** One entry per source element entered: whether it produced a copy (false: unwrapped). */
        private final Deque<Boolean> copied = new ArrayDeque<>();
        private Element destination = body;
        private int depth;

        Copier(Element root, CssSanitiser css) {
            this.root = root;
            this.css = css;
        }

        @Override
        public FilterResult head(Node node, int ignored) {
            if (node == root) {
                if (!root.normalName().equals("body")) {
                    return FilterResult.SKIP_ENTIRELY; // frameset: nothing readable
                }
                copied.push(false);
                return FilterResult.CONTINUE;
            }
            if (node instanceof TextNode text) {
                destination.appendChild(new TextNode(XmlChars.strip(text.getWholeText())));
                return FilterResult.CONTINUE;
            }
            if (node instanceof DataNode data) { // raw text of xmp, plaintext and the like
                destination.appendChild(new TextNode(XmlChars.strip(data.getWholeData())));
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element element)) {
                return FilterResult.SKIP_ENTIRELY; // comments, doctypes, processing instructions
            }
            String name = element.normalName();
            if (REMOVED.contains(name)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            if (name.equals("img")) {
                copyImage(element);
                return FilterResult.SKIP_ENTIRELY;
            }
            String target = RENAMED.getOrDefault(name, name);
            if (!ALLOWED.contains(target)) {
                copied.push(false);
                return FilterResult.CONTINUE;
            }
            if (++depth > limits.maxDepth()) {
                throw ConversionException.tooLarge("document nesting is deeper than " + limits.maxDepth() + " levels");
            }
            Element copy = new Element(target);
            copyAttributes(element, copy);
            destination.appendChild(copy);
            destination = copy;
            copied.push(true);
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int ignored) {
            if (node instanceof Element && copied.pop()) {
                destination = destination.parent();
                depth--;
            }
            return FilterResult.CONTINUE;
        }

        private void copyImage(Element img) {
            String src = dataImage(img.attr("src"));
            if (src == null) {
                String alt = XmlChars.strip(img.attr("alt")).strip();
                if (!alt.isEmpty()) {
                    destination.appendChild(new TextNode(alt));
                }
                return;
            }
            Element copy = new Element("img");
            copyAttributes(img, copy);
            copy.attr("src", src);
            destination.appendChild(copy);
        }

        private void copyAttributes(Element from, Element to) {
            String element = to.normalName();
            Set<String> specific = ELEMENT_ATTRIBUTES.getOrDefault(element, Set.of());
            for (Attribute a : from.attributes()) {
                String name = a.getKey().toLowerCase(Locale.ROOT);
                if (!GLOBAL_ATTRIBUTES.contains(name) && !specific.contains(name)) {
                    continue;
                }
                String value = clean(element, name, XmlChars.strip(a.getValue()));
                if (value != null) {
                    to.attr(name, value);
                }
            }
            // table cell alignment (HTML's align, Markdown's |---:|) survives as one of our classes
            if (element.equals("td") || element.equals("th")) {
                String align = oneOf(from.attr("align"), "left", "center", "right");
                if (align != null) {
                    to.addClass(ALIGN_CLASS_PREFIX + align);
                }
            }
            // <a name="x"> was the id of its day, and #x links still point at it
            if (element.equals("a") && !to.hasAttr("id") && from.hasAttr("name")) {
                String id = id(XmlChars.strip(from.attr("name")));
                if (id != null) {
                    to.attr("id", id);
                }
            }
        }

        /** The value to keep, or null to drop the attribute. */
        private String clean(String element, String name, String value) {
            return switch (name) {
                case "id" -> id(value);
                case "style" -> css.styleAttribute(element, value);
                case "class" -> classes(value);
                case "lang" -> LANG.matcher(value.strip()).matches() ? value.strip() : null;
                case "dir" -> oneOf(value, "ltr", "rtl", "auto");
                case "title" -> truncate(value, MAX_TITLE_ATTRIBUTE_CHARS);
                case "href" -> href(value);
                case "src" -> null; // only copyImage sets src, after checking it
                case "alt", "datetime" -> value;
                case "value" -> element.equals("li") ? integer(value) : value;
                case "width", "height" -> DIMENSION.matcher(value.strip()).matches() ? value.strip() : null;
                case "colspan", "rowspan", "span" -> span(value);
                case "scope" -> oneOf(value, "row", "col", "rowgroup", "colgroup");
                case "start" -> integer(value);
                case "reversed" -> "reversed";
                case "type" -> value.strip().matches("[1aAiI]") ? value.strip() : null;
                default -> null;
            };
        }

        private String id(String value) {
            String id = value.strip();
            if (!ID.matcher(id).matches() || !ids.add(id)) {
                return null;
            }
            return id;
        }
    }

    private static String classes(String value) {
        StringBuilder kept = new StringBuilder();
        int tokens = 0;
        for (String token : value.strip().split("\\s+")) {
            if (tokens < 16 && CLASS_TOKEN.matcher(token).matches()) {
                kept.append(tokens++ == 0 ? "" : " ").append(token);
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    private static String oneOf(String value, String... allowed) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        return null;
    }

    private static String integer(String value) {
        String v = value.strip();
        return INTEGER.matcher(v).matches() ? v : null;
    }

    private static String span(String value) {
        String v = value.strip();
        if (!DIMENSION.matcher(v).matches()) {
            return null;
        }
        int n = Integer.parseInt(v);
        return String.valueOf(Math.max(1, Math.min(n, MAX_SPAN)));
    }

    /**
     * Browsers trim a URL, drop tabs and line breaks anywhere in it ({@code java&#9;script:} is
     * {@code javascript:}) and ignore control characters, so the URL is cleaned that way before
     * its scheme is judged, and the cleaned URL is what is kept (inner spaces as {@code %20}).
     */
    static String href(String value) {
        String url = cleanUrl(value);
        if (url.isEmpty() || url.length() > MAX_URL_CHARS) {
            return null;
        }
        if (WEB_URL.matcher(url).matches() || MAILTO.matcher(url).matches() || FRAGMENT.matcher(url).matches()) {
            return url;
        }
        return null;
    }

    /** A normalised {@code data:image/…;base64,…} URL when it is one of the allowed kinds, else null. */
    static String dataImage(String value) {
        if (value.length() > MAX_IMAGE_DATA_URL_CHARS + 1024) {
            return null; // do not even strip it
        }
        String url = withoutAsciiWhitespaceAndControls(value); // base64 is often wrapped
        if (url.length() > MAX_IMAGE_DATA_URL_CHARS) {
            return null;
        }
        Matcher m = DATA_IMAGE.matcher(url);
        if (!m.matches()) {
            return null;
        }
        String type = m.group(1).toLowerCase(Locale.ROOT).equals("jpg") ? "jpeg" : m.group(1).toLowerCase(Locale.ROOT);
        String data = m.group(2);
        if (!startsLike(type, data)) {
            return null;
        }
        return "data:image/" + type + ";base64," + data;
    }

    /** Whether the base64 payload begins with the signature of the declared image type. */
    private static boolean startsLike(String type, String base64) {
        int take = Math.min(base64.length(), 16) / 4 * 4;
        byte[] head;
        try {
            head = Base64.getDecoder().decode(base64.substring(0, take));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return switch (type) {
            case "png" -> head.length >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
            case "jpeg" -> head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF;
            case "gif" -> head.length >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8';
            default -> false;
        };
    }

    private static String cleanUrl(String value) {
        String trimmed = value.strip();
        StringBuilder out = new StringBuilder(trimmed.length());
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == ' ') {
                out.append("%20");
            } else if (c > 0x20 && c != 0x7F) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String truncate(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return s.substring(0, end);
    }

    private static String withoutAsciiWhitespaceAndControls(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x20 && c != 0x7F) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
