package dev.docpipe.function.parse.convert;

import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Assembles the output document:
 * {@code <html xmlns="http://www.w3.org/1999/xhtml" lang="…"><head><meta charset="UTF-8"/><title>…</title>
 * <style>…</style></head><body>…</body></html>}, serialised as XML (no DOCTYPE, so a parser with
 * DOCTYPEs disallowed accepts it) with only XML's own entities.
 *
 * <p>Styles ({@link Styles}): a document without CSS of its own (Markdown, text, plain HTML) gets
 * docpipe's typography, {@code /convert/docpipe.css}. A document with its own CSS gets
 * {@code /convert/base.css} (fonts, A4 with margins, blocks for HTML5 elements, wrapping) followed
 * by the author's sanitised rules, so the author wins wherever it says something (the render stage
 * adds its "page / pages" footer unless the author's {@code @page} has margin boxes of its own).
 */
final class XhtmlWriter {
    static final String XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
    static final String STYLESHEET = loadStylesheet("/convert/docpipe.css");
    static final String BASE_STYLESHEET = loadStylesheet("/convert/base.css");
    /** The class of docpipe's own {@code <style>} elements (never an author's). */
    static final String DOCPIPE_CLASS = "docpipe-stylesheet";

    /** The {@code <style>} elements of the output, in order. */
    record Styles(java.util.List<String> sheets) {
        static Styles docpipe() {
            return new Styles(java.util.List.of(STYLESHEET));
        }

        static Styles author(String css) {
            return new Styles(java.util.List.of(BASE_STYLESHEET, css));
        }
    }

    private XhtmlWriter() {
    }

    static String write(Element body, String title, String language) {
        return write(body, title, language, Styles.docpipe());
    }

    static String write(Element body, String title, String language, Styles styles) {
        Document out = new Document("");
        out.outputSettings()
                .syntax(Document.OutputSettings.Syntax.xml)
                .escapeMode(Entities.EscapeMode.xhtml)
                .charset(StandardCharsets.UTF_8)
                .prettyPrint(false);
        Element html = out.appendElement("html").attr("xmlns", XHTML_NAMESPACE);
        if (language != null) {
            html.attr("lang", language);
        }
        Element head = html.appendElement("head");
        head.appendElement("meta").attr("charset", "UTF-8");
        head.appendElement("title").text(title);
        for (String sheet : styles.sheets()) {
            if (sheet.indexOf('<') >= 0 || sheet.indexOf('&') >= 0) {
                throw new IllegalStateException("a stylesheet must not contain '<' or '&'");
            }
            Element style = head.appendElement("style");
            if (sheet == STYLESHEET || sheet == BASE_STYLESHEET) {
                // docpipe's own: the class lets the render stage leave it out (the documentCssOnly option)
                style.addClass(DOCPIPE_CLASS);
            }
            style.appendChild(new DataNode(sheet));
        }
        html.appendChild(body);
        return out.outerHtml();
    }

    private static String loadStylesheet(String resource) {
        try (InputStream in = XhtmlWriter.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("stylesheet " + resource + " is missing from the classpath");
            }
            String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (css.indexOf('<') >= 0 || css.indexOf('&') >= 0) {
                throw new IllegalStateException("stylesheet must not contain '<' or '&'");
            }
            return css;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
