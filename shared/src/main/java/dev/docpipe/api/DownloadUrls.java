package dev.docpipe.api;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.Blobs;

import java.net.URI;
import java.time.Duration;

/**
 * The download URL the API shows for a completed job: a pre-signed GET of the key the job id names
 * ({@code pdf/<id>.pdf}), never of a location read from a job record. Signed locally, without a request.
 */
public final class DownloadUrls {
    /** How long a download URL stays valid. */
    public static final Duration EXPIRY = Duration.ofMinutes(15);

    private final Blobs blobs;
    private final WorkKeys keys;

    public DownloadUrls(Blobs blobs, String bucket) {
        this.blobs = blobs;
        this.keys = new WorkKeys(bucket);
    }

    /** The URL of the job's PDF, or null unless the job is completed with a result. */
    public URI of(Job job) {
        if (job.status() != JobStatus.COMPLETED || job.result() == null) {
            return null;
        }
        return blobs.presignGet(keys.publishedPdf(job.id()), EXPIRY);
    }
}
