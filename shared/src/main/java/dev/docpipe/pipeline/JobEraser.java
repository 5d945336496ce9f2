package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Source;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.webhook.WebhookRecords;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Erases a job: its document and everything derived from it, leaving a tombstone (id, owner, erased-at)
 * until retention. In this order, each step idempotent:
 *
 * <ol>
 *   <li>the source object (the upload, or the inline copy), while the job still says where it is;</li>
 *   <li>the job becomes its tombstone and its dedup entry goes ({@link JobStore#erase}, atomic): from
 *       here on every stage's conditional write fails, and the same content submitted again is a new
 *       job;</li>
 *   <li>the status cache holds the tombstone (a cached state always loses to it, so a stage's late
 *       write-through cannot bring the job back), and the Redis dedup claim is dropped;</li>
 *   <li>every object derived from the id: {@code work/<id>/…}, {@code pdf/<id>.pdf}, its webhook records
 *       ({@code webhooks/jobs/<id>.json}, {@code webhooks/deliveries/<id>/…}), the aliases of
 *       pre-signed uploads that resolved to the job and those duplicate uploads.</li>
 * </ol>
 *
 * A stage still running while this happens writes its output either before step 4 (deleted there) or
 * after step 2, and then its next conditional write fails: {@link StageRunner} then finds the tombstone
 * and calls {@link #purgeOutput} itself. So no PDF outlives an erase.
 */
public final class JobEraser {
    private static final Logger LOG = LoggerFactory.getLogger(JobEraser.class);
    /** Objects under {@code aliases/by-job/<jobId>/}: one per upload that resolved to the job without being its source. */
    public static final String BACK_REFERENCES = UploadIntake.ALIASES + "by-job/";
    private static final int PAGE = 1000;

    private final JobStore store;
    private final FastPath fastPath;
    private final Blobs blobs;
    private final WorkKeys keys;
    private final Clock clock;
    private final Duration retention;
    private final Duration statusTtl;

    public JobEraser(JobStore store, FastPath fastPath, Blobs blobs, String bucket, Clock clock, Duration retention,
                     Duration statusTtl) {
        this.store = store;
        this.fastPath = fastPath;
        this.blobs = blobs;
        this.keys = new WorkKeys(bucket);
        this.clock = clock;
        this.retention = retention;
        this.statusTtl = statusTtl;
    }

    /** An eraser on the store and status cache {@code transitions} writes to. */
    public static JobEraser of(JobTransitions transitions, Blobs blobs, String bucket, Clock clock, Duration retention) {
        return new JobEraser(transitions.store(), transitions.fastPath(), blobs, bucket, clock, retention,
                transitions.statusTtl());
    }

    /**
     * Erases {@code owner}'s job {@code id}, or finishes erasing it (an erased job is erased again at no
     * harm: its derived objects are looked for once more).
     *
     * @return the tombstone
     * @throws JobNotFoundException no such live job of this owner
     */
    public Job erase(String owner, JobId id) {
        Job job = store.get(id).filter(j -> j.owner().equals(owner)).orElseThrow(() -> new JobNotFoundException(id));
        Job tombstone = job;
        if (job.status() != JobStatus.ERASED) {
            deleteSource(job);
            Instant now = clock.instant();
            tombstone = store.erase(id, now, now.plus(retention));
            fastPath.forgetDedup(job.dedupKey());
        }
        fastPath.cacheJob(tombstone, statusTtl);
        purgeDerived(id);
        LOG.info("job {} erased", id);
        return tombstone;
    }

    /**
     * Deletes every object derived from the job's id (work objects, PDF, its webhook subscription and delivery
     * records, aliases and the uploads behind them).
     */
    public void purgeDerived(JobId id) {
        purgeOutput(id);
        blobs.delete(new BlobRef(keys.bucket(), WebhookRecords.jobKey(id)));
        deleteUnder(WebhookRecords.deliveriesPrefix(id));
        String refs = BACK_REFERENCES + id.value() + "/";
        for (Blobs.BlobInfo ref : list(refs)) {
            String name = ref.ref().key().substring(refs.length());
            blobs.get(ref.ref()).map(b -> new String(b.bytes(), StandardCharsets.UTF_8))
                    .filter(key -> key.startsWith(WorkKeys.UPLOADS))
                    .ifPresent(key -> blobs.delete(new BlobRef(keys.bucket(), key)));
            if (JobId.isValid(name)) {
                blobs.delete(new BlobRef(keys.bucket(), UploadIntake.ALIASES + name));
            }
            blobs.delete(ref.ref());
        }
    }

    /**
     * Deletes what a stage run left behind for a job another run erased or finished meanwhile: for an erased job
     * its work objects and PDF ({@link #purgeOutput}), for a finished one its work objects only (a completed job's
     * PDF is its result).
     */
    public void purgeLeftovers(Job current) {
        if (current.status() == JobStatus.ERASED) {
            purgeOutput(current.id());
        } else if (current.status().isTerminal()) {
            deleteUnder(WorkKeys.WORK + current.id().value() + "/");
        }
    }

    /** Deletes what the stages write for a job: its work objects and its PDF. */
    public void purgeOutput(JobId id) {
        deleteUnder(WorkKeys.WORK + id.value() + "/");
        blobs.delete(keys.publishedPdf(id));
    }

    /** The object a back reference names: {@code aliases/by-job/<jobId>/<name>}. */
    public BlobRef backReference(JobId job, String name) {
        return new BlobRef(keys.bucket(), BACK_REFERENCES + job.value() + "/" + name);
    }

    private void deleteSource(Job job) {
        Source source = job.source();
        if (source.kind() == Source.Kind.URL) {
            return;
        }
        BlobRef ref = BlobRef.parse(source.location());
        // only what the pipeline itself keeps in its bucket: a location elsewhere is never touched
        if (ref.bucket().equals(keys.bucket())
                && (ref.key().startsWith(WorkKeys.UPLOADS) || ref.key().startsWith(WorkKeys.INLINE))) {
            blobs.delete(ref);
        }
    }

    private void deleteUnder(String prefix) {
        for (Blobs.BlobInfo object : list(prefix)) {
            blobs.delete(object.ref());
        }
    }

    private List<Blobs.BlobInfo> list(String prefix) {
        return blobs.list(keys.bucket(), prefix, null, PAGE);
    }
}
