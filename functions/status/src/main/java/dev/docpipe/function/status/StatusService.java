package dev.docpipe.function.status;

import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.api.DownloadUrls;
import dev.docpipe.config.Components;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Source;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.QueueMonitor;
import dev.docpipe.webhook.Delivery;
import dev.docpipe.webhook.WebhookRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The queries of the API, on ports only: a caller's job (status cache first, then the store), the
 * caller's history and counts, global queue depths, and the reachability of every dependency.
 *
 * <p>Tenancy: every job is checked against the caller, wherever it was read from; another owner's
 * job is indistinguishable from an unknown one ({@link ErrorCode#NOT_FOUND}). A cached job counts only
 * if its signature holds (the fast path checks it), and the download URL is signed for the key the job id
 * names ({@code pdf/<id>.pdf}), never for a location read from a job record.
 */
public final class StatusService {
    /** How long a download URL stays valid. */
    public static final Duration DOWNLOAD_URL_EXPIRY = DownloadUrls.EXPIRY;
    /** Where the submit function records that an upload's announced id is a duplicate of another job. */
    public static final String ALIASES = "aliases/";

    private static final Logger LOG = LoggerFactory.getLogger(StatusService.class);

    private final JobStore store;
    private final FastPath fastPath;
    private final Blobs blobs;
    private final QueueMonitor queues;
    private final Clock clock;
    private final String bucket;
    private final Duration cacheTtl;
    private final DownloadUrls downloads;
    private final WebhookRecords webhooks;

    public StatusService(Components components, QueueMonitor queues) {
        this.store = components.store();
        this.fastPath = components.fastPath();
        this.blobs = components.blobs();
        this.queues = Objects.requireNonNull(queues, "queues");
        this.clock = components.clock();
        this.bucket = components.config().bucket();
        this.cacheTtl = components.config().statusCacheTtl();
        this.downloads = new DownloadUrls(blobs, bucket);
        this.webhooks = new WebhookRecords(blobs, bucket);
    }

    /**
     * A job as the API shows it: the job, its download URL (completed jobs), whether the id was an alias, and
     * its webhook deliveries (finished jobs only: an event exists once the job has finished).
     */
    public record JobAnswer(Job job, URI downloadUrl, boolean deduplicated, List<Delivery> deliveries) {
    }

    /** The caller's job {@code rawId}, or {@link ErrorCode#NOT_FOUND}. */
    public JobAnswer job(String owner, String rawId) {
        if (!JobId.isValid(rawId)) {
            throw notFound();
        }
        JobId id = new JobId(rawId);
        Optional<Job> job = read(id);
        boolean alias = false;
        if (job.isEmpty()) {
            Optional<JobId> original = alias(id);
            if (original.isPresent()) {
                job = read(original.get());
                alias = true;
            }
        }
        Job found = job.filter(j -> j.owner().equals(owner)).orElseThrow(StatusService::notFound);
        List<Delivery> deliveries = found.status().isTerminal() ? webhooks.deliveries(found.id()) : List.of();
        return new JobAnswer(found, downloads.of(found), alias, deliveries);
    }

    /** The caller's history, newest first; no download URLs (a page stays one store query). */
    public Page<Job> history(String owner, JobQuery query) {
        return store.listByOwner(owner, query);
    }

    /** Where a job created from the upload {@code key} has its source (a job's source location). */
    public String uploadLocation(String key) {
        return Source.s3(bucket, key).location();
    }

    /** The caller's live jobs by status. */
    public Map<JobStatus, Long> counts(String owner) {
        return store.countByStatus(owner);
    }

    /** Every queue's load; global, not per caller. */
    public List<QueueMonitor.QueueLoad> queueLoads() {
        return queues.loads();
    }

    /**
     * A URL of the bucket as browsers reach it: a pre-signed GET of a key that need not exist, made
     * locally by the signer without a request. The dashboard's policy allows its origin.
     */
    public URI storageUrl() {
        return blobs.presignGet(new BlobRef(bucket, "dashboard/origin"), Duration.ofMinutes(1));
    }

    /** The result of a health check: one entry per dependency, {@code ok}, {@code down} or {@code disabled}. */
    public record Health(Map<String, String> checks) {
        public static final String OK = "ok";
        public static final String DOWN = "down";
        public static final String DISABLED = "disabled";

        /** Whether everything the API needs answers; Redis is a fast path only and does not count. */
        public boolean required() {
            return checks.entrySet().stream().filter(e -> !e.getKey().equals("redis")).allMatch(e -> OK.equals(e.getValue()));
        }

        public boolean all() {
            return checks.values().stream().allMatch(v -> OK.equals(v) || DISABLED.equals(v));
        }
    }

    public Health health() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("store", check("store", () -> store.get(JobId.newId(clock.instant()))));
        checks.put("queues", check("queues", () -> {
            queues.probe();
            return null;
        }));
        checks.put("bucket", check("bucket", () -> blobs.head(new BlobRef(bucket, "health/" + UUID.randomUUID()))));
        checks.put("redis", redis());
        return new Health(checks);
    }

    /** The cache, then the store (warming the cache); expired jobs are absent. */
    private Optional<Job> read(JobId id) {
        Optional<Job> cached = fastPath.cachedJob(id);
        if (cached.isPresent()) {
            return cached.filter(this::live);
        }
        Optional<Job> stored = store.get(id);
        stored.ifPresent(j -> fastPath.cacheJob(j, cacheTtl));
        return stored;
    }

    private boolean live(Job job) {
        return job.expiresAt() == null || job.expiresAt().isAfter(clock.instant());
    }

    private Optional<JobId> alias(JobId id) {
        return blobs.get(new BlobRef(bucket, ALIASES + id.value()))
                .map(b -> new String(b.bytes(), StandardCharsets.UTF_8).trim())
                .filter(JobId::isValid)
                .map(JobId::new);
    }


    private String redis() {
        if (fastPath instanceof NoFastPath) {
            return Health.DISABLED;
        }
        long before = fastPath.stats().fallbacks();
        fastPath.cachedJob(JobId.newId(clock.instant()));
        return fastPath.stats().fallbacks() > before ? Health.DOWN : Health.OK;
    }

    private static String check(String name, Supplier<?> call) {
        try {
            call.get();
            return Health.OK;
        } catch (RuntimeException e) {
            LOG.warn("health: {} is down: {}", name, e instanceof DocpipeException d ? d.code().code() : e.getClass().getSimpleName());
            return Health.DOWN;
        }
    }

    private static DocpipeException notFound() {
        return new DocpipeException(ErrorCode.NOT_FOUND, "no such job");
    }
}
