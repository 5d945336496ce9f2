package dev.docpipe.pipeline;

import dev.docpipe.job.DedupKey;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.job.Stage;
import dev.docpipe.logging.LogFields;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Where every job starts, whether it came from an S3 upload (ingest) or the API (submit): dedup and
 * create through the {@link JobRegistry}, then the first parse message. Render options are brought to
 * their canonical form ({@link RenderOptions}) before the dedup key is made. A document over the size
 * limit becomes a job that fails at once with {@code too_large}, and one whose options are invalid (an
 * upload's metadata) with {@code invalid_option}, so the user can see why.
 *
 * <p>A crash between the create and the send leaves a queued job with no message: the sweeper
 * re-drives it.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final JobRegistry registry;
    private final JobTransitions transitions;
    private final StageQueues queues;
    private final Clock clock;
    private final long maxDocumentBytes;
    private final Duration retention;
    private final Map<String, String> defaultOptions;

    public Intake(JobRegistry registry, JobTransitions transitions, StageQueues queues, Clock clock, long maxDocumentBytes,
                  Duration retention) {
        this(registry, transitions, queues, clock, maxDocumentBytes, retention, Map.of());
    }

    /**
     * @param defaultOptions render options every job gets unless its request sets them itself
     *                       ({@code DOCPIPE_DEFAULT_OPTIONS}, {@code serve}'s render flags)
     */
    public Intake(JobRegistry registry, JobTransitions transitions, StageQueues queues, Clock clock, long maxDocumentBytes,
                  Duration retention, Map<String, String> defaultOptions) {
        this.defaultOptions = Map.copyOf(defaultOptions);
        this.registry = registry;
        this.transitions = transitions;
        this.queues = queues;
        this.clock = clock;
        this.maxDocumentBytes = maxDocumentBytes;
        this.retention = retention;
    }

    public JobRegistry.Registration submit(IntakeRequest request) {
        return submit(request, null);
    }

    /**
     * Like {@link #submit(IntakeRequest)}, but a job this request creates gets {@code candidateId}: the id
     * the API handed out before the document existed (pre-signed uploads). A duplicate still resolves to
     * the existing job, whose id differs. If a job with {@code candidateId} exists for other content (the
     * same pre-signed URL used twice with different bytes), the new job gets a fresh id instead.
     *
     * @param candidateId the id for a new job, or null for a fresh one
     */
    public JobRegistry.Registration submit(IntakeRequest request, JobId candidateId) {
        return submit(request, candidateId, true);
    }

    /**
     * @param restartFinished false when the request re-discovers a submission rather than repeating it
     *                        (see {@link JobRegistry#register(Job, boolean)}); such a re-discovery that finds
     *                        its job is logged at debug level only
     */
    public JobRegistry.Registration submit(IntakeRequest request, JobId candidateId, boolean restartFinished) {
        return submit(request, candidateId, restartFinished, null);
    }

    /**
     * @param callbackUrl where the job's outcome is posted (a webhook), or null. Recorded for a job this
     *                    request creates or restarts, before its first stage message; a duplicate of a
     *                    live or completed job keeps the callback that job was created with.
     */
    public JobRegistry.Registration submit(IntakeRequest request, JobId candidateId, boolean restartFinished,
                                           String callbackUrl) {
        Instant now = clock.instant();
        // the API and the CLI refuse invalid options before anything starts; an upload's metadata can
        // only be refused here, as a job that fails at once and shows why
        Map<String, String> options = new java.util.LinkedHashMap<>(defaultOptions);
        options.putAll(request.options());
        DocpipeException refused = null;
        try {
            options = RenderOptions.parse(options).toMap();
        } catch (DocpipeException e) {
            refused = e;
        }
        String dedupKey = DedupKey.of(request.owner(), request.contentChecksum(), options);
        JobId id = candidateId;
        if (id == null || transitions.store().get(id).filter(j -> !j.dedupKey().equals(dedupKey)).isPresent()) {
            id = JobId.newId(now);
        }
        // a pre-allocated id was handed out earlier: the job dates from then, as its id says (history
        // filters by the id's time), not from the moment its upload arrived
        Instant created = id.equals(candidateId) && id.createdAt().isBefore(now) ? id.createdAt() : now;
        Job candidate = Job.newQueued(id, request.owner(), request.source(), request.filename(),
                request.format(), request.priority(), options, dedupKey, created, now);
        JobRegistry.Registration registration = registry.register(candidate, restartFinished);
        LogFields.job(registration.job());
        LogFields.put(LogFields.TRACE_ID, request.traceId());
        boolean foundAgain = !restartFinished && registration.outcome() == JobRegistry.Outcome.DEDUPLICATED;
        LOG.atLevel(foundAgain ? Level.DEBUG : Level.INFO).log("job {} {}: {} bytes of {}", registration.job().id(),
                registration.outcome().name().toLowerCase(Locale.ROOT), request.size(),
                request.format() == null ? "unknown format" : request.format().wire());
        if (registration.outcome() == JobRegistry.Outcome.DEDUPLICATED) {
            return registration;
        }
        Job job = registration.job();
        if (callbackUrl != null) {
            transitions.webhooks().subscribe(job, callbackUrl);
        }
        if (refused != null) {
            return new JobRegistry.Registration(failNow(job, new JobError(refused.code(), refused.getMessage()), now),
                    registration.outcome());
        }
        if (request.size() > maxDocumentBytes) {
            Job failed = failNow(job, new JobError(ErrorCode.TOO_LARGE, "document is " + request.size()
                    + " bytes; the limit is " + maxDocumentBytes + " bytes"), now);
            return new JobRegistry.Registration(failed, registration.outcome());
        }
        queues.send(new StageMessage(job.id(), Stage.PARSE, job.priority(), job.attempt(), request.traceId(),
                job.owner()));
        return registration;
    }

    private Job failNow(Job job, JobError error, Instant now) {
        return transitions.apply(job, JobChange.to(JobStatus.FAILED, now).error(error)
                .stamp("failed", now).expiresAt(now.plus(retention)).build());
    }
}
