package dev.docpipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.Job;
import dev.docpipe.job.RenderOptions;

import java.net.URI;
import java.util.TreeMap;

/**
 * What the API shows of a job, with the caller's render options ({@code options}) and every option's
 * value as the render uses it ({@code effectiveOptions}). Never the owner, the dedup key or the source's storage location;
 * times are ISO-8601 UTC.
 */
public final class JobView {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobView() {
    }

    /** @param downloadUrl a pre-signed GET of the PDF for completed jobs, else null */
    public static ObjectNode of(Job job, URI downloadUrl) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", job.id().value());
        n.put("status", job.status().wire());
        n.put("stage", job.stage().wire());
        n.put("progress", job.progress());
        n.put("attempt", job.attempt());
        n.put("priority", job.priority().wire());
        if (job.status() == dev.docpipe.job.JobStatus.ERASED) {
            return erased(n, job);
        }
        if (job.format() != null) {
            n.put("format", job.format().wire());
        }
        if (job.filename() != null) {
            n.put("filename", job.filename());
        }
        n.set("options", JSON.valueToTree(new TreeMap<>(job.options())));
        effectiveOptions(job).ifPresent(e -> n.set("effectiveOptions", JSON.valueToTree(e)));
        n.put("source", job.source().kind().name().toLowerCase(java.util.Locale.ROOT));
        if (job.source().kind() == dev.docpipe.job.Source.Kind.URL) {
            n.put("url", job.source().location());
        }
        n.put("createdAt", job.createdAt().toString());
        n.put("updatedAt", job.updatedAt().toString());
        ObjectNode stamps = n.putObject("timestamps");
        new TreeMap<>(job.timestamps()).forEach((k, v) -> stamps.put(k, v.toString()));
        if (job.error() != null) {
            ObjectNode e = n.putObject("error");
            e.put("code", job.error().code().code());
            e.put("message", job.error().message());
        }
        if (job.result() != null) {
            ObjectNode r = n.putObject("result");
            r.put("pages", job.result().pages());
            r.put("bytes", job.result().bytes());
            if (downloadUrl != null) {
                r.put("downloadUrl", downloadUrl.toString());
            }
        }
        if (job.expiresAt() != null) {
            n.put("expiresAt", job.expiresAt().toString());
        }
        return n;
    }

    /** A tombstone: when it was erased and until when the tombstone stays; nothing about the document. */
    private static ObjectNode erased(ObjectNode n, Job job) {
        n.put("createdAt", job.createdAt().toString());
        n.put("updatedAt", job.updatedAt().toString());
        n.put("erasedAt", job.updatedAt().toString());
        ObjectNode stamps = n.putObject("timestamps");
        new TreeMap<>(job.timestamps()).forEach((k, v) -> stamps.put(k, v.toString()));
        if (job.expiresAt() != null) {
            n.put("expiresAt", job.expiresAt().toString());
        }
        return n;
    }

    /** Every render option with the value the render uses; empty for options no longer valid (older jobs). */
    private static java.util.Optional<java.util.Map<String, String>> effectiveOptions(Job job) {
        try {
            return java.util.Optional.of(RenderOptions.parse(job.options()).effective());
        } catch (DocpipeException e) {
            return java.util.Optional.empty();
        }
    }
}
