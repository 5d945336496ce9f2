package dev.docpipe.function.webhook;

import dev.docpipe.adapter.metrics.EmfMetrics;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsWebhookQueue;
import dev.docpipe.config.Config;
import dev.docpipe.config.Components;
import dev.docpipe.fetch.FetchException;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.HostResolver;
import dev.docpipe.fetch.PublicAddressPolicy;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.logging.LogFields;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.WebhookQueue;
import dev.docpipe.webhook.Delivery;
import dev.docpipe.webhook.WebhookKey;
import dev.docpipe.webhook.WebhookMessage;
import dev.docpipe.webhook.WebhookPolicy;
import dev.docpipe.webhook.WebhookRecords;
import dev.docpipe.webhook.WebhookSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers one webhook message: finds the target (the job's callback URL, else its API key's default),
 * signs the event with the key's valid secrets ({@link WebhookSignature}) and POSTs it through the URL
 * fetcher's guard (the same public-address policy as URL jobs: one resolution, a connection to the
 * checked address, no redirect followed). The outcome of each attempt is recorded on the job
 * ({@link WebhookRecords}); a failed attempt schedules the next by sending the message again with a
 * delay ({@link WebhookPolicy}). Nothing here ever changes the job.
 *
 * <p>At least once: the record is written after the POST, so a crash in between repeats the attempt. A
 * message whose attempt is already recorded (a repeated event, or a redelivered retry) is dropped.
 */
public final class WebhookService {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    /** The most a single SQS delay can be; longer waits are chained through {@code notBefore}. */
    static final Duration MAX_DELAY = Duration.ofMinutes(15);

    /** What became of a message. */
    public enum Result { DELIVERED, RETRY_SCHEDULED, GAVE_UP, BLOCKED, NO_TARGET, NO_SECRET, ALREADY_DONE, WAITING }

    private final WebhookRecords records;
    private final WebhookQueue queue;
    private final UrlFetcher fetcher;
    private final WebhookPolicy policy;
    private final Clock clock;
    private final Metrics metrics;

