package dev.docpipe.pipeline;

import dev.docpipe.job.DedupKey;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.FileNames;
import dev.docpipe.job.Format;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.job.Source;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an object that appeared under {@code uploads/} into a job (the ingest function, and the
 * sweeper for uploads whose event never came). Bucket and key are untrusted: anything outside the
 * configured bucket and prefix is ignored.
 *
 * <p>Key layout: {@code uploads/[<priority>/]<owner>/<name>}; a first segment naming a priority
 * (high, default, low) is the priority. Object metadata {@code owner} and {@code priority} win over
 * the key; {@code format} (html, markdown, text) is optional, and so is {@code options}: render options
 * as a URL-encoded form ({@code paper=letter&orientation=landscape}; invalid ones fail the job with
 * {@code invalid_option}). The ETag is the content checksum, so
 * the same bytes uploaded twice are one job (a multipart ETag depends on the part size).
 *
 * <p>Keys the API's {@code POST /uploads} signs have the shape
 * {@code uploads/<priority>/<owner>/<jobId>/<name>}: the job gets that pre-allocated id, owner and
 * priority come from the key only (the signature covers it), and the format, when metadata names
 * none, from the signed content type. If the upload duplicates an existing job, the pre-allocated id
 * never becomes a job: {@code aliases/<jobId>} then holds the id of the job it resolved to.
 */
public final class UploadIntake {
    private static final Logger LOG = LoggerFactory.getLogger(UploadIntake.class);
    public static final String DEFAULT_OWNER = "default";
    /** Prefix of the alias objects: {@code aliases/<pre-allocated job id>} holds the id of the job it became. */
    public static final String ALIASES = "aliases/";
    /** The metadata key holding render options as a URL-encoded form ({@link RenderOptions#toForm}). */
    public static final String OPTIONS_METADATA = "options";
    /**
     * The metadata key holding the job's webhook callback URL ({@code x-amz-meta-docpipe-callback-url});
     * checked, like every callback URL, when an event is delivered.
     */
    public static final String CALLBACK_METADATA = "docpipe-callback-url";

    private final Blobs blobs;
    private final Intake intake;
    private final String bucket;

    public UploadIntake(Blobs blobs, Intake intake, String bucket) {
        this.blobs = blobs;
        this.intake = intake;
        this.bucket = bucket;
    }

    /** What happened to one notification. */
    public enum Result { REGISTERED, IGNORED }

    /** Handles one S3 notification (already URL-decoded key). */
    public Result onEvent(String eventName, String eventBucket, String key, String traceId) {
        if (eventName == null || !eventName.startsWith("ObjectCreated:")) {
            LOG.debug("ignoring {} event", eventName);
            return Result.IGNORED;
        }
        if (!bucket.equals(eventBucket) || key == null || !key.startsWith(WorkKeys.UPLOADS) || key.endsWith("/")) {
            LOG.warn("ignoring an event for an object outside {}/{}", bucket, WorkKeys.UPLOADS);
            return Result.IGNORED;
        }
        Optional<Blobs.BlobInfo> head = blobs.head(new BlobRef(bucket, key));
        if (head.isEmpty()) {
            LOG.info("upload {} is gone before ingest; ignoring", key);
            return Result.IGNORED;
        }
        register(head.get(), traceId);
        return Result.REGISTERED;
    }

    /** Registers an upload the caller has already looked at. */
    public JobRegistry.Registration register(Blobs.BlobInfo object, String traceId) {
        return register(object, traceId, true);
    }

