package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns untrusted bytes into text: refuses binary content, infers the format, picks the charset
 * (byte order mark, then the declared charset, then for HTML a {@code <meta>} or XML declaration in
 * the first {@value #META_SCAN_BYTES} bytes, else UTF-8) and decodes with every malformed sequence
 * replaced by U+FFFD.
 */
final class InputDecoder {
    /** How far into an HTML document a {@code <meta charset>} is looked for (as jsoup and browsers do). */
    static final int META_SCAN_BYTES = 5 * 1024;
    private static final int SNIFF_BYTES = 4 * 1024;

    /** WHATWG: these labels mean windows-1252, whose 0x80..0x9F are printable (€, “, ”, …). */
    private static final Set<String> WINDOWS_1252_LABELS = Set.of(
            "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "iso-ir-100", "cp819", "ibm819",
            "csisolatin1", "us-ascii", "ascii", "ansi_x3.4-1968", "windows-1252", "cp1252", "x-cp1252");

    private static final Map<String, Format> EXTENSIONS = Map.of(
            "html", Format.HTML, "htm", Format.HTML, "xhtml", Format.HTML, "xht", Format.HTML,
            "md", Format.MARKDOWN, "markdown", Format.MARKDOWN,
            "txt", Format.TEXT, "text", Format.TEXT);

    private static final Pattern HTML_START = Pattern.compile(
            "^<(?:!doctype\\s+html|html|head|body|meta|title|base|link|style|script|div|p|table|h[1-6]|ul|ol|dl"
                    + "|section|article|header|main|nav|span|a|b|i|em|strong|br|pre|blockquote)[\\s/>]");
    private static final Pattern XML_THEN_HTML = Pattern.compile("^<\\?xml[^>]*>.*?<(?:!doctype\\s+html|html)[\\s>]",
            Pattern.DOTALL);
    private static final Pattern XML_ENCODING = Pattern.compile(
            "^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']");
    private static final Pattern CONTENT_TYPE_CHARSET = Pattern.compile(
            "charset\\s*=\\s*[\"']?([A-Za-z0-9._:-]{1,40})", Pattern.CASE_INSENSITIVE);

    /** The decoded text of a document, and how it was read. */
    record Decoded(String text, Charset charset, Format format) {
    }

    private record Bom(Charset charset, int length) {
    }

    private InputDecoder() {
    }

    static Decoded decode(byte[] content, Format requested, String filename, String declaredCharset) {
        BinaryDetector.rejectKnownSignatures(content);
        Bom bom = bom(content);
        int offset = bom == null ? 0 : bom.length();
        Charset primary = bom != null ? bom.charset() : charsetForLabel(declaredCharset, false);
        boolean wide = primary != null && isWide(primary);
        if (!wide) {
            BinaryDetector.rejectBinaryBytes(content, offset);
        }

        Format format = requested;
        if (format == null) {
            format = byExtension(filename);
        }
        if (format == null) {
            format = sniff(content, offset, primary);
        }

        Charset charset = primary;
        if (charset == null && format == Format.HTML) {
            charset = declaredInHtml(content);
        }
        if (charset == null) {
            charset = StandardCharsets.UTF_8;
        }
        String text = decode(content, offset, charset);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // a BOM the charset was declared with but not detected as such
        }
        if (wide) {
            BinaryDetector.rejectControlChars(text);
        }
        return new Decoded(text, charset, format);
    }

    /** The format a file name's extension says, or null. Paths (either separator) are allowed. */
    static Format byExtension(String filename) {
        if (filename == null) {
            return null;
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return null;
        }
        return EXTENSIONS.get(name.substring(dot + 1).trim().toLowerCase(Locale.ROOT));
    }

    /**
     * HTML when the text starts (after whitespace and comments) with a doctype or a common HTML
     * tag, or is an XML document whose root is {@code html}; otherwise TEXT. Markdown is never
     * guessed: it needs a {@code .md} name or an explicit format.
     */
    static Format sniff(byte[] content, int offset, Charset charset) {
        int length = Math.min(content.length - offset, SNIFF_BYTES);
        Charset reading = charset == null || !isWide(charset) ? StandardCharsets.ISO_8859_1 : charset;
        String head = new String(content, offset, length, reading).toLowerCase(Locale.ROOT);
        int i = 0;
        while (true) {
            while (i < head.length() && (Character.isWhitespace(head.charAt(i)) || head.charAt(i) == '\uFEFF')) {
                i++;
            }
            if (head.startsWith("<!--", i)) {
                int end = head.indexOf("-->", i + 4);
                if (end < 0) {
                    return Format.TEXT;
                }
                i = end + 3;
            } else {
                break;
            }
        }
        String start = head.substring(i);
        if (HTML_START.matcher(start).find() || XML_THEN_HTML.matcher(start).find()) {
            return Format.HTML;
        }
        return Format.TEXT;
    }

    /**
     * The charset a {@code <meta charset>}, {@code <meta http-equiv="Content-Type">} or XML
     * declaration near the start of an HTML document names, or null. As in browsers, a UTF-16 or
     * UTF-32 label there means UTF-8 (a document readable as ASCII cannot be UTF-16).
     */
    static Charset declaredInHtml(byte[] content) {
        String head = new String(content, 0, Math.min(content.length, META_SCAN_BYTES), StandardCharsets.ISO_8859_1);
        Matcher xml = XML_ENCODING.matcher(head);
        if (xml.find()) {
            Charset c = charsetForLabel(xml.group(1), true);
            if (c != null) {
                return c;
            }
        }
        Document doc = Jsoup.parse(head);
        for (Element meta : doc.select("meta[charset], meta[http-equiv][content]")) {
            String label = null;
            if (meta.hasAttr("charset")) {
                label = meta.attr("charset");
            } else if (meta.attr("http-equiv").trim().equalsIgnoreCase("content-type")) {
                Matcher m = CONTENT_TYPE_CHARSET.matcher(meta.attr("content"));
                label = m.find() ? m.group(1) : null;
            }
            Charset c = charsetForLabel(label, true);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /**
     * The charset a label names, or null when it is blank or unknown (never an exception: a wrong
     * label in a Content-Type must not fail the job). Latin-1 and ASCII labels mean windows-1252,
     * as in browsers.
     */
    static Charset charsetForLabel(String label, boolean inDocument) {
        if (label == null) {
            return null;
        }
        String name = label.trim().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return null;
        }
        if (WINDOWS_1252_LABELS.contains(name)) {
            return Charset.forName("windows-1252");
        }
        Charset c;
        try {
            c = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
        if (inDocument && isWide(c)) {
            return StandardCharsets.UTF_8;
        }
        return c;
    }

    private static Bom bom(byte[] b) {
        if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
            return new Bom(StandardCharsets.UTF_8, 3);
        }
        if (startsWith(b, 0x00, 0x00, 0xFE, 0xFF)) {
            return new Bom(Charset.forName("UTF-32BE"), 4);
        }
        if (startsWith(b, 0xFF, 0xFE, 0x00, 0x00)) {
            return new Bom(Charset.forName("UTF-32LE"), 4);
        }
        if (startsWith(b, 0xFE, 0xFF)) {
            return new Bom(StandardCharsets.UTF_16BE, 2);
        }
        if (startsWith(b, 0xFF, 0xFE)) {
            return new Bom(StandardCharsets.UTF_16LE, 2);
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** UTF-16 and UTF-32 in all byte orders: not ASCII-compatible, full of zero bytes. */
    private static boolean isWide(Charset c) {
        String n = c.name().toUpperCase(Locale.ROOT);
        return n.contains("UTF-16") || n.contains("UTF-32");
    }

    private static String decode(byte[] content, int offset, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE); // replacement: U+FFFD
        try {
            return decoder.decode(ByteBuffer.wrap(content, offset, content.length - offset)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder reported a coding error", e); // cannot happen
        }
    }
}
