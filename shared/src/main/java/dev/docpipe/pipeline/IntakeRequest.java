package dev.docpipe.pipeline;

import dev.docpipe.job.Format;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;

import java.util.Map;
import java.util.Objects;

/**
 * A document to turn into a job, from an S3 upload or the API.
 *
 * @param contentChecksum the content's identity with its kind ({@code etag:…}, {@code sha256:…}, {@code url:…})
 * @param size            bytes, or -1 when unknown (URL jobs)
 */
public record IntakeRequest(String owner, Source source, String filename, Format format, Priority priority,
                            Map<String, String> options, String contentChecksum, long size, String traceId) {
    public IntakeRequest {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(contentChecksum, "contentChecksum");
        options = Map.copyOf(options == null ? Map.of() : options);
        traceId = traceId == null ? "" : traceId;
    }
}