    /**
     * @param restartFinished false for the sweeper's scan: finding an upload again must not restart its
     *                        failed or cancelled job (a new upload event does, as a resubmission)
     */
    public JobRegistry.Registration register(Blobs.BlobInfo object, String traceId, boolean restartFinished) {
        String key = object.ref().key();
        String[] segments = key.substring(WorkKeys.UPLOADS.length()).split("/");
        Optional<Priority> prefixPriority = segments.length >= 3 ? priorityNamed(segments[0]) : Optional.empty();
        int ownerIndex = prefixPriority.isPresent() ? 1 : 0;
        String keyOwner = segments.length > ownerIndex + 1 ? segments[ownerIndex] : DEFAULT_OWNER;
        Map<String, String> meta = object.metadata();
        // uploads/<priority>/<owner>/<jobId>/<name>: a key the API signed, with the job id handed out up front
        Optional<JobId> preallocated = prefixPriority.isPresent() && segments.length == 4 && JobId.isValid(segments[2])
                ? Optional.of(new JobId(segments[2])) : Optional.empty();
        // the API signed owner and priority into the key: metadata cannot override them there
        String owner = preallocated.isPresent() ? keyOwner : nonBlank(meta.get("owner")).orElse(keyOwner);
        Priority priority = preallocated.isPresent() ? prefixPriority.get()
                : nonBlank(meta.get("priority")).flatMap(UploadIntake::priorityNamed).or(() -> prefixPriority)
                        .orElse(Priority.DEFAULT);
        Format format = nonBlank(meta.get("format")).flatMap(UploadIntake::formatNamed)
                .or(() -> preallocated.isPresent() ? formatOfContentType(object.contentType()) : Optional.empty())
                .orElse(null);
        String filename = FileNames.sanitise(segments[segments.length - 1]);
        if (!filename.equals(segments[segments.length - 1])) {
            LOG.warn("upload key's file name breaks the file-name rules (control characters, '..', length); "
                    + "the job shows it as {}", filename.replace('\uFFFD', '?'));
        }
        JobRegistry.Registration r = intake.submit(new IntakeRequest(owner, Source.s3(bucket, key), filename, format,
                priority, RenderOptions.fromForm(meta.get(OPTIONS_METADATA)), "etag:" + object.etag(), object.size(),
                traceId), preallocated.orElse(null),
                restartFinished, nonBlank(meta.get(CALLBACK_METADATA)).map(String::strip).orElse(null));
        boolean aliased = preallocated.isPresent() && r.outcome() != JobRegistry.Outcome.CREATED
                && !r.job().id().equals(preallocated.get());
        if (aliased) {
            // the id handed out will never exist: leave a pointer so the status API can answer for it
            blobs.put(alias(preallocated.get()), r.job().id().value().getBytes(StandardCharsets.UTF_8),
                    "text/plain; charset=utf-8", Map.of());
            LOG.info("upload for pre-allocated job {} resolved to job {}", preallocated.get(), r.job().id());
        }
        if (r.outcome() != JobRegistry.Outcome.CREATED && !r.job().source().location().equals(Source.s3(bucket, key).location())
                && (restartFinished || aliased)) {
            // a second object with the job's content: erasing the job must find it (and its alias)
            String name = aliased ? preallocated.get().value() : DedupKey.sha256Hex(key).substring(0, 32);
            blobs.put(new BlobRef(bucket, JobEraser.BACK_REFERENCES + r.job().id().value() + "/" + name),
                    key.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", Map.of());
        }
        LOG.atLevel(!restartFinished && r.outcome() == JobRegistry.Outcome.DEDUPLICATED ? Level.DEBUG : Level.INFO)
                .log("upload registered as job {} ({}, priority {})", r.job().id(), r.outcome(), priority.wire());
        return r;
    }

    /**
     * Where the pointer from a pre-allocated upload job id to the job it resolved to lives (its content is
     * that job's id), when the upload duplicated an existing job.
     */
    public BlobRef alias(JobId preallocated) {
        return new BlobRef(bucket, ALIASES + preallocated.value());
    }

    /** The format a content type names ({@code text/html}, {@code text/markdown}, {@code text/plain}), if any. */
    static Optional<Format> formatOfContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "text/html", "application/xhtml+xml" -> Optional.of(Format.HTML);
            case "text/markdown", "text/x-markdown" -> Optional.of(Format.MARKDOWN);
            case "text/plain" -> Optional.of(Format.TEXT);
            default -> Optional.empty();
        };
    }

    /**
     * Registers uploads whose event never came: lists up to {@code limit} objects under
     * {@code uploads/} after {@code startAfter} and registers those older than {@code settledBefore}
     * (younger ones may still have their event in flight). Registration is idempotent (dedup), so an
     * upload that already has its job costs one lookup.
     *
     * @return the key to continue after next time, or null when the listing reached the end
     */
    public String scan(String startAfter, int limit, java.time.Instant settledBefore) {
        java.util.List<Blobs.BlobInfo> page = blobs.list(bucket, WorkKeys.UPLOADS, startAfter, limit);
        for (Blobs.BlobInfo object : page) {
            if (!object.ref().key().endsWith("/") && object.lastModified() != null
                    && object.lastModified().isBefore(settledBefore)) {
                register(object, "sweeper", false);
            }
        }
        return page.size() < limit ? null : page.get(page.size() - 1).ref().key();
    }

    private static Optional<Priority> priorityNamed(String s) {
        try {
            return Optional.of(Priority.parse(s));
        } catch (DocpipeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Format> formatNamed(String s) {
        try {
            return Optional.of(Format.parse(s));
        } catch (DocpipeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
