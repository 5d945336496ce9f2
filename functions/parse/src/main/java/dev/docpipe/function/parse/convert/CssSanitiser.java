package dev.docpipe.function.parse.convert;

import com.openhtmltopdf.css.constants.CSSName;
import com.openhtmltopdf.css.constants.MarginBoxName;
import com.openhtmltopdf.css.parser.CSSParser;
import com.openhtmltopdf.css.parser.FSFunction;
import com.openhtmltopdf.css.parser.PropertyValue;
import com.openhtmltopdf.css.sheet.PageRule;
import com.openhtmltopdf.css.sheet.PropertyDeclaration;
import com.openhtmltopdf.css.sheet.Stylesheet;
import com.openhtmltopdf.css.sheet.StylesheetInfo;
import com.openhtmltopdf.extend.UserAgentCallback;
import com.openhtmltopdf.layout.SharedContext;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceType;
import com.openhtmltopdf.resource.CSSResource;
import com.openhtmltopdf.resource.ImageResource;
import com.openhtmltopdf.resource.XMLResource;
import com.openhtmltopdf.util.ThreadCtx;
import org.htmlunit.cssparser.dom.AbstractCSSRuleImpl;
import org.htmlunit.cssparser.dom.CSSMediaRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleDeclarationImpl;
import org.htmlunit.cssparser.dom.CSSStyleRuleImpl;
import org.htmlunit.cssparser.dom.CSSStyleSheetImpl;
import org.htmlunit.cssparser.dom.CSSValueImpl;
import org.htmlunit.cssparser.dom.MediaListImpl;
import org.htmlunit.cssparser.dom.Property;
import org.htmlunit.cssparser.parser.CSSErrorHandler;
import org.htmlunit.cssparser.parser.CSSOMParser;
import org.htmlunit.cssparser.parser.CSSParseException;
import org.htmlunit.cssparser.parser.InputSource;
import org.htmlunit.cssparser.parser.media.MediaQuery;
import org.htmlunit.cssparser.parser.selector.ChildSelector;
import org.htmlunit.cssparser.parser.selector.DescendantSelector;
import org.htmlunit.cssparser.parser.selector.DirectAdjacentSelector;
import org.htmlunit.cssparser.parser.selector.ElementSelector;
import org.htmlunit.cssparser.parser.selector.GeneralAdjacentSelector;
import org.htmlunit.cssparser.parser.selector.Selector;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The author's CSS, parsed and re-serialised through an allow-list. Nothing of the input text is
 * copied as is: every kept rule is written back from the parsers' object models.
 *
 * <ul>
 *   <li>Style rules and declarations are parsed with htmlunit's CSS3 parser. A rule is kept with its
 *       selectors when at least one declaration survives. A declaration survives when the renderer
 *       knows the property ({@code CSSName}, openhtmltopdf's list; {@code -fs-*} extensions only
 *       from {@link #FS_PROPERTIES}; custom properties never), every function in its value is in
 *       {@link #FUNCTIONS} and every {@code url(…)} in it is a {@code data:image/(png|jpeg|gif)}
 *       image that {@link HtmlSanitiser#dataImage} accepts.</li>
 *   <li>{@code @media}: the rules of a medium list that applies to print ({@code print}, {@code all},
 *       none) with no media features are kept, unwrapped; every other {@code @media} block is dropped
 *       (the page is not a screen of any width).</li>
 *   <li>{@code @page} rules, with their names, {@code :first|:left|:right|:blank} and margin boxes
 *       ({@code @top-center { content: counter(page) }}), are parsed with openhtmltopdf's own parser
 *       (htmlunit's does not know margin boxes) and written back from its page model.</li>
 *   <li>Dropped: {@code @import}, {@code @font-face} (also with {@code data:} sources: the bundled
 *       fonts are the only fonts a render parses), {@code @charset}, {@code @namespace},
 *       {@code @keyframes}, {@code @supports} and every other at-rule; {@code behavior},
 *       {@code -moz-binding}, {@code expression()}, {@code var()}, {@code image-set()} and anything
 *       else not listed.</li>
 *   <li>{@code <} and {@code &} are written as CSS escapes, so the result can sit in an XHTML
 *       {@code <style>} element as character data.</li>
 * </ul>
 *
 * <p>Limits ({@code TOO_LARGE}, the whole document fails; nothing is silently cut): all CSS of one
 * document together ({@code <style>} elements and {@code style} attributes) at most
 * {@value #MAX_CSS_CHARS} characters; at most {@value #MAX_RULES} style rules; at most
 * {@value #MAX_SELECTOR_DEPTH} compound selectors in one selector; a stylesheet nested too deeply for
 * the parser.
 *
 * <p>One instance per document (it counts the document's CSS); not thread-safe.
 */
final class CssSanitiser {
    static final int MAX_CSS_CHARS = 1024 * 1024;
    static final int MAX_RULES = 5_000;
    static final int MAX_SELECTOR_DEPTH = 32;

    /** openhtmltopdf's extension properties an author may use: layout hints, nothing that loads or embeds. */
    static final Set<String> FS_PROPERTIES = Set.of(
            "-fs-table-paginate", "-fs-border-rendering", "-fs-page-break-min-height", "-fs-keep-with-inline",
            "-fs-text-decoration-extent", "-fs-page-sequence", "-fs-max-justification-inter-word",
            "-fs-max-justification-inter-char");

    /** Functions a kept value may call ({@code url} is checked on its own). */
    static final Set<String> FUNCTIONS = Set.of(
            "rgb", "rgba", "hsl", "hsla", "cmyk", "counter", "counters", "attr", "running", "element",
            "target-counter", "target-text", "leader", "linear-gradient", "rotate", "scale", "scalex",
            "scaley", "translate", "translatex", "translatey", "skew", "skewx", "skewy", "matrix");

    private static final Set<String> ROOT_SELECTORS = Set.of("html", ":root", "*:root");
    private static final Pattern REM_FONT_SIZE = Pattern.compile("(?<![-\\w])(font-size: [0-9.]+)rem");
    private static final Set<String> PAGE_PSEUDOS = Set.of("first", "left", "right", "blank");
    private static final Pattern IDENT = Pattern.compile("-?[A-Za-z_][A-Za-z0-9_-]{0,63}");
    /** Elements whose {@code display} and {@code float} the author's CSS may not change, see {@link #keepStructure}. */
    static final Set<String> STRUCTURAL_ELEMENTS = Set.of(
            "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "li");
    private static final Pattern STRUCTURE_BREAKING = Pattern.compile(
            "(?<![-\\w])(?:display|float): (?!none\\b)[^;]*;\\s?");
    private static final Set<String> GENERIC_FAMILIES = Set.of("serif", "sans-serif", "monospace", "cursive", "fantasy");

    private int charged;
    private int rules;
    private boolean marginBoxes;
    private boolean keptStyleAttributes;

    /** Whether some {@code style} attribute kept a declaration. */
    boolean keptStyleAttributes() {
        return keptStyleAttributes;
    }

    /** Whether some kept {@code @page} rule has a margin box (a header or footer of the author's). */
    boolean hasMarginBoxes() {
        return marginBoxes;
    }

    /** The kept part of one {@code <style>} element's text (possibly empty). */
    String stylesheet(String css) {
        charge(css);
        StringBuilder out = new StringBuilder();
        CSSStyleSheetImpl sheet = parseWithHtmlUnit(css);
        for (AbstractCSSRuleImpl rule : sheet.getCssRules().getRules()) {
            if (rule instanceof CSSStyleRuleImpl style) {
                styleRule(style, out);
            } else if (rule instanceof CSSMediaRuleImpl media && appliesToPrint(media.getMediaList())) {
                for (AbstractCSSRuleImpl inner : media.getCssRules().getRules()) {
                    if (inner instanceof CSSStyleRuleImpl style) {
                        styleRule(style, out);
                    }
                }
            }
        }
        if (css.toLowerCase(Locale.ROOT).contains("@page")) {
            pageRules(css, out);
        }
        return escapeForXml(out.toString());
    }

    /** The kept declarations of one {@code style} attribute, or null when none is left. */
    String styleAttribute(String element, String value) {
        charge(value);
        CSSOMParser parser = parser();
        CSSStyleDeclarationImpl declaration;
        try {
            declaration = parser.parseStyleDeclaration(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StackOverflowError e) {
            throw ConversionException.tooLarge("a style attribute is nested too deeply to read");
        }
        String kept = declarations(declaration);
        if (STRUCTURAL_ELEMENTS.contains(element)) {
            kept = keepStructure(kept);
        }
        if (kept.isEmpty()) {
            return null;
        }
        keptStyleAttributes = true;
        return escapeForXml(kept);
    }

    private void charge(String css) {
        charged += css.length();
        if (charged > MAX_CSS_CHARS) {
            throw ConversionException.tooLarge("the document's CSS is over the limit of " + MAX_CSS_CHARS
                    + " characters (style elements and style attributes together)");
        }
    }

    private static CSSOMParser parser() {
        CSSOMParser parser = new CSSOMParser();
        parser.setErrorHandler(IGNORE_ERRORS); // what cannot be parsed is dropped, as a browser does
        return parser;
    }

    private static CSSStyleSheetImpl parseWithHtmlUnit(String css) {
        try {
            return parser().parseStyleSheet(new InputSource(new StringReader(css)), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StackOverflowError e) {
            throw ConversionException.tooLarge("a stylesheet is nested too deeply to read");
        }
    }

    private void styleRule(CSSStyleRuleImpl rule, StringBuilder out) {
        if (++rules > MAX_RULES) {
            throw ConversionException.tooLarge("the document's CSS has more than " + MAX_RULES + " rules");
        }
        for (Selector selector : rule.getSelectors()) {
            if (depth(selector) > MAX_SELECTOR_DEPTH) {
                throw ConversionException.tooLarge("a CSS selector has more than " + MAX_SELECTOR_DEPTH
                        + " compound parts");
            }
        }
        String declarations = declarations(rule.getStyle());
        if (declarations.isEmpty()) {
            return;
        }
        Map<String, List<String>> groups = new LinkedHashMap<>(); // root selectors last, as they were
        List<Selector> ordered = new ArrayList<>(rule.getSelectors());
        ordered.sort(java.util.Comparator.comparing(CssSanitiser::isRoot));
        for (Selector selector : ordered) {
            String text = selector.toString();
            String kept = structural(selector) ? keepStructure(declarations) : declarations;
            if (isRoot(selector)) {
                kept = remFontSizeAsEm(kept);
            }
            if (!kept.isEmpty()) {
                groups.computeIfAbsent(kept, k -> new ArrayList<>()).add(text);
            }
        }
        if (groups.size() == 1 && groups.containsKey(declarations)) {
            out.append(rule.getSelectorText()).append(" { ").append(declarations).append(" }\n");
            return;
        }
        groups.forEach((kept, texts) -> out.append(String.join(", ", texts)).append(" { ").append(kept).append(" }\n"));
    }

    private static boolean isRoot(Selector selector) {
        return ROOT_SELECTORS.contains(selector.toString().strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether the selector's subject is an element the PDF's structure tree is built from (a table
     * part or a list item), not one of its pseudo-elements.
     */
    private static boolean structural(Selector selector) {
        return selector.getSimpleSelector() instanceof ElementSelector element
                && element.getLocalNameLowerCase() != null
                && STRUCTURAL_ELEMENTS.contains(element.getLocalNameLowerCase())
                && !element.toString().contains(":before") && !element.toString().contains(":after")
                && !element.toString().contains("::");
    }

    /**
     * The declarations without the ones that take a table part or a list item out of its structure:
     * a {@code display} other than {@code none} ({@code table { display: block }} leaves the rows
     * untagged, {@code li { display: block }} leaves the item outside its list) and a {@code float}
     * other than {@code none} (the renderer tags a float at the root of the structure tree). Both
     * break PDF/UA-1; the element keeps its table or list layout instead.
     */
    static String keepStructure(String declarations) {
        return STRUCTURE_BREAKING.matcher(declarations).replaceAll("").strip();
    }

    /**
     * On the root element {@code rem} and {@code em} both mean the initial font size, but the
     * renderer resolves a root {@code font-size} in {@code rem} against itself and lays out no
     * text at all ({@code html { font-size: 1rem }}, common in CSS resets), so there it is written
     * as {@code em}.
     */
    private static String remFontSizeAsEm(String declarations) {
        return REM_FONT_SIZE.matcher(declarations).replaceAll("$1em");
    }

    private static int depth(Selector selector) {
        int depth = 1;
        Selector s = selector;
        while (true) {
            Selector next = switch (s) {
                case DescendantSelector d -> d.getAncestorSelector();
                case ChildSelector c -> c.getAncestorSelector();
                case DirectAdjacentSelector a -> a.getSelector();
                case GeneralAdjacentSelector g -> g.getSelector();
                default -> null;
            };
            if (next == null) {
                return depth;
            }
            depth++;
            s = next;
        }
    }

    private static boolean appliesToPrint(MediaListImpl media) {
        if (media == null || media.getLength() == 0) {
            return true;
        }
        for (int i = 0; i < media.getLength(); i++) {
            MediaQuery query = media.mediaQuery(i);
            String type = query.getMedia() == null ? "" : query.getMedia().strip().toLowerCase(Locale.ROOT);
            if (!query.isNot() && query.getProperties().isEmpty()
                    && (type.isEmpty() || type.equals("print") || type.equals("all"))) {
                return true;
            }
        }
        return false;
    }

    private static String declarations(CSSStyleDeclarationImpl style) {
        StringBuilder out = new StringBuilder();
        for (Property property : style.getProperties()) {
            String name = property.getName().toLowerCase(Locale.ROOT);
            CSSValueImpl value = property.getValue();
            if (value == null || !allowedProperty(name)) {
                continue;
            }
            String text = value.getCssText();
            if (!allowedValue(value, text)) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(name).append(": ").append(text).append(property.isImportant() ? " !important;" : ";");
        }
        return out.toString();
    }

    static boolean allowedProperty(String name) {
        if (name.startsWith("-fs-")) {
            return FS_PROPERTIES.contains(name);
        }
        if (name.startsWith("-") || name.equals("src")) {
            return false;
        }
        return CSSName.getByPropertyName(name) != null;
    }

    /**
     * Every function named in the parser's serialisation of the value is allowed, and every
     * {@code url(} in it is one of the value's URI items holding an allowed data image.
     */
    private static boolean allowedValue(CSSValueImpl value, String text) {
        int urls = 0;
        for (String function : functionNames(text)) {
            if (function.equals("url")) {
                urls++;
            } else if (!FUNCTIONS.contains(function)) {
                return false;
            }
        }
        if (urls == 0) {
            return true;
        }
        List<CSSValueImpl> items = new ArrayList<>();
        if (value.getLength() > 0) {
            for (int i = 0; i < value.getLength(); i++) {
                items.add(value.item(i));
            }
        } else {
            items.add(value);
        }
        int dataImages = 0;
        for (CSSValueImpl item : items) {
            if (item.getPrimitiveType() == CSSValueImpl.CSSPrimitiveValueType.CSS_URI) {
                if (HtmlSanitiser.dataImage(item.getStringValue()) == null) {
                    return false;
                }
                dataImages++;
            }
        }
        return dataImages == urls;
    }

    /** Lower-case names of the functions in a serialised value, outside its strings. */
    static List<String> functionNames(String text) {
        List<String> names = new ArrayList<>();
        char quote = 0;
        int identStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                identStart = -1;
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '\\') {
                if (identStart < 0) {
                    identStart = i;
                }
            } else {
                if (c == '(') {
                    names.add(identStart < 0 ? "" : text.substring(identStart, i).toLowerCase(Locale.ROOT));
                }
                identStart = -1;
            }
        }
        return names;
    }

    // ---- @page, through openhtmltopdf's parser ----

    private void pageRules(String css, StringBuilder out) {
        Stylesheet sheet;
        ThreadCtx.get().setSharedContext(PageParserContext.INSTANCE);
        try {
            sheet = new CSSParser((uri, message) -> { }).parseStylesheet(ResourceFree.BASE, StylesheetInfo.AUTHOR,
                    new StringReader(css));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StackOverflowError e) {
            throw ConversionException.tooLarge("a stylesheet is nested too deeply to read");
        } finally {
            ThreadCtx.cleanup();
        }
        for (Object content : sheet.getContents()) {
            if (content instanceof PageRule page) {
                pageRule(page, out);
            }
        }
    }

    private void pageRule(PageRule page, StringBuilder out) {
        StringBuilder selector = new StringBuilder("@page");
        if (page.getName() != null) {
            if (!IDENT.matcher(page.getName()).matches()) {
                return;
            }
            selector.append(' ').append(page.getName());
        }
        if (page.getPseudoPage() != null) {
            String pseudo = page.getPseudoPage().toLowerCase(Locale.ROOT);
            if (!PAGE_PSEUDOS.contains(pseudo)) {
                return;
            }
            selector.append(" :").append(pseudo);
        }
        StringBuilder body = new StringBuilder();
        pageDeclarations(page.getRuleset() == null ? List.of() : page.getRuleset().getPropertyDeclarations(), body);
        for (Map.Entry<MarginBoxName, List<PropertyDeclaration>> box : page.getMarginBoxes().entrySet()) {
            StringBuilder declarations = new StringBuilder();
            pageDeclarations(box.getValue(), declarations);
            if (!declarations.isEmpty()) {
                body.append(" @").append(box.getKey().toString()).append(" {").append(declarations).append(" }");
                marginBoxes = true;
            }
        }
        if (!body.isEmpty()) {
            out.append(selector).append(" {").append(body).append(" }\n");
        }
    }

    private static void pageDeclarations(List<PropertyDeclaration> declarations, StringBuilder out) {
        String width = null;
        String height = null;
        String orientation = null;
        for (PropertyDeclaration declaration : declarations) {
            String name = declaration.getPropertyName().toLowerCase(Locale.ROOT);
            String value = pageValue((PropertyValue) declaration.getValue());
            if (value == null) {
                continue;
            }
            switch (name) {
                case "-fs-page-width" -> width = value;
                case "-fs-page-height" -> height = value;
                case "-fs-page-orientation" -> orientation = value;
                default -> {
                    if (allowedProperty(name)) {
                        out.append(' ').append(name).append(": ").append(value)
                                .append(declaration.isImportant() ? " !important;" : ";");
                    }
                }
            }
        }
        boolean landscapeOrPortrait = orientation != null && (orientation.equals("landscape") || orientation.equals("portrait"));
        if ("auto".equals(width) || "auto".equals(height)) {
            out.append(" size: ").append(landscapeOrPortrait ? orientation : "auto").append(';');
        } else if (width != null && height != null) {
            // openhtmltopdf parses "size: A4 landscape" into portrait width and height plus the
            // orientation; two lengths take no orientation keyword, so landscape is written turned
            boolean turn = "landscape".equals(orientation);
            out.append(" size: ").append(turn ? height : width).append(' ').append(turn ? width : height).append(';');
        }
    }

    /** A value of openhtmltopdf's page model as CSS text, or null when it is not one to keep. */
    private static String pageValue(PropertyValue value) {
        switch (value.getPropertyValueType()) {
            case PropertyValue.VALUE_TYPE_LIST -> {
                StringBuilder out = new StringBuilder();
                for (PropertyValue item : value.getValues()) {
                    String text = pageValue(item);
                    if (text == null) {
                        return null;
                    }
                    out.append(out.isEmpty() ? "" : " ").append(text);
                }
                return out.toString();
            }
            case PropertyValue.VALUE_TYPE_FUNCTION -> {
                FSFunction function = value.getFunction();
                String name = function.getName().toLowerCase(Locale.ROOT);
                if (!FUNCTIONS.contains(name)) {
                    return null;
                }
                StringBuilder out = new StringBuilder(name).append('(');
                for (PropertyValue parameter : function.getParameters()) {
                    String text = pageValue(parameter);
                    if (text == null) {
                        return null;
                    }
                    out.append(out.charAt(out.length() - 1) == '(' ? "" : ", ").append(text);
                }
                return out.append(')').toString();
            }
            case PropertyValue.VALUE_TYPE_STRING -> {
                if (value.getPrimitiveType() == PropertyValue.CSS_URI) {
                    return null;
                }
                String[] names = value.getStringArrayValue();
                if (names != null && value.getPrimitiveType() != PropertyValue.CSS_STRING) {
                    return familyList(names);
                }
                if (value.getPrimitiveType() == PropertyValue.CSS_IDENT) {
                    String ident = value.getStringValue();
                    return IDENT.matcher(ident).matches() ? ident : null;
                }
                return quote(value.getStringValue());
            }
            case PropertyValue.VALUE_TYPE_NUMBER, PropertyValue.VALUE_TYPE_LENGTH, PropertyValue.VALUE_TYPE_COLOR,
                 PropertyValue.VALUE_TYPE_IDENT -> {
                String text = value.getCssText();
                return text != null && text.matches("[#%.A-Za-z0-9-]+") ? text : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String familyList(String[] names) {
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            String n = name.strip();
            out.append(out.isEmpty() ? "" : ", ")
                    .append(GENERIC_FAMILIES.contains(n.toLowerCase(Locale.ROOT)) ? n : quote(n));
        }
        return out.toString();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F) {
                out.append('\\').append(Integer.toHexString(c)).append(' ');
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** {@code <} and {@code &} as CSS escapes: equal to the CSS, harmless as XML character data. */
    static String escapeForXml(String css) {
        if (css.indexOf('<') < 0 && css.indexOf('&') < 0) {
            return css;
        }
        return css.replace("<", "\\3c ").replace("&", "\\26 ");
    }

    private static final CSSErrorHandler IGNORE_ERRORS = new CSSErrorHandler() {
        @Override
        public void warning(CSSParseException exception) {
        }

        @Override
        public void error(CSSParseException exception) {
        }

        @Override
        public void fatalError(CSSParseException exception) {
        }
    };

    /** openhtmltopdf's parser reads its context from a thread-local; built on first use of {@code @page}. */
    private static final class PageParserContext {
        static final SharedContext INSTANCE = create();

        private static SharedContext create() {
            SharedContext context = new SharedContext();
            context.setUserAgentCallback(new ResourceFree());
            return context;
        }
    }

    /**
     * What openhtmltopdf's parser asks to resolve {@code url(…)}: nothing is ever loaded, the
     * text is handed back unchanged (and then dropped by the page-value rules).
     */
    private static final class ResourceFree implements UserAgentCallback {
        static final String BASE = "about:blank";

        @Override
        public CSSResource getCSSResource(String uri, ExternalResourceType type) {
            return null;
        }

        @Override
        public ImageResource getImageResource(String uri, ExternalResourceType type) {
            return null;
        }

        @Override
        public XMLResource getXMLResource(String uri, ExternalResourceType type) {
            return null;
        }

        @Override
        public byte[] getBinaryResource(String uri, ExternalResourceType type) {
            return null;
        }

        @Override
        public boolean isVisited(String uri) {
            return false;
        }

        @Override
        public void setBaseURL(String url) {
        }

        @Override
        public String getBaseURL() {
            return BASE;
        }

        @Override
        public String resolveURI(String uri) {
            return uri;
        }

        @Override
        public String resolveUri(String baseUri, String uri) {
            return uri;
        }
    }
}
