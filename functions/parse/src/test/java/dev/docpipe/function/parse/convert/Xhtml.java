package dev.docpipe.function.parse.convert;

import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;

/** Test helpers: a strict, hardened XML parser and access to the body of converter output. */
final class Xhtml {
    private Xhtml() {
    }

    /**
     * Parses with a namespace-aware JAXP parser that refuses DOCTYPEs, external entities and
     * XInclude: if this accepts the output, any XML parser will.
     */
    static Document parseStrict(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException e) {
            throw new AssertionError("output is not well-formed XML: " + e.getMessage() + "\n" + abbreviate(xml), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serialised {@code <body>…</body>} of converter output (author content only, no stylesheet). */
    static String body(String xhtml) {
        int start = xhtml.indexOf("<body");
        int end = xhtml.lastIndexOf("</body>");
        if (start < 0) {
            throw new AssertionError("no <body> in output: " + abbreviate(xhtml));
        }
        return end < 0 ? xhtml.substring(start) : xhtml.substring(start, end + "</body>".length());
    }

    static byte[] resource(String name) {
        try (InputStream in = Xhtml.class.getResourceAsStream("/convert/" + name)) {
            if (in == null) {
                throw new AssertionError("missing test resource /convert/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
