package dev.docpipe.pipeline;

import dev.docpipe.job.JobId;
import dev.docpipe.port.BlobRef;

/**
 * Where a job's objects live in the bucket. Every key derives from the job id, so a repeated step
 * overwrites the same object. Only {@code uploads/} is watched for new documents; the other prefixes
 * can never start a job (no notification loops).
 */
public record WorkKeys(String bucket) {
    public static final String UPLOADS = "uploads/";
    public static final String INLINE = "inline/";
    public static final String WORK = "work/";
    public static final String PDF = "pdf/";

    public BlobRef xhtml(JobId id) {
        return new BlobRef(bucket, WORK + id.value() + "/document.xhtml");
    }

    public BlobRef metadata(JobId id) {
        return new BlobRef(bucket, WORK + id.value() + "/metadata.json");
    }

    public BlobRef renderedPdf(JobId id) {
        return new BlobRef(bucket, WORK + id.value() + "/document.pdf");
    }

    public BlobRef publishedPdf(JobId id) {
        return new BlobRef(bucket, PDF + id.value() + ".pdf");
    }

    /** Inline content submitted through the API, addressed by its owner and SHA-256 (a resubmission overwrites it). */
    public BlobRef inline(String ownerHash, String contentSha256) {
        return new BlobRef(bucket, INLINE + ownerHash + "/" + contentSha256);
    }
}
