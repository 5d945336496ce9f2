package dev.docpipe.bench.pipeline;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.docpipe.config.Config;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The whole pipeline on one machine ({@link LocalPipeline}: s3proxy, ElasticMQ, the job store,
 * redis-server, the Lambda handlers driven by the event-source-mapping emulation), fed through S3
 * the way a user feeds it: for each store, {@code --docs} documents from the {@link BenchCorpus}
 * (each made unique with a marker paragraph, so dedup never merges them; priorities high/default/low
 * in turn) are PUT under {@code uploads/<priority>/<owner>/<name>}.
 *
 * <p>Latency of a document = its job's {@code completed} timestamp (written by the store stage's
 * conditional write) minus the moment its S3 PUT returned (same JVM, same clock). Throughput =
 * documents ÷ (start of the first PUT → the last {@code completed}). {@code --rate 0} (default)
 * uploads as fast as one thread can (a burst: latency is then mostly queueing behind the backlog);
 * {@code --rate R} uploads R documents per second, open loop. A warm-up batch ({@code --warmup},
 * one corpus by default) runs first, under another owner, and is not counted.
 *
 * <p>Counted while the measured batch runs (the warm-up and everything before excluded), by who
 * called ({@link Calls}): queue sends and blob calls (the {@code StageQueues} and {@code Blobs}
 * hooks), handler invocations and records (the handler hook), job-store calls — DynamoDB API calls
 * (an AWS SDK global interceptor, {@link SdkCallCounter}) or SQL statements (a counting JDBC driver,
 * {@link JdbcCallCounter}) — every other AWS SDK call (SQS receive/delete/send, S3), and Redis
 * commands (redis-server's {@code INFO commandstats}). The benchmark's own uploads and polls are
 * counted apart ({@code driver}) and left out of the per-job figures.
 *
 * <p>Each store runs in its own JVM (a child process of this one), so the second store does not
 * inherit the first one's JIT and heap.
 *
 * <pre>
 *   bench/pipeline e2e [--docs 1000] [--warmup 60] [--stores dynamodb,postgres] [--rate 0]
 *                      [--redis true] [--timeout-minutes 20]
 * </pre>
 */
public final class EndToEndBench {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String INTERCEPTORS = "software/amazon/awssdk/global/handlers/execution.interceptors";
    private static final List<String> FUNCTIONS = List.of("ingest", "parse", "render", "store", "deadletter");

    private EndToEndBench() {
    }

    record Settings(int docs, int warmup, List<String> stores, boolean redis, double rate, int timeoutMinutes,
                    Path result, boolean child) {
    }

    public static void main(String[] args) throws Exception {
        // s3proxy brings logback onto the classpath next to slf4j-simple; without a configuration it
        // would log every DEBUG line: pick slf4j-simple, warnings only
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Settings s = parse(args);
        if (s.child()) {
            Map<String, Object> result = runOne(s);
            JSON.writeValue(s.result().toFile(), result);
        } else {
            coordinate(s, args);
        }
    }

    private static Settings parse(String[] args) {
        int docs = 1000;
        int warmup = 60;
        List<String> stores = List.of("dynamodb", "postgres");
        boolean redis = true;
        double rate = 0;
        int timeout = 20;
        Path result = null;
        boolean child = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--stores", "--store" -> stores = List.of(args[++i].split(","));
                case "--redis" -> redis = Boolean.parseBoolean(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--timeout-minutes" -> timeout = Integer.parseInt(args[++i]);
                case "--result" -> result = Path.of(args[++i]);
                case "--child" -> child = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (expected --docs N,"
                        + " --warmup N, --stores dynamodb,postgres, --rate docs/s (0 = burst), --redis true|false,"
                        + " --timeout-minutes N)");
            }
        }
        return new Settings(docs, warmup, stores, redis, rate, timeout, result, child);
    }

    // ---------------------------------------------------------------- coordinator

    private static void coordinate(Settings s, String[] args) throws Exception {
        Path dir = Files.createTempDirectory("docpipe-bench-");
        Path hooks = dir.resolve("sdk-hooks");
        Files.createDirectories(hooks.resolve(INTERCEPTORS).getParent());
        Files.writeString(hooks.resolve(INTERCEPTORS), SdkCallCounter.class.getName() + "\n");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList();
        List<Map<String, Object>> results = new ArrayList<>();
        for (String store : s.stores()) {
            Path out = dir.resolve(store + ".json");
            List<String> command = new ArrayList<>();
            command.add(javaBin);
            command.addAll(jvmArgs);
            command.addAll(List.of("-cp", hooks + File.pathSeparator + System.getProperty("java.class.path"),
                    EndToEndBench.class.getName(), "--child", "--store", store, "--docs", Integer.toString(s.docs()),
                    "--warmup", Integer.toString(s.warmup()), "--redis", Boolean.toString(s.redis()),
                    "--rate", Double.toString(s.rate()), "--timeout-minutes", Integer.toString(s.timeoutMinutes()),
                    "--result", out.toString()));
            System.err.printf(Locale.ROOT, "== %s: starting a child JVM%n", store);
            int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (rc != 0 || !Files.exists(out)) {
                System.err.printf(Locale.ROOT, "== %s: child JVM failed (exit %d)%n", store, rc);
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> r = JSON.readValue(out.toFile(), Map.class);
            results.add(r);
            Path keep = Path.of("bench", "target");
            if (Files.isDirectory(keep)) {
                Files.copy(out, keep.resolve("pipeline-e2e-" + store + ".json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.print(Report.markdown(results, String.join(" ", args)));
    }

    // ---------------------------------------------------------------- one store, in the child JVM

    private static Map<String, Object> runOne(Settings s) throws Exception {
        String store = s.stores().getFirst();
        Config.StoreKind kind = Config.StoreKind.valueOf(store.toUpperCase(Locale.ROOT));
        boolean jdbcCounted = kind == Config.StoreKind.POSTGRES && JdbcCallCounter.install();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("store", store);
        r.put("redis", s.redis());
        r.put("docs", s.docs());
        r.put("warmup", s.warmup());
        r.put("rate", s.rate());
        r.put("cpus", Runtime.getRuntime().availableProcessors());
        r.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        r.put("java", System.getProperty("java.version"));
        r.put("loadBefore", os.getSystemLoadAverage());

        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(EndToEndBench::countingQueues, EndToEndBench::countingBlobs,
                EndToEndBench::countingHandler, null);
        String previousRole = Calls.enter(Calls.DRIVER);
        long bootStart = System.nanoTime();
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(kind, s.redis()).withHooks(hooks));
             S3Client s3 = pipeline.s3().newClient();
             RedisStats redisStats = s.redis() ? new RedisStats(pipeline.redis().uri()) : null) {
            r.put("bootMs", (System.nanoTime() - bootStart) / 1_000_000);
            r.put("sdkCounted", SdkCallCounter.loaded);
            r.put("jdbcCounted", jdbcCounted);
            JobStore jobs = pipeline.components().store();
            List<BenchCorpus.Doc> corpus = BenchCorpus.documents();
            String run = UUID.randomUUID().toString().substring(0, 8);
            Duration timeout = Duration.ofMinutes(s.timeoutMinutes());

            if (s.warmup() > 0) {
                long w0 = System.nanoTime();
                String owner = "warmup-" + run;
                upload(s3, corpus, owner, s.warmup(), 0, run, new HashMap<>());
                awaitTerminal(jobs, owner, s.warmup(), timeout);
                r.put("warmupSeconds", (System.nanoTime() - w0) / 1e9);
                Thread.sleep(2000); // let the last acknowledgements and cache writes settle
            }

            Map<String, Long> before = Calls.snapshot();
            Map<String, Long> redisBefore = redisStats == null ? Map.of() : redisStats.commandCalls();
            String owner = "bench-" + run;
            Map<String, Long> uploadedAt = new HashMap<>();
            long firstUploadStart = System.currentTimeMillis();
            long t0 = System.nanoTime();
            upload(s3, corpus, owner, s.docs(), s.rate(), run, uploadedAt);
            long uploadMs = (System.nanoTime() - t0) / 1_000_000;
            System.err.printf(Locale.ROOT, "[%s] %d documents uploaded in %.1f s%n", store, s.docs(), uploadMs / 1e3);
            boolean allDone = awaitTerminal(jobs, owner, s.docs(), timeout);
            Thread.sleep(1500); // acknowledgements of the last messages, so the counts are complete
            Map<String, Long> calls = Calls.diff(before, Calls.snapshot());
            Map<String, Long> redisCalls = redisStats == null ? Map.of() : diff(redisBefore, redisStats.commandCalls());
            r.put("loadAfter", os.getSystemLoadAverage());

            List<Job> finished = allJobs(jobs, owner);
            r.put("allTerminal", allDone);
            r.put("uploadSeconds", uploadMs / 1e3);
            r.putAll(measure(finished, uploadedAt, firstUploadStart, s.docs()));
            r.put("calls", calls);
            r.put("redisCommands", redisCalls);
            Map<String, Object> pollers = new TreeMap<>();
            pipeline.pollers().forEach((name, p) -> pollers.put(name, p.stats().toString()));
            r.put("pollerStatsSinceStart", pollers);
            checkOnePdf(pipeline, finished, r);
        } finally {
            Calls.leave(previousRole);
        }
        return r;
    }

    /** Puts {@code count} documents; {@code rate} > 0 paces them (open loop). Records when each PUT returned. */
    private static void upload(S3Client s3, List<BenchCorpus.Doc> corpus, String owner, int count, double rate, String run,
                               Map<String, Long> uploadedAt) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (rate > 0) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            BenchCorpus.Doc doc = corpus.get(i % corpus.size());
            Priority priority = Priority.values()[(i + i / corpus.size()) % 3];
            String name = String.format(Locale.ROOT, "%05d-%s", i, doc.name());
            byte[] content = doc.withMarker("bench run " + run + " " + owner + " document " + i);
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/" + priority.wire() + "/" + owner + "/" + name),
                    RequestBody.fromBytes(content));
            uploadedAt.put(name, System.currentTimeMillis());
        }
    }

    /** Polls the owner's counts every 2 s until {@code expected} jobs are terminal; false on timeout. */
    private static boolean awaitTerminal(JobStore jobs, String owner, int expected, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        long lastReport = 0;
        while (Instant.now().isBefore(deadline)) {
            Map<JobStatus, Long> counts = jobs.countByStatus(owner);
            long terminal = counts.entrySet().stream().filter(e -> e.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue).sum();
            if (terminal >= expected) {
                return true;
            }
            if (System.nanoTime() - lastReport > 15e9) {
                System.err.printf(Locale.ROOT, "  %s: %d/%d terminal %s%n", owner, terminal, expected, counts);
                lastReport = System.nanoTime();
            }
            Thread.sleep(2000);
        }
        return false;
    }

    static List<Job> allJobs(JobStore jobs, String owner) {
        List<Job> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<Job> page = jobs.listByOwner(owner, JobQuery.all(100).withCursor(cursor));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    private static Map<String, Object> measure(List<Job> jobs, Map<String, Long> uploadedAt, long firstUploadStart,
                                               int expected) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> latency = new ArrayList<>();
        Map<String, List<Double>> byPriority = new TreeMap<>();
        Map<String, List<Double>> segments = new LinkedHashMap<>();
        for (String seg : List.of("PUT returned → queued", "queued → parse.finished", "parse.finished → render.finished",
                "render.finished → completed")) {
            segments.put(seg, new ArrayList<>());
        }
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        long lastCompleted = 0;
        long pages = 0;
        long pdfBytes = 0;
        for (Job job : jobs) {
            statuses.merge(job.status().wire(), 1, Integer::sum);
            if (job.error() != null) {
                errors.merge(job.error().code().code() + ": " + job.error().message(), 1, Integer::sum);
            }
            Instant completed = job.timestamps().get("completed");
            Long put = uploadedAt.get(job.filename());
            if (job.status() != JobStatus.COMPLETED || completed == null || put == null) {
                continue;
            }
            double ms = completed.toEpochMilli() - put;
            latency.add(ms);
            byPriority.computeIfAbsent(job.priority().wire(), k -> new ArrayList<>()).add(ms);
            lastCompleted = Math.max(lastCompleted, completed.toEpochMilli());
            pages += job.result().pages();
            pdfBytes += job.result().bytes();
            Instant queued = job.timestamps().get("queued");
            Instant parsed = job.timestamps().get("parse.finished");
            Instant rendered = job.timestamps().get("render.finished");
            if (queued != null && parsed != null && rendered != null) {
                segments.get("PUT returned → queued").add((double) (queued.toEpochMilli() - put));
                segments.get("queued → parse.finished").add((double) (parsed.toEpochMilli() - queued.toEpochMilli()));
                segments.get("parse.finished → render.finished").add((double) (rendered.toEpochMilli() - parsed.toEpochMilli()));
                segments.get("render.finished → completed").add((double) (completed.toEpochMilli() - rendered.toEpochMilli()));
            }
        }
        m.put("jobsFound", jobs.size());
        m.put("completed", latency.size());
        m.put("statuses", statuses);
        m.put("errors", errors);
        m.put("pages", pages);
        m.put("pdfMegabytes", pdfBytes / 1e6);
        double wall = (lastCompleted - firstUploadStart) / 1e3;
        m.put("wallSeconds", wall);
        m.put("docsPerSecond", latency.size() / wall);
        m.put("latencyMs", percentiles(latency));
        Map<String, Object> prio = new TreeMap<>();
        byPriority.forEach((k, v) -> prio.put(k, percentiles(v)));
        m.put("latencyByPriorityMs", prio);
        Map<String, Object> seg = new LinkedHashMap<>();
        segments.forEach((k, v) -> seg.put(k, percentiles(v)));
        m.put("segmentsMs", seg);
        if (latency.size() != expected) {
            System.err.printf(Locale.ROOT, "WARNING: %d of %d documents completed: %s %s%n", latency.size(), expected,
                    statuses, errors);
        }
        return m;
    }

    private static Map<String, Object> percentiles(List<Double> values) {
        Stats st = Stats.of(values);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", st.count());
        m.put("p50", st.median());
        m.put("p90", st.percentile(0.9));
        m.put("p99", st.percentile(0.99));
        m.put("min", st.min());
        m.put("max", st.max());
        return m;
    }

    /** A sanity check that the figures are of real PDFs: the newest job's PDF starts with %PDF. */
    private static void checkOnePdf(LocalPipeline pipeline, List<Job> jobs, Map<String, Object> r) {
        Optional<Job> any = jobs.stream().filter(j -> j.status() == JobStatus.COMPLETED).findFirst();
        if (any.isEmpty()) {
            return;
        }
        byte[] pdf = pipeline.components().blobs().get(BlobRef.parse(any.get().result().pdfLocation()))
                .map(Blobs.Blob::bytes).orElse(new byte[0]);
        r.put("samplePdfOk", pdf.length > 4 && new String(pdf, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("%PDF"));
    }

    private static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- counting hooks

    static StageQueues countingQueues(StageQueues queues) {
        return new StageQueues() {
            @Override
            public void send(StageMessage message) {
                Calls.count("queue", "send " + message.stage().wire());
                queues.send(message);
            }

            @Override
            public void send(StageMessage message, Duration delay) {
                Calls.count("queue", "send-delayed " + message.stage().wire());
                queues.send(message, delay);
            }
        };
    }

    static Blobs countingBlobs(Blobs blobs) {
        return new Blobs() {
            @Override
            public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
                Calls.count("blob", "put");
                blobs.put(ref, bytes, contentType, metadata);
            }

            @Override
            public Optional<Blob> get(BlobRef ref) {
                Calls.count("blob", "get");
                return blobs.get(ref);
            }

            @Override
            public Optional<BlobInfo> head(BlobRef ref) {
                Calls.count("blob", "head");
                return blobs.head(ref);
            }

            @Override
            public void delete(BlobRef ref) {
                Calls.count("blob", "delete");
                blobs.delete(ref);
            }

            @Override
            public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
                Calls.count("blob", "copy");
                return blobs.copy(from, to, contentType, metadata);
            }

            @Override
            public void deleteAll(List<BlobRef> refs) {
                Calls.count("blob", "deleteAll");
                blobs.deleteAll(refs);
            }

            @Override
            public List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit) {
                Calls.count("blob", "list");
                return blobs.list(bucket, prefix, startAfter, limit);
            }

            @Override
            public URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata) {
                Calls.count("blob", "presignPut");
                return blobs.presignPut(ref, expiry, contentType, metadata);
            }

            @Override
            public URI presignGet(BlobRef ref, Duration expiry) {
                Calls.count("blob", "presignGet");
                return blobs.presignGet(ref, expiry);
            }
        };
    }

    private static RequestHandler<SQSEvent, SQSBatchResponse> countingHandler(
            String function, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        return (event, context) -> {
            String previous = Calls.enter(function);
            try {
                Calls.count("handler", "invocations");
                Calls.add(function, "handler", "records", event.getRecords() == null ? 0 : event.getRecords().size());
                SQSBatchResponse response = handler.handleRequest(event, context);
                if (response != null && response.getBatchItemFailures() != null) {
                    Calls.add(function, "handler", "failed records", response.getBatchItemFailures().size());
                }
                return response;
            } finally {
                Calls.leave(previous);
            }
        };
    }

    /** Commands redis-server has executed, by name, from {@code INFO commandstats}. */
    private static final class RedisStats implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        RedisStats(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
        }

        Map<String, Long> commandCalls() {
            Map<String, Long> out = new TreeMap<>();
            for (String line : connection.sync().info("commandstats").split("\r?\n")) {
                // cmdstat_set:calls=12,usec=…
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    int at = line.indexOf("calls=") + 6;
                    int end = line.indexOf(',', at);
                    out.put(name, Long.parseLong(line.substring(at, end < 0 ? line.length() : end)));
                }
            }
            out.remove("info"); // the benchmark's own
            return out;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    static List<String> functions() {
        return FUNCTIONS;
    }
}
