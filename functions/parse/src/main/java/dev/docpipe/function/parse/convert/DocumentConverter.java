package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.List;
import java.util.Objects;

/**
 * Untrusted HTML, Markdown or plain text → sanitised, well-formed XHTML plus metadata.
 *
 * <ol>
 *   <li>size: more than {@code maxBytes} → {@code TOO_LARGE}, before anything is decoded;</li>
 *   <li>{@link InputDecoder}: binary signatures, NUL bytes and control characters →
 *       {@code UNSUPPORTED_CONTENT}; format (given, else file extension, else sniffed); charset
 *       (BOM, declared, HTML meta, UTF-8) and decoding with U+FFFD for malformed input;</li>
 *   <li>front end: HTML as is, {@link MarkdownFrontEnd}, {@link TextFrontEnd} — all produce HTML;</li>
 *   <li>{@link BoundedHtmlParser}: jsoup with element and depth bounds;</li>
 *   <li>{@link HtmlSanitiser}: the allow-list, the same for every format;</li>
 *   <li>{@link MetadataExtractor}: heading ids, outline, title, language, word count; no visible
 *       text and no image → {@code EMPTY_DOCUMENT};</li>
 *   <li>{@link CssSanitiser}: the HTML document's own {@code <style>} rules and {@code style}
 *       attributes, through an allow-list;</li>
 *   <li>{@link XhtmlWriter}: the XHTML document with docpipe's print stylesheet, or, when the
 *       author has CSS, a base stylesheet followed by the author's.</li>
 * </ol>
 * Thread-safe; build one per execution environment.
 */
public final class DocumentConverter {
    private final ConvertLimits limits;
    private final MarkdownFrontEnd markdown;
    private final HtmlSanitiser sanitiser;

    public DocumentConverter(ConvertLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.markdown = new MarkdownFrontEnd(limits);
        this.sanitiser = new HtmlSanitiser(limits);
    }

    public ConvertLimits limits() {
        return limits;
    }

    /**
     * @param content         the document's bytes
     * @param format          its format, or null to infer it from the file name, else the content
     * @param filename        the original file name (used for format inference and as a title
     *                        fallback), may be null
     * @param declaredCharset a charset declared outside the document (Content-Type), may be null;
     *                        unknown names are ignored
     * @throws ConversionException {@code TOO_LARGE}, {@code UNSUPPORTED_CONTENT} or {@code EMPTY_DOCUMENT}
     */
    public ParsedDocument convert(byte[] content, Format format, String filename, String declaredCharset) {
        Objects.requireNonNull(content, "content");
        if (content.length > limits.maxBytes()) {
            throw ConversionException.tooLarge("document is " + content.length + " bytes, over the limit of "
                    + limits.maxBytes() + " bytes");
        }
        InputDecoder.Decoded input = InputDecoder.decode(content, format, filename, declaredCharset);
        String html = switch (input.format()) {
            case HTML -> input.text();
            case MARKDOWN -> markdown.toHtml(input.text());
            case TEXT -> TextFrontEnd.toHtml(input.text(), limits);
        };
        Document parsed = BoundedHtmlParser.parse(html, limits);
        CssSanitiser css = new CssSanitiser();
        String authorCss = input.format() == Format.HTML ? authorStylesheet(parsed, css) : "";
        HtmlSanitiser.Result clean = sanitiser.sanitise(parsed.body(), css);
        Element body = clean.body();

        String text = body.text();
        if (MetadataExtractor.isBlank(text) && body.selectFirst("img") == null) {
            throw ConversionException.empty("the document has no text or images to render");
        }
        List<Heading> outline = MetadataExtractor.outline(body, clean.ids());
        String title = MetadataExtractor.title(parsed, body, filename);
        String language = input.format() == Format.HTML ? MetadataExtractor.language(parsed) : null;
        DocumentMetadata metadata = new DocumentMetadata(title, language, MetadataExtractor.wordCount(text),
                outline, input.charset().name(), input.format());
        XhtmlWriter.Styles styles = authorCss.isBlank() && !css.keptStyleAttributes()
                ? XhtmlWriter.Styles.docpipe()
                : XhtmlWriter.Styles.author(authorCss);
        return new ParsedDocument(XhtmlWriter.write(body, title, language, styles), metadata);
    }

    /** The kept rules of the document's {@code <style>} elements for print, in document order. */
    private static String authorStylesheet(Document parsed, CssSanitiser css) {
        StringBuilder out = new StringBuilder();
        for (Element style : parsed.select("style")) {
            String media = style.attr("media").strip().toLowerCase(java.util.Locale.ROOT);
            if (!media.isEmpty() && !media.contains("print") && !media.contains("all")) {
                continue;
            }
            out.append(css.stylesheet(style.data()));
        }
        return out.toString();
    }
}
