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
 * DOCTYPEs disallowed accepts it) with only XML's own entities. The stylesheet is
 * {@code /convert/docpipe.css}.
 */
final class XhtmlWriter {
    static final String XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
    static final String STYLESHEET = loadStylesheet();

    private XhtmlWriter() {
    }

    static String write(Element body, String title, String language) {
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
        // the class lets the render stage leave this stylesheet out (the documentCssOnly option)
        head.appendElement("style").addClass("docpipe-stylesheet").appendChild(new DataNode(STYLESHEET));
        html.appendChild(body);
        return out.outerHtml();
    }

    private static String loadStylesheet() {
        try (InputStream in = XhtmlWriter.class.getResourceAsStream("/convert/docpipe.css")) {
            if (in == null) {
                throw new IllegalStateException("stylesheet /convert/docpipe.css is missing from the classpath");
            }
            String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (css.indexOf('<') >= 0 || css.indexOf('&') >= 0) {
                throw new IllegalStateException("stylesheet must not contain '<' or '&'");
            }
            return css;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /convert/docpipe.css", e);
        }
    }
}
