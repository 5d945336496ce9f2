package dev.docpipe.bench.pipeline;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.adapter.json.JobJson;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.config.Config;
import dev.docpipe.function.status.StatusRoutes;
import dev.docpipe.function.status.StatusService;
import dev.docpipe.function.submit.SubmitService;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.port.JobStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What documents cost on AWS, from figures measured on this machine: runs the local pipeline (the
 * real handlers on the stand-ins, DynamoDB-protocol store, no Redis), submits small, typical and
 * large documents through the API's submit service, reads each job's status through the status
 * service, and measures per document
 * <ul>
 *   <li>the time each function spent (handler wall time, summed over invocations, ÷ documents);</li>
 *   <li>every AWS SDK call by service and operation ({@link SdkCallCounter}, which {@code bench/pipeline
 *       cost} installs as the SDK's global interceptor), and the job item's and the PDF's size.</li>
 * </ul>
 * It then prices a million documents with the list prices in {@link Prices} and the memory sizes of
 * template.yaml, and sizes 10 million documents a day. Prints Markdown (docs/scale.md quotes it).
 *
 * <p>Arguments: {@code --docs N} measured documents per class (default 30), {@code --warmup N} (10),
 * {@code --rate R} submissions per second (3), {@code --polls N} status reads per document (2),
 * {@code --peak F} peak ÷ average rate for the 10 M/day plan (3), {@code --template PATH}
 * (template.yaml).
 */
public final class CostBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STAGES = List.of("submit", "parse", "render", "store", "status");
    /** Function resource of each measured role in template.yaml. */
    private static final Map<String, String> FUNCTION_OF = Map.of("submit", "SubmitFunction", "parse", "ParseFunction",
            "render", "RenderFunction", "store", "StoreFunction", "status", "StatusFunction");

    private record Settings(int docs, int warmup, double rate, int polls, double peak, Path template) {
    }

    /** A document class and the corpus size that stands for it. */
    private enum DocClass {
        SMALL(BenchCorpus.Size.TINY, "small (a paragraph, 1 page)"),
        TYPICAL(BenchCorpus.Size.MEDIUM, "typical (~3 sections, 3–4 pages)"),
        LARGE(BenchCorpus.Size.LONG, "large (~8 sections, 8–10 pages)");

        final BenchCorpus.Size size;
        final String label;

        DocClass(BenchCorpus.Size size, String label) {
            this.size = size;
            this.label = label;
        }
    }

    /** What one class measured, per document. */
    private record Measured(DocClass docClass, int docs, Map<String, Double> msPerDoc, Map<String, Double> invocationsPerDoc,
                            Map<String, Double> sdkCallsPerDoc, double jobItemBytes, double pdfBytes, double inputBytes,
                            double pages) {
    }

    /** Handler time per function: nanoseconds, invocations, records. */
    private static final Map<String, LongAdder[]> TIMES = new ConcurrentHashMap<>();

    private CostBench() {
    }

    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        Map<String, Integer> memoryMb = memorySizes(s.template());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = os.getSystemLoadAverage();
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(EndToEndBench::countingQueues, EndToEndBench::countingBlobs,
                CostBench::timedHandler, null);
        List<Measured> results = new ArrayList<>();
        String previousRole = Calls.enter(Calls.DRIVER);
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false)
                .withHooks(hooks))) {
            SubmitService submit = SubmitService.from(pipeline.components());
            StatusRoutes status = new StatusRoutes(new StatusService(pipeline.components(), pipeline.queueMonitor()));
            JobStore store = pipeline.components().store();
            String run = UUID.randomUUID().toString().substring(0, 8);
            for (DocClass c : DocClass.values()) {
                List<BenchCorpus.Doc> corpus = BenchCorpus.documents().stream().filter(d -> d.size() == c.size).toList();
                String warm = "warm-" + c.name().toLowerCase(Locale.ROOT) + "-" + run;
                submitAll(submit, corpus, warm, s.warmup(), s.rate(), run);
                awaitTerminal(store, warm, s.warmup());
                Thread.sleep(1000);

                TIMES.clear();
                Map<String, Long> before = Calls.snapshot();
                String owner = "cost-" + c.name().toLowerCase(Locale.ROOT) + "-" + run;
                List<String> ids = submitAll(submit, corpus, owner, s.docs(), s.rate(), run);
                awaitTerminal(store, owner, s.docs());
                Thread.sleep(1500); // the last acknowledgements, so the counts are complete
                for (int p = 0; p < s.polls(); p++) {
                    for (String id : ids) {
                        timed("status", () -> status.apply(new ApiRequest("GET", "/jobs/{id}", "/jobs/" + id,
                                Map.of("id", id), Map.of(), Map.of(), null, owner, "cost-status")));
                    }
                }
                Map<String, Long> calls = Calls.diff(before, Calls.snapshot());
                results.add(measure(c, EndToEndBench.allJobs(store, owner), calls));
                System.err.printf(Locale.ROOT, "[%s] %d documents measured%n", c.name().toLowerCase(Locale.ROOT), s.docs());
            }
        } finally {
            Calls.leave(previousRole);
        }
        System.out.print(report(s, results, memoryMb, loadBefore, os.getSystemLoadAverage()));
    }

    private static Settings parse(String[] args) {
        int docs = 30;
        int warmup = 10;
        double rate = 3;
        int polls = 2;
        double peak = 3;
        Path template = Path.of("template.yaml");
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--rate" -> rate = Double.parseDouble(v);
                case "--polls" -> polls = Integer.parseInt(v);
                case "--peak" -> peak = Double.parseDouble(v);
                case "--template" -> template = Path.of(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--docs N --warmup N --rate R --polls N --peak F --template PATH)");
            }
            i++;
        }
        return new Settings(docs, warmup, rate, polls, peak, template);
    }

    /** {@code MemorySize} of each function resource of template.yaml (Globals' value where it sets none). */
    static Map<String, Integer> memorySizes(Path template) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        Integer global = null;
        String resource = null;
        Pattern top = Pattern.compile("^  ([A-Za-z0-9]+):\\s*$");
        Pattern memory = Pattern.compile("^\\s+MemorySize:\\s*(\\d+)\\s*$");
        boolean inGlobals = false;
        for (String line : Files.readAllLines(template)) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inGlobals = line.startsWith("Globals:");
                resource = null;
                continue;
            }
            Matcher t = top.matcher(line);
            if (t.matches()) {
                resource = t.group(1);
                continue;
            }
            Matcher m = memory.matcher(line);
            if (m.matches()) {
                if (inGlobals) {
                    global = Integer.parseInt(m.group(1));
                } else if (resource != null) {
                    out.put(resource, Integer.parseInt(m.group(1)));
                }
            }
        }
        for (String fn : FUNCTION_OF.values()) {
            if (!out.containsKey(fn)) {
                if (global == null) {
                    throw new IllegalStateException(template + ": no MemorySize for " + fn);
                }
                out.put(fn, global);
            }
        }
        return out;
    }

    private static RequestHandler<SQSEvent, SQSBatchResponse> timedHandler(
            String function, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        return (event, context) -> {
            String previous = Calls.enter(function);
            long t0 = System.nanoTime();
            try {
                return handler.handleRequest(event, context);
            } finally {
                record(function, System.nanoTime() - t0, event.getRecords() == null ? 0 : event.getRecords().size());
                Calls.leave(previous);
            }
        };
    }

    private static void record(String function, long nanos, int records) {
        LongAdder[] t = TIMES.computeIfAbsent(function, f -> new LongAdder[]{new LongAdder(), new LongAdder(), new LongAdder()});
        t[0].add(nanos);
        t[1].increment();
        t[2].add(records);
    }

    private static ApiResponse timed(String role, java.util.function.Supplier<ApiResponse> call) {
        String previous = Calls.enter(role);
        long t0 = System.nanoTime();
        try {
            return call.get();
        } finally {
            record(role, System.nanoTime() - t0, 1);
            Calls.leave(previous);
        }
    }

    /** Submits {@code count} documents inline through the API at {@code rate} per second; their job ids. */
    private static List<String> submitAll(SubmitService submit, List<BenchCorpus.Doc> corpus, String owner, int count,
                                          double rate, String run) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            BenchCorpus.Doc doc = corpus.get(i % corpus.size());
            ObjectNode body = JSON.createObjectNode();
            body.put("content", new String(doc.withMarker("cost run " + run + " " + owner + " " + i), StandardCharsets.UTF_8));
            body.put("filename", i + "-" + doc.name().replace('/', '-'));
            ApiRequest request = new ApiRequest("POST", "/jobs", "/jobs", Map.of(), Map.of(),
                    Map.of("content-type", "application/json"), body.toString(), owner, "cost-" + owner + "-" + i);
            ApiResponse r = timed("submit", () -> submit.handle(request));
            if (r.status() != 202) {
                throw new IllegalStateException("submit answered " + r.status() + ": " + r.body());
            }
            try {
                ids.add(JSON.readTree(r.body()).path("id").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return ids;
    }

    private static void awaitTerminal(JobStore store, String owner, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (Instant.now().isBefore(deadline)) {
            long terminal = store.countByStatus(owner).entrySet().stream().filter(e -> e.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue).sum();
            if (terminal >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(owner + ": not every job finished within 15 minutes");
    }

    private static Measured measure(DocClass c, List<Job> jobs, Map<String, Long> calls) {
        List<Job> done = jobs.stream().filter(j -> j.status() == JobStatus.COMPLETED).toList();
        if (done.size() != jobs.size()) {
            throw new IllegalStateException(c + ": " + (jobs.size() - done.size()) + " job(s) did not complete");
        }
        int n = done.size();
        Map<String, Double> ms = new LinkedHashMap<>();
        Map<String, Double> invocations = new LinkedHashMap<>();
        for (String stage : STAGES) {
            LongAdder[] t = TIMES.get(stage);
            ms.put(stage, t == null ? 0 : t[0].sum() / 1e6 / n);
            invocations.put(stage, t == null ? 0 : (double) t[1].sum() / n);
        }
        Map<String, Double> sdk = new TreeMap<>();
        calls.forEach((key, count) -> {
            String[] parts = key.split("\\|", 3); // role|kind|operation
            if (!parts[0].equals(Calls.DRIVER) && !parts[0].equals("sweeper")
                    && List.of("dynamodb", "sqs", "s3").contains(parts[1])) {
                sdk.merge(parts[1] + " " + parts[2], (double) count / n, Double::sum);
            }
        });
        double itemBytes = done.stream().mapToInt(j -> JobJson.write(j).getBytes(StandardCharsets.UTF_8).length).average().orElse(0);
        double pdfBytes = done.stream().mapToLong(j -> j.result().bytes()).average().orElse(0);
        double pages = done.stream().mapToInt(j -> j.result().pages()).average().orElse(0);
        double input = BenchCorpus.documents().stream().filter(d -> d.size() == c.size)
                .mapToInt(d -> d.content().length).average().orElse(0);
        return new Measured(c, n, ms, invocations, sdk, itemBytes, pdfBytes, input, pages);
    }

    /** us-east-1 list prices in USD, as read on {@link #DATE} (docs/scale.md names the pages). */
    static final class Prices {
        static final String DATE = "2026-12-05";
        static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
        static final double LAMBDA_REQUEST = 0.20 / 1e6;
        static final double SQS_REQUEST = 0.40 / 1e6;
        static final double S3_PUT_LIST = 0.005 / 1000;
        static final double S3_GET_HEAD = 0.0004 / 1000;
        static final double S3_GB_MONTH = 0.023;
        static final double DYNAMODB_WRU = 0.625 / 1e6;
        static final double DYNAMODB_RRU = 0.125 / 1e6;
        static final double DYNAMODB_GB_MONTH = 0.25;
        static final double API_GATEWAY_REST_REQUEST = 3.50 / 1e6;
        static final double LOGS_INGEST_GB = 0.50;

        private Prices() {
        }
    }

    /** Assumption, not measured here: CloudWatch Logs bytes per document (JSON lines of every function). */
    static final double LOG_BYTES_PER_DOC = 4_000;
    static final int RETENTION_DAYS = 30;

    private static String report(Settings s, List<Measured> results, Map<String, Integer> memoryMb, double loadBefore,
                                 double loadAfter) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "`bench/pipeline cost --docs %d --warmup %d --rate %s --polls %d --peak %s`%n%n",
                s.docs(), s.warmup(), num(s.rate()), s.polls(), num(s.peak())));
        out.append(String.format(Locale.ROOT, "%s; %d CPUs, Java %s; load average %.2f before, %.2f after; SDK calls counted: %s; "
                        + "prices of %s (us-east-1)%n%n", Instant.now().toString().substring(0, 10),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter,
                SdkCallCounter.loaded, Prices.DATE));

        out.append("### Measured per document\n\n");
        out.append("| class | docs | pages | input KB | PDF KB | job item KB | submit ms | parse ms | render ms | store ms | status ms (per read) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measured m : results) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                    m.docClass().label, m.docs(), m.pages(), m.inputBytes() / 1024, m.pdfBytes() / 1024, m.jobItemBytes() / 1024,
                    m.msPerDoc().get("submit"), m.msPerDoc().get("parse"), m.msPerDoc().get("render"), m.msPerDoc().get("store"),
                    m.msPerDoc().get("status") / Math.max(1, s.polls())));
        }
        out.append("\nSDK calls per document (all functions and the event-source pollers; the benchmark's own reads left out):\n\n");
        out.append("| class | DynamoDB | SQS | S3 |\n|---|---|---|---|\n");
        for (Measured m : results) {
            out.append("| ").append(m.docClass().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(callList(m, "dynamodb")).append(" | ").append(callList(m, "sqs")).append(" | ")
                    .append(callList(m, "s3")).append(" |\n");
        }

        out.append("\n### A million documents on AWS (USD)\n\n");
        out.append("| class | Lambda compute | Lambda requests | SQS | S3 requests | S3 storage (retention) | DynamoDB writes | DynamoDB reads | DynamoDB storage | API Gateway | CloudWatch Logs | **total** | per 1,000 docs |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<DocClass, Double> wruPerDoc = new LinkedHashMap<>();
        for (Measured m : results) {
            double million = 1e6;
            double gbSeconds = 0;
            for (String stage : STAGES) {
                double mb = memoryMb.get(FUNCTION_OF.get(stage));
                gbSeconds += m.msPerDoc().get(stage) / 1000 * mb / 1024;
            }
            double lambda = gbSeconds * Prices.LAMBDA_GB_SECOND_ARM * million;
            // upper bound: one invocation per document per SQS stage (batches hold more under load), one per API call
            double lambdaRequests = (3 + 1 + s.polls()) * Prices.LAMBDA_REQUEST * million;
            double sqs = sum(m, "sqs ") * Prices.SQS_REQUEST * million;
            double s3Requests = (count(m, "s3 PutObject") + count(m, "s3 CopyObject") + count(m, "s3 ListObjectsV2"))
                    * Prices.S3_PUT_LIST * million
                    + (count(m, "s3 GetObject") + count(m, "s3 HeadObject")) * Prices.S3_GET_HEAD * million;
            double storedGb = (m.inputBytes() + m.pdfBytes()) * million / 1e9;
            double s3Storage = storedGb * Prices.S3_GB_MONTH * RETENTION_DAYS / 30.0;
            double[] units = dynamoUnits(m);
            wruPerDoc.put(m.docClass(), units[0]);
            double dynamoWrites = units[0] * Prices.DYNAMODB_WRU * million;
            double dynamoReads = units[1] * Prices.DYNAMODB_RRU * million;
            double dynamoStorage = (m.jobItemBytes() * 3 + 200) * million / 1e9 * Prices.DYNAMODB_GB_MONTH * RETENTION_DAYS / 30.0;
            double api = (1 + s.polls()) * Prices.API_GATEWAY_REST_REQUEST * million;
            double logs = LOG_BYTES_PER_DOC * million / 1e9 * Prices.LOGS_INGEST_GB;
            double total = lambda + lambdaRequests + sqs + s3Requests + s3Storage + dynamoWrites + dynamoReads + dynamoStorage + api + logs;
            out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | **%.2f** | %.4f |%n",
                    m.docClass().name().toLowerCase(Locale.ROOT), lambda, lambdaRequests, sqs, s3Requests, s3Storage,
                    dynamoWrites, dynamoReads, dynamoStorage, api, logs, total, total / 1000));
        }
        out.append(String.format(Locale.ROOT, "%nLambda GB-seconds per document: %s.%n",
                results.stream().map(m -> m.docClass().name().toLowerCase(Locale.ROOT) + " " + String.format(Locale.ROOT, "%.4f",
                        STAGES.stream().mapToDouble(st -> m.msPerDoc().get(st) / 1000 * memoryMb.get(FUNCTION_OF.get(st)) / 1024).sum()))
                        .reduce((a, b) -> a + ", " + b).orElse("")));
        out.append(String.format(Locale.ROOT, "DynamoDB units per document (upper bound, see docs/scale.md): %s.%n",
                results.stream().map(m -> {
                    double[] u = dynamoUnits(m);
                    return String.format(Locale.ROOT, "%s %.1f WRU + %.1f RRU", m.docClass().name().toLowerCase(Locale.ROOT), u[0], u[1]);
                }).reduce((a, b) -> a + ", " + b).orElse("")));

        out.append(String.format(Locale.ROOT, "%n### 10 million documents a day (typical documents, peak %s× the average)%n%n", num(s.peak())));
        Measured typical = results.stream().filter(m -> m.docClass() == DocClass.TYPICAL).findFirst().orElse(results.getFirst());
        double avg = 1e7 / 86_400;
        double peak = avg * s.peak();
        out.append(String.format(Locale.ROOT, "Average %.0f documents/s, peak %.0f/s.%n%n", avg, peak));
        out.append("| resource | average | peak | limit it meets |\n|---|---:|---:|---|\n");
        for (String stage : List.of("submit", "parse", "render", "store")) {
            double seconds = typical.msPerDoc().get(stage) / 1000;
            out.append(String.format(Locale.ROOT, "| Lambda concurrency, %s (rate × seconds per document) | %.1f | %.1f | account concurrency (default 1,000), the mapping's MaximumConcurrency |%n",
                    stage, avg * seconds, peak * seconds));
        }
        double wru = wruPerDoc.getOrDefault(typical.docClass(), 0.0);
        out.append(String.format(Locale.ROOT, "| DynamoDB WRU/s, table + GSIs | %.0f | %.0f | on-demand: throughput grows with the previous peak; per-table default maximum 40,000 WRU/s |%n", avg * wru, peak * wru));
        double ownerWrites = count(typical, "dynamodb UpdateItem") + count(typical, "dynamodb TransactWriteItems");
        double itemUnits = Math.ceil(typical.jobItemBytes() / 1024);
        out.append(String.format(Locale.ROOT, "| byOwner GSI WRU/s of ONE tenant sending everything | %.0f | %.0f | 1,000 WRU/s per partition: a single-tenant partition key |%n",
                avg * ownerWrites * itemUnits, peak * ownerWrites * itemUnits));
        out.append(String.format(Locale.ROOT, "| activeByUpdate GSI WRU/s per shard (8 shards per status) | %.0f | %.0f | 1,000 WRU/s per partition |%n",
                avg * ownerWrites * itemUnits * 2 / 8, peak * ownerWrites * itemUnits * 2 / 8));
        out.append(String.format(Locale.ROOT, "| SQS requests/s (all queues) | %.0f | %.0f | standard queues: nearly unlimited |%n", avg * sum(typical, "sqs "), peak * sum(typical, "sqs ")));
        out.append(String.format(Locale.ROOT, "| S3 PUT/s | %.0f | %.0f | 3,500 per second per prefix (pdf/, work/<id>/, inline/<owner>/) |%n",
                avg * count(typical, "s3 PutObject"), peak * count(typical, "s3 PutObject")));
        out.append(String.format(Locale.ROOT, "| API Gateway requests/s (1 submit + %d status reads) | %.0f | %.0f | 10,000 rps per account and region, the usage plan's rate per key |%n",
                s.polls(), avg * (1 + s.polls()), peak * (1 + s.polls())));
        return out.toString();
    }

    /**
     * DynamoDB units per document, an upper bound from the call counts and the job item's size: a
     * strongly consistent read of the job item is ⌈item/4 KB⌉ RRU (queries and batch reads too); a job
     * write is ⌈item/1 KB⌉ WRU on the table plus the same on each GSI it touches (byOwner, projection ALL)
     * and twice that on activeByUpdate while its key moves (delete + put); a transaction doubles the
     * table writes of its two items (job and dedup item, ≤ 1 KB).
     */
    private static double[] dynamoUnits(Measured m) {
        double w = Math.ceil(m.jobItemBytes() / 1024);
        double r = Math.ceil(m.jobItemBytes() / 4096);
        double writes = count(m, "dynamodb UpdateItem") * (w + w + 2 * w)
                + count(m, "dynamodb TransactWriteItems") * (2 * (w + 1) + w + 2 * w)
                + count(m, "dynamodb PutItem") * (w + w + 2 * w);
        double reads = (count(m, "dynamodb GetItem") + count(m, "dynamodb Query") + count(m, "dynamodb BatchGetItem")) * r;
        return new double[]{writes, reads};
    }

    private static double count(Measured m, String key) {
        return m.sdkCallsPerDoc().getOrDefault(key, 0.0);
    }

    private static double sum(Measured m, String prefix) {
        return m.sdkCallsPerDoc().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static String callList(Measured m, String service) {
        StringBuilder b = new StringBuilder();
        m.sdkCallsPerDoc().forEach((k, v) -> {
            if (k.startsWith(service + " ")) {
                b.append(b.isEmpty() ? "" : ", ").append(k.substring(service.length() + 1))
                        .append(String.format(Locale.ROOT, " %.2f", v));
            }
        });
        return b.isEmpty() ? "0" : b.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
