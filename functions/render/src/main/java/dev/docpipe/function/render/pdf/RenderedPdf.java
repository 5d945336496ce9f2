package dev.docpipe.function.render.pdf;

import java.util.Objects;

/**
 * A finished PDF.
 *
 * @param bytes the complete file; not copied, so treat it as read-only
 * @param pages number of pages in the file
 */
public record RenderedPdf(byte[] bytes, int pages) {
    public RenderedPdf {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return "RenderedPdf[" + bytes.length + " bytes, " + pages + " pages]";
    }
}
