package dev.docpipe.function.render.pdf;

import dev.docpipe.job.RenderOptions;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The caller's page options as one stylesheet, placed after the document's own styles so that what
 * the caller set wins and what the caller left alone stays as the document (or docpipe's stylesheet)
 * has it:
 * <ul>
 *   <li>paper and orientation: {@code @page { size }} in millimetres;</li>
 *   <li>margins: {@code @page { margin }};</li>
 *   <li>header: the {@code @top-center} margin box; footer: {@code @bottom-center}. Their text is
 *       caller text, never markup: it becomes CSS string literals (every character outside plain
 *       ASCII letters, digits and a few punctuation marks escaped), with {@code {page}} and
 *       {@code {pages}} as {@code counter(page)} and {@code counter(pages)}, {@code {title}} as the
 *       document title and {@code {date}} as the render date (UTC, ISO 8601);</li>
 *   <li>page numbers: with a footer they move to {@code @bottom-right}; turned off (and no footer),
 *       {@code @bottom-center} gets no content;</li>
 *   <li>base font size: {@code body { font-size }}; elements with their own absolute size keep it.</li>
 * </ul>
 */
final class PageSetup {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(page|pages|title|date)}");
    private static final String BOX_STYLE = "font-family: \"DocSans\", sans-serif; font-size: 9pt; color: #555555;";
    private static final String PAGE_NUMBERS = "counter(page) \" / \" counter(pages)";

    private PageSetup() {
    }

    static void addCallerStyle(Document doc, RenderOptions options, String title) {
        String css = css(options, title, LocalDate.now(Clock.systemUTC()));
        if (!css.isEmpty()) {
            doc.head().appendChild(new Element("style").attr("type", "text/css").appendChild(new DataNode(css)));
        }
    }

    /** The stylesheet for {@code options}, or "" when they change nothing on the page. */
    static String css(RenderOptions options, String title, LocalDate date) {
        StringBuilder page = new StringBuilder();
        RenderOptions.Paper size = options.pageSize();
        if (size != null) {
            page.append("  size: ").append(mm(size.widthMm())).append(' ').append(mm(size.heightMm())).append(";\n");
        }
        if (options.margins() != null) {
            page.append("  margin: ").append(options.margins().css()).append(";\n");
        }
        if (options.header() != null) {
            page.append("  @top-center { content: ").append(content(options.header(), title, date)).append("; ")
                    .append(BOX_STYLE).append(" }\n");
        }
        if (options.footer() != null) {
            page.append("  @bottom-center { content: ").append(content(options.footer(), title, date)).append("; ")
                    .append(BOX_STYLE).append(" }\n");
            if (options.pageNumbersOn()) {
                page.append("  @bottom-right { content: ").append(PAGE_NUMBERS).append("; ").append(BOX_STYLE)
                        .append(" }\n");
            }
        } else if (!options.pageNumbersOn()) {
            page.append("  @bottom-center { content: none; }\n");
        }
        StringBuilder css = new StringBuilder();
        if (!page.isEmpty()) {
            css.append("@page {\n").append(page).append("}\n");
        }
        if (options.fontSize() != null) {
            css.append("body { font-size: ").append(options.fontSize().css()).append("; }\n");
        }
        return css.toString();
    }

    /** A margin box's {@code content} value: string literals and page counters. */
    static String content(String text, String title, LocalDate date) {
        StringBuilder out = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(text);
        int last = 0;
        while (m.find()) {
            literal(out, text.substring(last, m.start()));
            switch (m.group(1)) {
                case "page" -> out.append(" counter(page)");
                case "pages" -> out.append(" counter(pages)");
                case "title" -> literal(out, XhtmlPreparer.clean(title == null ? "" : title));
                default -> literal(out, date.toString());
            }
            last = m.end();
        }
        literal(out, text.substring(last));
        String s = out.toString().strip();
        return s.isEmpty() ? "\"\"" : s;
    }

    private static void literal(StringBuilder out, String s) {
        if (s.isEmpty()) {
            return;
        }
        out.append(" \"");
        s.codePoints().forEach(c -> {
            boolean plain = c < 0x7f && (Character.isLetterOrDigit(c) || " .,:;!?()-_/'#%+=*".indexOf(c) >= 0);
            if (plain) {
                out.appendCodePoint(c);
            } else {
                out.append('\\').append(Integer.toHexString(c).toUpperCase(Locale.ROOT)).append(' ');
            }
        });
        out.append('"');
    }

    private static String mm(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + "mm";
    }
}
