package dev.docpipe.testing;

import dev.docpipe.job.DedupKey;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Test jobs. */
public final class Jobs {
    private Jobs() {
    }

    /** A queued job with a dedup key unique to this call. */
    public static Job queued(String owner, Instant now) {
        return queued(owner, Priority.DEFAULT, "sha256:" + UUID.randomUUID(), now);
    }

    public static Job queued(String owner, Priority priority, String checksum, Instant now) {
        Map<String, String> options = Map.of("pageSize", "A4");
        return Job.newQueued(JobId.newId(now), owner, Source.s3("uploads", "uploads/" + owner + "/doc.html"),
                "doc.html", Format.HTML, priority, options, DedupKey.of(owner, checksum, options), now);
    }
}
