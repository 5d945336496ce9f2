package dev.docpipe.job;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The caller's render options, validated once where a job starts (API body, S3 object metadata,
 * pre-signed upload, {@code convert}/{@code serve} flags) and carried on the job to the render stage.
 * An option the caller did not set is absent (null here): the document's own {@code @page} rules,
 * then docpipe's defaults, decide it. {@link #toMap()} is the canonical form that is stored on the
 * job and fingerprinted into the dedup key, so {@code Letter} and {@code letter} are one job.
 *
 * @param paper           page size, or null
 * @param orientation     or null; with no paper it applies to A4
 * @param margins         top, right, bottom, left, or null
 * @param header          plain text with {@code {page}}, {@code {pages}}, {@code {title}}, {@code {date}}, or null
 * @param footer          like the header, or null
 * @param pageNumbers     docpipe's "page / pages" numbers; null means on
 * @param documentCssOnly true turns docpipe's stylesheet off; null means off
 * @param fontSize        base font size, or null
 * @param language        a BCP 47 tag, or null
 * @param pdfa            PDF/A-2b conformance; null means on
 */
public record RenderOptions(Paper paper, Orientation orientation, Margins margins, String header, String footer,
                            Boolean pageNumbers, Boolean documentCssOnly, Length fontSize, String language,
                            Boolean pdfa) {
    public static final String PAPER = "paper";
    public static final String ORIENTATION = "orientation";
    public static final String MARGINS = "margins";
    public static final String HEADER = "header";
    public static final String FOOTER = "footer";
    public static final String PAGE_NUMBERS = "pageNumbers";
    public static final String DOCUMENT_CSS_ONLY = "documentCssOnly";
    public static final String FONT_SIZE = "fontSize";
    public static final String LANGUAGE = "language";
    public static final String PDFA = "pdfa";
    /** Every option name, in the order the docs list them. */
    public static final List<String> NAMES = List.of(PAPER, ORIENTATION, MARGINS, HEADER, FOOTER, PAGE_NUMBERS,
            DOCUMENT_CSS_ONLY, FONT_SIZE, LANGUAGE, PDFA);
    public static final RenderOptions NONE = new RenderOptions(null, null, null, null, null, null, null, null, null,
            null);

    public static final int MAX_TEXT = 200;
    public static final double MAX_MARGIN_MM = 100;
    /** The smallest width and height left for content between the margins. */
    public static final double MIN_CONTENT_MM = 20;
    public static final double MIN_PAPER_MM = 50;
    public static final double MAX_PAPER_MM = 1500;
    public static final double MIN_FONT_PT = 6;
    public static final double MAX_FONT_PT = 36;

    static final String PAPER_ALLOWED = "a3, a4, a5, letter, legal, tabloid, or WIDTHxHEIGHT in mm or in "
            + "(e.g. 210x297mm, 8.5x11in), each side " + num(MIN_PAPER_MM) + " to " + num(MAX_PAPER_MM) + " mm";
    static final String MARGINS_ALLOWED = "one length or four (top right bottom left) in mm, cm, in or pt, "
            + "e.g. 20mm or \"10mm 15mm 10mm 15mm\", each at most " + num(MAX_MARGIN_MM) + " mm, leaving at least "
            + num(MIN_CONTENT_MM) + " mm of the page";
    static final String TEXT_ALLOWED = "plain text of 1 to " + MAX_TEXT + " characters, no control characters; "
            + "placeholders {page}, {pages}, {title}, {date}";
    static final String FONT_ALLOWED = "a size in pt or px (a bare number is pt), " + num(MIN_FONT_PT) + " to "
            + num(MAX_FONT_PT) + " pt, e.g. 12pt";
    static final String LANGUAGE_ALLOWED = "a BCP 47 language tag, e.g. en, de-CH, zh-Hans";
    static final String SWITCH_ALLOWED = "on, off";

    private static final Pattern NUMBER = Pattern.compile("\\d{1,4}(\\.\\d{1,3})?");
    private static final Pattern CUSTOM_PAPER = Pattern.compile("(" + NUMBER + ")\\s*[x×]\\s*(" + NUMBER + ")\\s*(mm|in)");
    private static final Pattern LENGTH = Pattern.compile("(" + NUMBER + ")\\s*(mm|cm|in|pt|px)?");
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,8}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("page", "pages", "title", "date");

    /** Portrait or landscape. */
    public enum Orientation {
        PORTRAIT, LANDSCAPE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A length with the unit the caller wrote it in. */
    public record Length(BigDecimal value, String unit) {
        public double millimetres() {
            double v = value.doubleValue();
            return switch (unit) {
                case "cm" -> v * 10;
                case "in" -> v * 25.4;
                case "pt" -> v * 25.4 / 72;
                case "px" -> v * 25.4 / 96;
                default -> v;
            };
        }

        public double points() {
            return millimetres() * 72 / 25.4;
        }

        /** CSS form, e.g. {@code 20mm}. */
        public String css() {
            return num(value) + unit;
        }
    }

    /**
     * @param name the named size ({@code a4}), or null for a custom one
     */
    public record Paper(String name, double widthMm, double heightMm, String wire) {
        private static final Map<String, Paper> NAMED = named();

        private static Map<String, Paper> named() {
            Map<String, Paper> m = new LinkedHashMap<>();
            m.put("a3", new Paper("a3", 297, 420, "a3"));
            m.put("a4", new Paper("a4", 210, 297, "a4"));
            m.put("a5", new Paper("a5", 148, 210, "a5"));
            m.put("letter", new Paper("letter", 215.9, 279.4, "letter"));
            m.put("legal", new Paper("legal", 215.9, 355.6, "legal"));
            m.put("tabloid", new Paper("tabloid", 279.4, 431.8, "tabloid"));
            return Map.copyOf(m);
        }

        public static final Paper A4 = NAMED.get("a4");

        /** This paper turned to {@code o} (a custom size keeps its sides when no orientation is asked for). */
        public Paper oriented(Orientation o) {
            if (o == null) {
                return this;
            }
            boolean landscape = widthMm > heightMm;
            return landscape == (o == Orientation.LANDSCAPE) ? this : new Paper(name, heightMm, widthMm, wire);
        }
    }

    /** Top, right, bottom, left, as the caller wrote them ({@code wire}). */
    public record Margins(Length top, Length right, Length bottom, Length left, String wire) {
        public String css() {
            return top.css() + " " + right.css() + " " + bottom.css() + " " + left.css();
        }
    }

    /**
     * Validates a caller's options. Names are exact (camelCase, as listed in {@link #NAMES}); values
     * are trimmed and case-insensitive except header, footer and language.
     *
     * @throws DocpipeException {@code INVALID_OPTION} naming the option and what it accepts
     */
    public static RenderOptions parse(Map<String, String> raw) {
        if (raw == null || raw.isEmpty()) {
            return NONE;
        }
        for (String name : new TreeMap<>(raw).keySet()) {
            if (!NAMES.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                throw new DocpipeException(ErrorCode.INVALID_OPTION, "unknown option '" + shown + "'; options: "
                        + String.join(", ", NAMES), shown, null);
            }
        }
        Orientation orientation = raw.containsKey(ORIENTATION) ? orientation(raw.get(ORIENTATION)) : null;
        Paper paper = raw.containsKey(PAPER) ? paper(raw.get(PAPER)) : null;
        Margins margins = raw.containsKey(MARGINS) ? margins(raw.get(MARGINS)) : null;
        if (margins != null) {
            Paper page = (paper == null ? Paper.A4 : paper).oriented(orientation);
            double w = page.widthMm() - margins.left().millimetres() - margins.right().millimetres();
            double h = page.heightMm() - margins.top().millimetres() - margins.bottom().millimetres();
            if (w < MIN_CONTENT_MM || h < MIN_CONTENT_MM) {
                throw invalid(MARGINS, raw.get(MARGINS), MARGINS_ALLOWED + " (of " + (paper == null ? "a4" : paper.wire())
                        + ")");
            }
        }
        return new RenderOptions(paper, orientation, margins,
                raw.containsKey(HEADER) ? text(HEADER, raw.get(HEADER)) : null,
                raw.containsKey(FOOTER) ? text(FOOTER, raw.get(FOOTER)) : null,
                raw.containsKey(PAGE_NUMBERS) ? onOff(PAGE_NUMBERS, raw.get(PAGE_NUMBERS)) : null,
                raw.containsKey(DOCUMENT_CSS_ONLY) ? onOff(DOCUMENT_CSS_ONLY, raw.get(DOCUMENT_CSS_ONLY)) : null,
                raw.containsKey(FONT_SIZE) ? fontSize(raw.get(FONT_SIZE)) : null,
                raw.containsKey(LANGUAGE) ? language(raw.get(LANGUAGE)) : null,
                raw.containsKey(PDFA) ? onOff(PDFA, raw.get(PDFA)) : null);
    }

    /** The options as the caller set them, canonical: what the job stores and the dedup key fingerprints. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, PAPER, paper == null ? null : paper.wire());
        put(m, ORIENTATION, orientation == null ? null : orientation.wire());
        put(m, MARGINS, margins == null ? null : margins.wire());
        put(m, HEADER, header);
        put(m, FOOTER, footer);
        put(m, PAGE_NUMBERS, onOff(pageNumbers));
        put(m, DOCUMENT_CSS_ONLY, onOff(documentCssOnly));
        put(m, FONT_SIZE, fontSize == null ? null : fontSize.css());
        put(m, LANGUAGE, language);
        put(m, PDFA, onOff(pdfa));
        return m;
    }

    /**
     * Every option with the value the render uses: the caller's, else docpipe's default. Where the
     * caller set no paper, orientation or margins, the document's {@code @page} rules win over the
     * default shown here ({@code "document"}).
     */
    public Map<String, String> effective() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PAPER, paper != null ? paper.wire() : orientation != null ? "a4" : "document");
        m.put(ORIENTATION, orientation != null ? orientation.wire() : "document");
        m.put(MARGINS, margins != null ? margins.wire() : "document");
        if (header != null) {
            m.put(HEADER, header);
        }
        if (footer != null) {
            m.put(FOOTER, footer);
        }
        m.put(PAGE_NUMBERS, onOff(pageNumbersOn()));
        m.put(DOCUMENT_CSS_ONLY, onOff(documentCssOnlyOn()));
        m.put(FONT_SIZE, fontSize != null ? fontSize.css() : "document");
        m.put(LANGUAGE, language != null ? language : "document");
        m.put(PDFA, onOff(pdfaOn()));
        return m;
    }

    public boolean pageNumbersOn() {
        return pageNumbers == null || pageNumbers;
    }

    public boolean documentCssOnlyOn() {
        return documentCssOnly != null && documentCssOnly;
    }

    public boolean pdfaOn() {
        return pdfa == null || pdfa;
    }

    /** The page size to force, turned to the orientation, or null when the caller set neither. */
    public Paper pageSize() {
        if (paper == null && orientation == null) {
            return null;
        }
        return (paper == null ? Paper.A4 : paper).oriented(orientation);
    }

    /**
     * Options as one URL-encoded form ({@code paper=letter&header=Page%20%7Bpage%7D}): how they travel in
     * S3 object metadata (the {@code options} key), which HTTP headers restrict to ASCII.
     */
    public static String toForm(Map<String, String> options) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(options).forEach((k, v) -> s.append(s.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8).replace("+", "%20")).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
        return s.toString();
    }

    /**
     * The options of a {@link #toForm} string, not yet validated ({@link #parse} does that). Never
     * throws: an undecodable escape is kept as written, and a name given twice gets both values joined
     * by a comma, so that {@link #parse} refuses it naming the option.
     */
    public static Map<String, String> fromForm(String form) {
        Map<String, String> m = new LinkedHashMap<>();
        if (form == null || form.isBlank()) {
            return m;
        }
        for (String pair : form.strip().split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            m.merge(name, value, (a, b) -> a + "," + b);
        }
        return m;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String onOff(Boolean b) {
        return b == null ? null : b ? "on" : "off";
    }

    private static String norm(String v) {
        return v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
    }

    private static Orientation orientation(String v) {
        return switch (norm(v)) {
            case "portrait" -> Orientation.PORTRAIT;
            case "landscape" -> Orientation.LANDSCAPE;
            default -> throw invalid(ORIENTATION, v, "portrait, landscape");
        };
    }

    private static Paper paper(String v) {
        String s = norm(v);
        Paper named = Paper.NAMED.get(s);
        if (named != null) {
            return named;
        }
        Matcher m = CUSTOM_PAPER.matcher(s);
        if (!m.matches()) {
            throw invalid(PAPER, v, PAPER_ALLOWED);
        }
        BigDecimal w = new BigDecimal(m.group(1));
        BigDecimal h = new BigDecimal(m.group(3));
        String unit = m.group(5);
        double k = unit.equals("in") ? 25.4 : 1;
        double wmm = w.doubleValue() * k;
        double hmm = h.doubleValue() * k;
        if (wmm < MIN_PAPER_MM || hmm < MIN_PAPER_MM || wmm > MAX_PAPER_MM || hmm > MAX_PAPER_MM) {
            throw invalid(PAPER, v, PAPER_ALLOWED);
        }
        return new Paper(null, wmm, hmm, num(w) + "x" + num(h) + unit);
    }

    private static Margins margins(String v) {
        String[] parts = norm(v).split("[\\s,]+");
        if (parts.length != 1 && parts.length != 4) {
            throw invalid(MARGINS, v, MARGINS_ALLOWED);
        }
        Length[] l = new Length[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Matcher m = LENGTH.matcher(parts[i]);
            if (!m.matches() || m.group(3) == null && new BigDecimal(m.group(1)).signum() != 0
                    || "px".equals(m.group(3))) {
                throw invalid(MARGINS, v, MARGINS_ALLOWED);
            }
            l[i] = new Length(new BigDecimal(m.group(1)), m.group(3) == null ? "mm" : m.group(3));
            if (l[i].millimetres() > MAX_MARGIN_MM) {
                throw invalid(MARGINS, v, MARGINS_ALLOWED);
            }
        }
        String wire = String.join(" ", java.util.Arrays.stream(l).map(Length::css).toList());
        return l.length == 1 ? new Margins(l[0], l[0], l[0], l[0], wire) : new Margins(l[0], l[1], l[2], l[3], wire);
    }

    private static String text(String name, String v) {
        String s = v == null ? "" : v.strip();
        if (s.isEmpty() || s.length() > MAX_TEXT || s.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid(name, v, TEXT_ALLOWED);
        }
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw invalid(name, v, TEXT_ALLOWED);
            }
        }
        if (m.replaceAll("").indexOf('{') >= 0 || m.replaceAll("").indexOf('}') >= 0) {
            throw invalid(name, v, TEXT_ALLOWED);
        }
        return s;
    }

    private static boolean onOff(String name, String v) {
        return switch (norm(v)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw invalid(name, v, SWITCH_ALLOWED);
        };
    }

    private static Length fontSize(String v) {
        Matcher m = LENGTH.matcher(norm(v));
        String unit = m.matches() ? (m.group(3) == null ? "pt" : m.group(3)) : null;
        if (unit == null || !unit.equals("pt") && !unit.equals("px")) {
            throw invalid(FONT_SIZE, v, FONT_ALLOWED);
        }
        Length l = new Length(new BigDecimal(m.group(1)), unit);
        if (l.points() < MIN_FONT_PT - 1e-9 || l.points() > MAX_FONT_PT + 1e-9) {
            throw invalid(FONT_SIZE, v, FONT_ALLOWED);
        }
        return l;
    }

    private static String language(String v) {
        String s = v == null ? "" : v.strip();
        if (s.length() > 35 || !LANGUAGE_TAG.matcher(s).matches()) {
            throw invalid(LANGUAGE, v, LANGUAGE_ALLOWED);
        }
        return s;
    }

    private static DocpipeException invalid(String name, String value, String allowed) {
        String v = value == null ? "" : value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return new DocpipeException(ErrorCode.INVALID_OPTION, "option '" + name + "' cannot be '" + v
                + "'; allowed: " + allowed, name, null);
    }

    private static String num(double d) {
        return num(BigDecimal.valueOf(d));
    }

    private static String num(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
