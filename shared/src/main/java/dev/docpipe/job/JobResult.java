package dev.docpipe.job;

import java.util.Objects;

/** The published PDF: its location, page count and size. */
public record JobResult(String pdfLocation, int pages, long bytes) {
    public JobResult {
        Objects.requireNonNull(pdfLocation, "pdfLocation");
    }
}
