package dev.docpipe.local;

import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.dynamodb.DynamoDbTables;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.adapter.metrics.PrometheusMetrics;
import dev.docpipe.adapter.postgres.PostgresJobStore;
import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsQueueSetup;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.config.QueueNames;
import dev.docpipe.adapter.sqs.SqsWebhookQueue;
import dev.docpipe.fetch.HostResolver;
import dev.docpipe.fetch.PublicAddressPolicy;
import dev.docpipe.function.deadletter.DeadLetterHandler;
import dev.docpipe.function.webhook.WebhookHandler;
import dev.docpipe.function.webhook.WebhookService;
import dev.docpipe.webhook.WebhookPolicy;
import dev.docpipe.function.ingest.IngestHandler;
import dev.docpipe.function.parse.ParseHandler;
import dev.docpipe.function.render.RenderHandler;
import dev.docpipe.function.render.RenderService;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.function.store.StoreHandler;
import dev.docpipe.function.sweeper.SweeperService;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.pipeline.UploadIntake;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.QueueMonitor;
import dev.docpipe.standins.PostgresStandIn;
import dev.docpipe.standins.RedisStandIn;
import dev.docpipe.standins.dynamo.DynamoStandIn;
import dev.docpipe.standins.lambda.SqsEventSourcePoller;
import dev.docpipe.standins.s3.S3StandIn;
import dev.docpipe.standins.s3.S3ToSqsBridge;
import dev.docpipe.standins.sqs.SqsStandIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.function.parse.ParseService;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.StageQueues;
import dev.docpipe.port.Webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline on one machine: S3 (s3proxy), SQS (ElasticMQ), the job store (the
 * DynamoDB-protocol stand-in or PostgreSQL) and optionally redis-server, all on 127.0.0.1; the
 * Lambda handler classes of every function driven by the event-source-mapping emulation; the S3
 * upload notification bridge; the sweeper on a timer. The same objects AWS would run, only the
 * endpoints differ.
 *
 * <p>Every service records into one {@link PrometheusMetrics} registry ({@link #metrics()}), whose
 * {@link PrometheusMetrics#render()} is the text a {@code GET /metrics} answers.
 */
public final class LocalPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
    public static final String BUCKET = "docpipe";
    public static final String TABLE = "docpipe-jobs";
    /** The setting that points the DynamoDB job store at a running DynamoDB instead of a stand-in of its own. */
    public static final String DYNAMODB_ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB";
    /** Workers of ingest, parse and store: every core busy while a stage has a backlog (render: {@link Options#renderWorkers}). */
    static final int STAGE_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /**
     * How long each queue's receiver long-polls while its queue is empty (SQS's maximum): an idle
     * pipeline costs one receive per queue per 20 s, and a message is received as soon as it arrives.
     */
    static final Duration LONG_POLL = Duration.ofSeconds(20);

    /**
     * Hooks for tests that inject faults: each adapter or handler is passed through its decorator.
     * {@code fetchPolicy} null means the production policy (public internet only), for URL jobs and webhook
     * deliveries alike (deliveries keep their own timeout and follow no redirect).
     */
    public record Hooks(UnaryOperator<StageQueues> queues, UnaryOperator<Blobs> blobs,
                        BiFunction<String, RequestHandler<SQSEvent, SQSBatchResponse>, RequestHandler<SQSEvent, SQSBatchResponse>> handlers,
                        FetchPolicy fetchPolicy) {
        public static Hooks none() {
            return new Hooks(UnaryOperator.identity(), UnaryOperator.identity(), (name, h) -> h, null);
        }
    }

    /**
     * How to run it. {@code dataDirectory} null keeps everything in memory; {@code s3Port} and
     * {@code sqsPort} 0 take any free port (a fixed one keeps endpoints, queue URLs and pre-signed URLs
     * valid across restarts). {@code outcomes} null runs the webhook queue and function; see
     * {@link #withOutcomesTo}.
     */
    public record Options(Path dataDirectory, Config.StoreKind store, boolean redis, int maxReceiveCount,
                          FunctionTimeouts timeouts, Duration sweepInterval, Map<String, String> settings,
                          int renderWorkers, Hooks hooks, int s3Port, int sqsPort, Consumer<Job> outcomes) {
        /** The deployed functions' timeouts: each queue's visibility is derived from them as in AWS. */
        public static Options inMemory(Config.StoreKind store, boolean redis) {
            return new Options(null, store, redis, 5, FunctionTimeouts.DEPLOYED, Duration.ofSeconds(30), Map.of(), 2,
                    Hooks.none(), 0, 0, null);
        }

        /** State under {@code directory} (S3 objects, queues and messages, the job store) survives a restart. */
        public Options persistentIn(Path directory, int fixedS3Port) {
            return persistentIn(directory, fixedS3Port, sqsPort);
        }

        /** As {@link #persistentIn(Path, int)}, with the SQS endpoint on {@code fixedSqsPort} too. */
        public Options persistentIn(Path directory, int fixedS3Port, int fixedSqsPort) {
            return new Options(directory, store, redis, maxReceiveCount, timeouts, sweepInterval, settings,
                    renderWorkers, hooks, fixedS3Port, fixedSqsPort, outcomes);
        }

        public Options withSettings(Map<String, String> more) {
            return new Options(dataDirectory, store, redis, maxReceiveCount, timeouts, sweepInterval, more,
                    renderWorkers, hooks, s3Port, sqsPort, outcomes);
        }

        /**
         * After {@code receives} receives a message moves to its dead-letter queue; each function may run
         * for its {@code functionTimeouts} (the poller's limit and the stage lease) and each queue's
         * visibility is derived from its consumer's ({@link FunctionTimeouts#visibilityOf}).
         */
        public Options withRedrive(int receives, FunctionTimeouts functionTimeouts) {
            return new Options(dataDirectory, store, redis, receives, functionTimeouts, sweepInterval, settings,
                    renderWorkers, hooks, s3Port, sqsPort, outcomes);
        }

        public Options withSweepInterval(Duration interval) {
            return new Options(dataDirectory, store, redis, maxReceiveCount, timeouts, interval, settings,
                    renderWorkers, hooks, s3Port, sqsPort, outcomes);
        }

        public Options withHooks(Hooks value) {
            return new Options(dataDirectory, store, redis, maxReceiveCount, timeouts, sweepInterval, settings,
                    renderWorkers, value, s3Port, sqsPort, outcomes);
        }

        /**
         * For a pipeline no job of which can have a callback URL ({@code convert}: there is no API to name
         * one): each finished job's outcome, which would be queued for the webhook function, is handed to
         * {@code listener} instead (on the thread that finished the job: keep it short), and the webhook
         * queue and function are not set up. A callback URL is then refused at submission.
         */
        public Options withOutcomesTo(Consumer<Job> listener) {
            return new Options(dataDirectory, store, redis, maxReceiveCount, timeouts, sweepInterval, settings,
                    renderWorkers, hooks, s3Port, sqsPort, Objects.requireNonNull(listener, "listener"));
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Supplier<SqsEventSourcePoller>> functions = new LinkedHashMap<>();
    private final Map<String, SqsEventSourcePoller> running = new LinkedHashMap<>();
    private final Map<String, RequestHandler<SQSEvent, SQSBatchResponse>> handlers = new LinkedHashMap<>();
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private S3StandIn s3;
    private SqsStandIn sqs;
    private RedisStandIn redis;
    private Components components;
    private SweeperService sweeper;
    private ScheduledExecutorService timer;
    private DocumentConverter converter;
    private PdfRenderer renderer;

    private LocalPipeline() {
    }

    public static LocalPipeline start(Options options) {
        LocalPipeline p = new LocalPipeline();
        try {
            p.boot(options);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void boot(Options o) {
        // one process holds a data directory: a stage lease taken before this start is a killed run's
        Instant bootedAt = Instant.now();
        Path data = o.dataDirectory();
        S3StandIn.Builder s3Builder = S3StandIn.builder().port(o.s3Port());
        SqsStandIn.Builder sqsBuilder = SqsStandIn.builder().port(o.sqsPort());
        if (data != null) {
            s3Builder.dataDirectory(data.resolve("s3"));
            sqsBuilder.dataDirectory(data.resolve("sqs"));
        }
        Clock clock = Clock.systemUTC();
        // The job store and Redis depend on nothing else: they start on threads of their own while SQS and
        // S3 start here (each stand-in's start is mostly class loading, single-threaded, so on two cores
        // this takes about the longest of them instead of their sum).
        ExecutorService starting = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "docpipe-start");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Started> storeStart = CompletableFuture.supplyAsync(() -> startStore(o, clock), starting);
        CompletableFuture<Started> redisStart = o.redis()
                ? CompletableFuture.supplyAsync(() -> startRedis(redisTimeout(o)), starting)
                : CompletableFuture.completedFuture(null);
        starting.shutdown();
        QueueNames names = new QueueNames(QueueNames.DEFAULT_PREFIX);
        Map<String, String> urls;
        SqsClient sqsClient;
        try {
            sqs = track(sqsBuilder.start());
            sqsClient = sqs.client();
            urls = SqsQueueSetup.createAll(sqsClient, names, o.maxReceiveCount(), o.timeouts());
            // The upload bridge is in place before the S3 endpoint answers: an upload put while the rest starts
            // (a client retrying across a restart does exactly that) has its event like any other. Its object is
            // younger than the start, so neither the recovery after a crash nor, for the queued timeout, the
            // sweeper's scan would register it.
            s3Builder.uploadListener(BUCKET, WorkKeys.UPLOADS,
                    new S3ToSqsBridge(sqsClient, urls.get(names.ingest()), S3StandIn.REGION.id()));
            s3 = track(s3Builder.build().start());
            s3.createBucket(BUCKET);
        } finally {
            // whatever happened here, the other starts end before boot does (close() then stops what they started)
            awaitQuietly(storeStart, redisStart);
        }
        Started started = result(storeStart);
        Started cache = result(redisStart);

        Map<String, String> env = new HashMap<>();
        env.put("DOCPIPE_JOB_STORE", o.store().name().toLowerCase());
        env.put("DOCPIPE_JOBS_TABLE", TABLE);
        env.put("DOCPIPE_BUCKET", BUCKET);
        env.putAll(o.settings());
        JobStore store = started.store();
        if (started.url() != null) {
            env.put("DOCPIPE_DATABASE_URL", started.url());
        }
        FastPath fastPath = new NoFastPath();
        if (cache != null) {
            env.put("DOCPIPE_REDIS_URL", cache.url());
            fastPath = cache.fastPath();
        }
        Config config = Config.from(env);
        S3Client s3Client = track(s3.newClient());
        Hooks hooks = o.hooks();
        Blobs blobs = hooks.blobs().apply(new S3Blobs(s3Client, track(s3.newPresigner())));
        String webhookUrl = null;
        SqsWebhookQueue webhookQueue = null;
        Webhooks webhooks;
        if (o.outcomes() == null) {
            webhookUrl = SqsQueueSetup.createWebhookQueue(sqsClient, names, o.maxReceiveCount(),
                    FunctionTimeouts.visibilityOf(WebhookHandler.TIMEOUT));
            webhookQueue = new SqsWebhookQueue(sqsClient, names);
            webhooks = Components.webhooks(blobs, config, webhookQueue);
        } else {
            webhooks = outcomesTo(o.outcomes());
        }
        components = new Components(config, clock, store, fastPath, blobs,
                hooks.queues().apply(new SqsStageQueues(sqsClient, names,
                        SqsStageQueues.groupByOwner(env.get(SqsStageQueues.GROUPING_VARIABLE)))), metrics,
                webhooks);

        UploadIntake uploads = new UploadIntake(components.blobs(), components.intake(), BUCKET);
        WorkKeys keys = new WorkKeys(BUCKET);
        converter = new DocumentConverter(ParseHandler.limits(config.maxDocumentBytes()));
        renderer = new PdfRenderer(new RenderLimits(config.maxPages(), config.renderTimeout()));
        ParseService parse = new ParseService(components.blobs(), keys, converter,
                new UrlFetcher(hooks.fetchPolicy() == null ? FetchPolicy.publicInternetOnly() : hooks.fetchPolicy()));
        FunctionTimeouts t = o.timeouts();
        StageRunner runner = components.stageRunner(new StageRunner.Leases(t, bootedAt));
        function("ingest", hooks, new IngestHandler(uploads, metrics), STAGE_WORKERS, t.ingest(), urls.get(names.ingest()));
        function("parse", hooks, new ParseHandler(runner, parse), STAGE_WORKERS, t.parse(),
                urls(urls, names.byPriority(Stage.PARSE)));
        function("render", hooks, new RenderHandler(runner,
                new RenderService(components.blobs(), new WorkKeys(config.bucket()), renderer)),
                o.renderWorkers(), t.render(),
                urls(urls, names.byPriority(Stage.RENDER)));
        function("store", hooks, new StoreHandler(components, runner), STAGE_WORKERS, t.store(),
                urls(urls, names.byPriority(Stage.STORE)));
        List<String> deadLetterQueues = new ArrayList<>();
        for (Stage s : Stage.values()) {
            deadLetterQueues.add(urls.get(names.deadLetter(s)));
        }
        function("deadletter", hooks, new DeadLetterHandler(components.deadLetters()), 1, t.deadLetter(),
                deadLetterQueues.toArray(String[]::new));
        if (webhookQueue != null) {
            WebhookPolicy webhookPolicy = WebhookPolicy.from(env);
            FetchPolicy deliveries = hooks.fetchPolicy() == null
                    ? WebhookService.fetchPolicy(PublicAddressPolicy.INSTANCE, HostResolver.system(), FetchPolicy.WEB_PORTS, webhookPolicy)
                    : WebhookService.fetchPolicy(hooks.fetchPolicy().addresses(), hooks.fetchPolicy().resolver(),
                            hooks.fetchPolicy().allowedPorts(), webhookPolicy);
            function("webhook", hooks, new WebhookHandler(WebhookService.from(components, webhookQueue, webhookPolicy,
                    deliveries)), STAGE_WORKERS, WebhookHandler.TIMEOUT, webhookUrl);
        }
        functions.keySet().forEach(this::startFunction);

        sweeper = new SweeperService(components.sweeper(), uploads, clock, config.queuedTimeout(), 500);
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "docpipe-sweeper"));
        long every = o.sweepInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        LOG.info("local pipeline up: S3 {}, SQS {}, store {}, redis {}", s3.endpoint(), sqs.endpoint(),
                o.store(), redis == null ? "off" : redis.uri());
    }

    /** {@link Options#withOutcomesTo}: outcomes to the listener; no job may have a callback URL. */
    private static Webhooks outcomesTo(Consumer<Job> listener) {
        return new Webhooks() {
            @Override
            public void subscribe(Job job, String callbackUrl) {
                throw new IllegalStateException("job " + job.id() + " names a callback URL, but this pipeline "
                        + "delivers no webhooks");
            }

            @Override
            public void finished(Job job) {
                listener.accept(job);
            }
        };
    }

    /** What a start on another thread gives: the job store or the fast path, and the URL the functions get. */
    private record Started(JobStore store, FastPath fastPath, String url) {
    }

    private Started startStore(Options o, Clock clock) {
        Path data = o.dataDirectory();
        return switch (o.store()) {
            case DYNAMODB -> {
                // A DynamoDB endpoint in the settings (the SDK's own variable) replaces the stand-in:
                // the tests point it at moto to run the same pipeline on another DynamoDB implementation.
                String endpoint = o.settings().get(DYNAMODB_ENDPOINT);
                if (endpoint == null) {
                    DynamoStandIn.Builder dynamoBuilder = DynamoStandIn.builder().port(0).ttlSweepInterval(Duration.ofMinutes(1));
                    if (data != null) {
                        dynamoBuilder.dataDirectory(data.resolve("dynamodb"));
                    }
                    endpoint = track(dynamoBuilder.build().start()).endpoint().toString();
                }
                DynamoDbClient client = track(DynamoDbClient.builder().endpointOverride(URI.create(endpoint))
                        .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build());
                DynamoDbTables.createJobsTable(client, TABLE);
                yield new Started(new DynamoDbJobStore(client, TABLE, clock), null, null);
            }
            case POSTGRES -> {
                PostgresStandIn pg = track(PostgresStandIn.start(data == null ? null : data.resolve("postgres")));
                yield new Started(track(PostgresJobStore.connect(pg.jdbcUrl(), 16, clock)), null, pg.jdbcUrl());
            }
        };
    }

    private Started startRedis(Duration timeout) {
        redis = track(RedisStandIn.startNew()); // read after the join that ends this start
        return new Started(null, track(RedisFastPath.connect(redis.uri(), timeout, metrics)), redis.uri());
    }

    /**
     * The functions' Redis command timeout: {@code DOCPIPE_REDIS_TIMEOUT_MS} in the settings, else 100 ms. A value
     * that is not a number is left to {@link Config#from}, which refuses it with its own message.
     */
    private static Duration redisTimeout(Options o) {
        String ms = o.settings().get("DOCPIPE_REDIS_TIMEOUT_MS");
        try {
            return Duration.ofMillis(ms == null ? 100 : Math.max(1, Integer.parseInt(ms.strip())));
        } catch (NumberFormatException e) {
            return Duration.ofMillis(100);
        }
    }

    private static void awaitQuietly(CompletableFuture<?>... starts) {
        for (CompletableFuture<?> f : starts) {
            try {
                f.join();
            } catch (CompletionException | CancellationException e) {
                // reported by result()
            }
        }
    }

    private static <T> T result(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static String[] urls(Map<String, String> urls, List<String> names) {
        return names.stream().map(urls::get).toArray(String[]::new);
    }

    private void function(String name, Hooks hooks, RequestHandler<SQSEvent, SQSBatchResponse> handler, int workers,
                          Duration timeout, String... queueUrls) {
        RequestHandler<SQSEvent, SQSBatchResponse> decorated = hooks.handlers().apply(name, handler);
        handlers.put(name, decorated);
        functions.put(name, () -> SqsEventSourcePoller.builder(sqs.client(), decorated)
                .queueUrls(queueUrls).batchSize(batchSize(name)).concurrency(workers).functionName(name)
                .waitTime(LONG_POLL).functionTimeout(timeout).retryBackoff(LocalPipeline::retryAfter).build());
    }

    /**
     * Messages per invocation of a function's poller: never more than template.yaml's {@code BatchSize}. A
     * worker runs its batch one message after the other, so render takes one document at a time as in AWS
     * (in batches of 5 a small document waited up to a minute behind large ones while the other worker
     * rendered later arrivals); the other functions' messages take milliseconds and keep batches of 5.
     */
    static int batchSize(String function) {
        return "render".equals(function) ? 1 : 5;
    }

    /**
     * When a message whose invocation failed is delivered again: 1, 2, 4 … 30 s by receive count. The
     * failed invocation has ended, so an early retry cannot overlap it; without this a failed message
     * would wait out its whole visibility timeout (6 × the function's timeout).
     */
    static Duration retryAfter(int receives) {
        return Duration.ofSeconds(Math.min(30, 1L << Math.min(5, Math.max(0, receives - 1))));
    }

    /** A function's handler, as its poller invokes it (tests call it directly with their own events). */
    public RequestHandler<SQSEvent, SQSBatchResponse> handler(String name) {
        return handlers.get(name);
    }

    /**
     * Starts polling for a function ({@code ingest}, {@code parse}, {@code render}, {@code store},
     * {@code deadletter}, {@code webhook}).
     */
    public synchronized void startFunction(String name) {
        if (!running.containsKey(name)) {
            running.put(name, functions.get(name).get().start());
        }
    }

    /** Stops polling for a function: its messages wait in their queues (tests build backlogs this way). */
    public synchronized void stopFunction(String name) {
        SqsEventSourcePoller poller = running.remove(name);
        if (poller != null) {
            poller.stop(Duration.ofSeconds(30));
        }
    }

    private void sweepQuietly() {
        try {
            sweeper.run();
        } catch (RuntimeException e) {
            LOG.warn("sweep failed: {}", e.toString());
        }
    }

    /**
     * After the previous run on the same data directory died: re-drives every job it left queued or
     * running (see {@link Sweeper#redriveUnmovedSince}) and registers uploads whose notification was lost.
     */
    public Sweeper.Report recover(Instant startedAt) {
        Sweeper.Report report = components.sweeper().redriveUnmovedSince(startedAt);
        sweeper.registerUploadsBefore(startedAt);
        return report;
    }

    /**
     * Converts and renders a one-paragraph Markdown document and throws the PDF away: the first job
     * after start then runs warm code instead of loading and interpreting the parse and render
     * classes itself (about a second on two cores). Touches no queue, store or bucket. {@code serve}
     * calls it on a thread of its own once it is ready.
     *
     * @return how long it took
     */
    public Duration warmUp() {
        long start = System.nanoTime();
        byte[] markdown = "# Warm-up\n\nOne paragraph of *Markdown*, rendered once at start.\n"
                .getBytes(StandardCharsets.UTF_8);
        var parsed = converter.convert(markdown, Format.MARKDOWN, "warm-up.md", null);
        renderer.render(parsed.xhtml(), new DocumentInfo("warm-up", null, "en", null), RenderOptions.NONE);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("parse and render warmed up in {} ms", took.toMillis());
        return took;
    }

    /** Runs one sweep now (tests). */
    public void sweepNow() {
        sweeper.run();
    }

    /**
     * The registry every function of this pipeline records into; {@link PrometheusMetrics#render()} gives
     * the Prometheus text ({@link PrometheusMetrics#CONTENT_TYPE}).
     */
    public PrometheusMetrics metrics() {
        return metrics;
    }

    public Components components() {
        return components;
    }

    public S3StandIn s3() {
        return s3;
    }

    public SqsStandIn sqs() {
        return sqs;
    }

    /** Queue depths for the status function's {@code /stats}. */
    public QueueMonitor queueMonitor() {
        return new SqsQueueMonitor(sqs.client(), new QueueNames(QueueNames.DEFAULT_PREFIX));
    }

    public RedisStandIn redis() {
        return redis;
    }

    public synchronized Map<String, SqsEventSourcePoller> pollers() {
        return Map.copyOf(running);
    }

    private synchronized <T> T track(T resource) {
        if (resource instanceof AutoCloseable c) {
            resources.add(c);
        }
        return resource;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        for (String name : List.copyOf(running.keySet())) {
            stopFunction(name);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", resources.get(i), e.toString());
            }
        }
    }
}
