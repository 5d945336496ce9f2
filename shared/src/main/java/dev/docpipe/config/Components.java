package dev.docpipe.config;

import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.adapter.metrics.EmfMetrics;
import dev.docpipe.adapter.postgres.PostgresJobStore;
import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.adapter.sqs.SqsWebhookQueue;
import dev.docpipe.pipeline.DeadLetters;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.JobEraser;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageQueues;
import dev.docpipe.port.WebhookQueue;
import dev.docpipe.port.Webhooks;
import dev.docpipe.webhook.WebhookOutbox;
import dev.docpipe.webhook.WebhookRecords;

import java.time.Clock;
import java.time.Duration;

/**
 * The adapters and services of one process, built from {@link Config}: in Lambda once per execution
 * environment (a handler's no-arg constructor calls {@link #fromEnvironment()}); in tests and local
 * mode from explicit adapters.
 *
 * @param metrics where the services record metrics: CloudWatch EMF on stdout in Lambda, flushed by each
 *                handler at the end of its invocation; local mode's Prometheus registry
 * @param webhooks where jobs' callback URLs are recorded and their outcome events queued
 */
public record Components(Config config, Clock clock, JobStore store, FastPath fastPath, Blobs blobs,
                         StageQueues queues, Metrics metrics, Webhooks webhooks) {

    /** Components that record no metrics. */
    public Components(Config config, Clock clock, JobStore store, FastPath fastPath, Blobs blobs, StageQueues queues) {
        this(config, clock, store, fastPath, blobs, queues, Metrics.none());
    }

    /** Components that queue no webhook events. */
    public Components(Config config, Clock clock, JobStore store, FastPath fastPath, Blobs blobs, StageQueues queues,
                      Metrics metrics) {
        this(config, clock, store, fastPath, blobs, queues, metrics, Webhooks.none());
    }

    /** Webhooks on this bucket ({@link WebhookRecords}) and {@code queue}. */
    public static Webhooks webhooks(Blobs blobs, Config config, WebhookQueue queue) {
        return new WebhookOutbox(new WebhookRecords(blobs, config.bucket()), queue);
    }

    private static Components fromEnv;

    /** The process-wide components built from the environment, once. */
    public static synchronized Components fromEnvironment() {
        if (fromEnv == null) {
            Config config = Config.fromEnv();
            Clock clock = Clock.systemUTC();
            Metrics metrics = EmfMetrics.toStdout();
            Blobs blobs = S3Blobs.fromEnvironment();
            fromEnv = new Components(config, clock, jobStore(config, clock), fastPath(config, metrics),
                    blobs, SqsStageQueues.fromEnvironment(), metrics,
                    webhooks(blobs, config, SqsWebhookQueue.fromEnvironment()));
        }
        return fromEnv;
    }

    public static JobStore jobStore(Config config, Clock clock) {
        return switch (config.jobStore()) {
            case DYNAMODB -> new DynamoDbJobStore(AwsClients.dynamoDb(), config.jobsTable(), clock);
            case POSTGRES -> config.databaseSecretArn() != null
                    ? PostgresJobStore.connect(new DatabaseSecret(AwsClients.secretsManager(), config.databaseSecretArn()),
                            config.databasePoolSize(), clock)
                    : PostgresJobStore.connect(config.databaseUrl(), config.databasePoolSize(), clock);
        };
    }

    public static FastPath fastPath(Config config) {
        return fastPath(config, Metrics.none());
    }

    /** The configured fast path, counting its hits, misses and fallbacks in {@code metrics}. */
    public static FastPath fastPath(Config config, Metrics metrics) {
        return config.redis()
                .<FastPath>map(uri -> RedisFastPath.connect(config.redisMode(), uri, config.redisTimeout(), metrics,
                        config.statusCacheKeyBytes().orElse(null)))
                .orElseGet(NoFastPath::new);
    }

    /** The same components recording into {@code other}. */
    public Components withMetrics(Metrics other) {
        return new Components(config, clock, store, fastPath, blobs, queues, other, webhooks);
    }

    public JobTransitions transitions() {
        return new JobTransitions(store, fastPath, config.statusCacheTtl(), metrics, webhooks);
    }

    public JobRegistry registry() {
        return new JobRegistry(store, fastPath, clock, config.dedupTtl(), config.statusCacheTtl(), metrics);
    }

    public Intake intake() {
        return new Intake(registry(), transitions(), queues, clock, config.maxDocumentBytes(), config.retention(),
                config.defaultOptions());
    }

    /** Stages leased for the deployed functions' timeouts. */
    public StageRunner stageRunner() {
        return stageRunner(StageRunner.Leases.of(FunctionTimeouts.DEPLOYED));
    }

    public StageRunner stageRunner(StageRunner.Leases leases) {
        return new StageRunner(transitions(), queues, clock, config.retention(), leases, eraser()::purgeLeftovers);
    }

    public JobEraser eraser() {
        return JobEraser.of(transitions(), blobs, config.bucket(), clock, config.retention());
    }

    public DeadLetters deadLetters() {
        return new DeadLetters(transitions(), clock, config.retention());
    }

    public Sweeper sweeper() {
        return new Sweeper(transitions(), queues, clock, new Sweeper.Settings(config.queuedTimeout(),
                config.stageTimeout(), config.maxRedrives(), 500, config.retention()));
    }

    public Duration retention() {
        return config.retention();
    }
}
