package dev.docpipe.function.parse.convert;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The result of a conversion: a complete, well-formed XHTML document (no DOCTYPE, no external
 * references, UTF-8 when encoded) and what was learned about it.
 */
public record ParsedDocument(String xhtml, DocumentMetadata metadata) {
    public ParsedDocument {
        Objects.requireNonNull(xhtml, "xhtml");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** The XHTML as the UTF-8 bytes its {@code <meta charset>} promises. */
    public byte[] xhtmlUtf8() {
        return xhtml.getBytes(StandardCharsets.UTF_8);
    }
}