    public WebhookService(WebhookRecords records, WebhookQueue queue, UrlFetcher fetcher, WebhookPolicy policy,
                          Clock clock, Metrics metrics) {
        this.records = records;
        this.queue = queue;
        this.fetcher = fetcher;
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The same service recording into {@code other} (SnapStart priming records nothing). */
    public WebhookService withMetrics(Metrics other) {
        return new WebhookService(records, queue, fetcher, policy, clock, other);
    }

    /** On {@code c}'s bucket, delivering under {@code fetch} (local mode: the pipeline's address policy). */
    public static WebhookService from(Components c, WebhookQueue queue, WebhookPolicy policy, FetchPolicy fetch) {
        return new WebhookService(new WebhookRecords(c.blobs(), c.config().bucket()), queue, new UrlFetcher(fetch),
                policy, c.clock(), c.metrics());
    }

    /** Lambda: the bucket and the webhook queue only (no job store: a delivery never reads or changes the job). */
    static WebhookService fromEnvironment() {
        WebhookPolicy policy = WebhookPolicy.from(System.getenv());
        return new WebhookService(new WebhookRecords(S3Blobs.fromEnvironment(), Config.fromEnv().bucket()),
                SqsWebhookQueue.fromEnvironment(), new UrlFetcher(fetchPolicy(PublicAddressPolicy.INSTANCE,
                        HostResolver.system(), FetchPolicy.WEB_PORTS, policy)), policy, Clock.systemUTC(),
                EmfMetrics.toStdout());
    }

    /** The fetch policy of deliveries: {@code addresses} and {@code ports} as for URL jobs, no redirects, small answers. */
    public static FetchPolicy fetchPolicy(dev.docpipe.fetch.AddressPolicy addresses, HostResolver resolver,
                                          java.util.Set<Integer> ports, WebhookPolicy policy) {
        Duration connect = policy.timeout().compareTo(Duration.ofSeconds(5)) < 0 ? policy.timeout() : Duration.ofSeconds(5);
        return new FetchPolicy(addresses, resolver, 0, connect, policy.timeout(), 64 * 1024, ports);
    }

    public Metrics metrics() {
        return metrics;
    }

    public Result deliver(WebhookMessage m) {
        LogFields.put(LogFields.JOB_ID, m.jobId().value());
        Instant now = clock.instant();
        if (m.notBefore() != null && m.notBefore().isAfter(now)) {
            Duration rest = Duration.between(now, m.notBefore());
            queue.send(m.toJson(), rest.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : rest);
            return Result.WAITING;
        }
        Optional<Delivery> recorded = records.delivery(m.jobId(), m.eventId());
        if (recorded.isPresent() && (recorded.get().finished() || recorded.get().attempts().size() >= m.attempt())) {
            LOG.info("webhook {} of job {}: attempt {} already made, dropping the repeat", m.eventId(), m.jobId(),
                    m.attempt());
            return Result.ALREADY_DONE;
        }
        WebhookKey key = records.key(m.owner());
        Optional<String> target = records.callback(m.jobId()).or(() -> Optional.ofNullable(key.defaultCallbackUrl()));
        if (target.isEmpty()) {
            return Result.NO_TARGET;
        }
        String url = target.get();
        Delivery delivery = recorded.orElse(new Delivery(m.eventId(), m.type(), url, Delivery.PENDING, List.of(), null));
        List<String> secrets = key.validSecrets(now);
        if (secrets.isEmpty()) {
            records.putDelivery(m.jobId(), delivery.plus(new Delivery.Attempt(m.attempt(), now, 0,
                    "not sent: the API key has no webhook secret (POST /webhook/secrets creates one)"), Delivery.FAILED, null));
            LOG.warn("webhook {} of job {} not sent: the key has no webhook secret", m.eventId(), m.jobId());
            return Result.NO_SECRET;
        }
        Map<String, String> headers = Map.of(
                WebhookSignature.HEADER, WebhookSignature.header(secrets, now, m.body()),
                "docpipe-event-id", m.eventId(),
                "docpipe-delivery-attempt", Integer.toString(m.attempt()));
        int status = 0;
        String outcome;
        boolean blocked = false;
        try {
            status = fetcher.post(url, headers, "application/json", m.body().getBytes(StandardCharsets.UTF_8));
            outcome = "HTTP " + status;
        } catch (FetchException e) {
            blocked = e.code() == ErrorCode.FETCH_BLOCKED;
            outcome = (blocked ? "blocked: " : "") + e.getMessage();
        }
        if (status >= 200 && status < 300) {
            records.putDelivery(m.jobId(), delivery.plus(new Delivery.Attempt(m.attempt(), now, status, outcome),
                    Delivery.DELIVERED, null));
            LOG.info("webhook {} of job {} delivered on attempt {}", m.eventId(), m.jobId(), m.attempt());
            return Result.DELIVERED;
        }
        Delivery.Attempt attempt = new Delivery.Attempt(m.attempt(), now, status, outcome);
        if (blocked) {
            // the policy refused the URL or its address: it is never contacted, now or later
            records.putDelivery(m.jobId(), delivery.plus(attempt, Delivery.BLOCKED, null));
            LOG.warn("webhook {} of job {} blocked: {}", m.eventId(), m.jobId(), outcome);
            return Result.BLOCKED;
        }
        if (m.attempt() >= policy.maxAttempts()) {
            records.putDelivery(m.jobId(), delivery.plus(attempt, Delivery.FAILED, null));
            LOG.warn("webhook {} of job {} given up after {} attempts: {}", m.eventId(), m.jobId(), m.attempt(), outcome);
            return Result.GAVE_UP;
        }
        Duration wait = policy.delayAfter(m.attempt());
        Instant next = now.plus(wait);
        records.putDelivery(m.jobId(), delivery.plus(attempt, Delivery.PENDING, next));
        queue.send(m.next(next).toJson(), wait.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wait);
        LOG.info("webhook {} of job {} attempt {} failed ({}); next in {} ms", m.eventId(), m.jobId(), m.attempt(),
                outcome, wait.toMillis());
        return Result.RETRY_SCHEDULED;
    }
}
