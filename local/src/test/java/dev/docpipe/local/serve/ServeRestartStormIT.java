package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.redis.RedisFastPath;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart storm: 200 jobs of the three sources (inline through {@code POST /jobs}, files put through
 * the S3 API, pre-signed uploads through {@code POST /uploads} and a PUT) submitted to {@code serve} while
 * it is killed with SIGKILL three times at random moments and started again. A client whose request
 * met a dead server repeats it, as any client would. At the end every job is completed in the store
 * (the history), in the status cache (Redis) and in {@code GET /jobs/{id}}, has exactly one PDF, was
 * created exactly once, and the bucket holds nothing else than sources and PDFs.
 *
 * <p>{@code jobs_created_total} is a counter of one process: the kills reset it. The test therefore
 * counts creations in serve.log, which every run appends to ({@code job <id> created} is logged where the
 * counter is incremented): no job is logged twice, and a job whose line is missing was created just before a
 * kill (the line follows the store's write; a SIGKILL between the two loses it). It also checks the counter
 * of a last, quiet run: a restart and a sweep over 200 settled jobs create nothing. The seed of the kill moments is printed; {@code -Dstorm.seed=N} repeats it.
 */
class ServeRestartStormIT {
    private static final int INLINE = 70;
    private static final int S3_UPLOADS = 65;
    private static final int PRESIGNED = 65;
    private static final int JOBS = INLINE + S3_UPLOADS + PRESIGNED;
    private static final int KILLS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREATED = Pattern.compile("job ([0-9a-f-]{36}) created");
    private static final Pattern REDIS = Pattern.compile("redis (redis://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern PARTIAL_WRITE = Pattern.compile(
            ".+-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /** How long before a SIGKILL a job may have been created and its creation line still be lost (loaded machine). */
    private static final Duration LOG_LINE_CUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void twoHundredJobsOfEverySource_throughThreeSigkills_endCompletedOnceEverywhereWithOnePdfEach() throws Exception {
        long seed = Long.getLong("storm.seed", System.nanoTime());
        System.out.println("ServeRestartStormIT seed " + seed);
        Random random = new Random(seed);
        try (ServeProcess serve = new ServeProcess(tmp.resolve("data"), tmp.resolve("serve.out"),
                List.of("--sweep-interval", "5"))) {
            serve.start();
            String key = serve.key();
            Submitter submitter = new Submitter(serve, key);
            Thread client = new Thread(submitter, "storm-client");
            client.start();
            List<Instant> kills = new ArrayList<>();
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(1_500 + random.nextInt(5_000));
                kills.add(Instant.now());
                serve.kill();
                Thread.sleep(random.nextInt(1_000));
                serve.start();
            }
            client.join(Duration.ofSeconds(240).toMillis());
            assertThat(client.isAlive()).as("the client submitted everything").isFalse();
            assertThat(submitter.failure.get()).isNull();

            List<JsonNode> jobs = awaitAllFinished(serve, key);
            // a completion whose cache write was lost (a timeout under load) leaves the running entry it should
            // have replaced, which lives no longer than this: after it, every read agrees with the store
            Thread.sleep(RedisFastPath.UNFINISHED_ENTRY_TTL.plusSeconds(1).toMillis());
            Set<String> ids = jobs.stream().map(j -> j.path("id").asText()).collect(Collectors.toSet());
            assertThat(jobs).as("one job per document").hasSize(JOBS);
            assertThat(ids).hasSize(JOBS).containsAll(submitter.inlineIds).containsAll(submitter.presignedIds);
            assertThat(jobs).allSatisfy(j -> assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("completed"));
            assertThat(jobs.stream().collect(Collectors.groupingBy(j -> j.path("source").asText(), Collectors.counting())))
                    .isEqualTo(Map.of("inline", (long) INLINE, "s3", (long) (S3_UPLOADS + PRESIGNED)));

            for (String id : ids) {
                HttpResponse<String> one = serve.get("/jobs/" + id, key);
                assertThat(one.statusCode()).isEqualTo(200);
                assertThat(ServeProcess.json(one).path("status").asText()).as(id).isEqualTo("completed");
            }
            // the reads above cached every job that was not cached yet
            assertCacheSaysCompleted(serve.data, ids, true);

            try (S3Client s3 = serve.s3()) {
                Set<String> pdfs = new HashSet<>();
                List<String> stray = new ArrayList<>();
                for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket("docpipe")).contents()) {
                    if (o.key().startsWith("pdf/")) {
                        pdfs.add(o.key());
                    } else if (!o.key().startsWith("inline/") && !o.key().startsWith("uploads/")) {
                        stray.add(o.key());
                    }
                }
                assertThat(pdfs).as("exactly one PDF per job")
                        .isEqualTo(ids.stream().map(id -> "pdf/" + id + ".pdf").collect(Collectors.toSet()));
                assertThat(stray).as("objects that are neither a source nor a PDF").isEmpty();
            }
            try (Stream<Path> files = Files.walk(serve.data.resolve("s3"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> PARTIAL_WRITE.matcher(n).matches()))
                        .as("partial object writes on disk").isEmpty();
            }

            // every creation is logged after its store write, so a SIGKILL between the two loses the line: a job
            // missing from the log must have been created just before a kill; no job may be logged twice
            List<String> created = createdInLog(serve.data.resolve("serve.log"));
            assertThat(created).as("creations logged over all runs").doesNotHaveDuplicates();
            assertThat(ids).containsAll(created);
            for (JsonNode job : jobs) {
                if (!created.contains(job.path("id").asText())) {
                    Instant at = Instant.parse(job.path("createdAt").asText());
                    assertThat(kills).as("job %s, created at %s, has no creation line: no kill followed it closely", job, at)
                            .anySatisfy(k -> assertThat(Duration.between(at, k)).isBetween(Duration.ZERO, LOG_LINE_CUT));
                }
            }

            // a last, quiet run: a restart and sweeps over 200 settled jobs create nothing
            assertThat(serve.stop()).isZero();
            serve.start();
            Thread.sleep(Duration.ofSeconds(12).toMillis());
            assertThat(metric(serve, "docpipe_jobs_created_total")).as("jobs created by a quiet run").isZero();
            assertThat(createdInLog(serve.data.resolve("serve.log"))).as("creations logged after the quiet run")
                    .isEqualTo(created);
            assertCacheSaysCompleted(serve.data, ids, false);
            assertThat(serve.stop()).isZero();
            ServeRestartIT.assertOwnerOnly(serve.data);
        }
    }

    /** Submits every document once, repeating a request that met a dead or restarting server. */
    private static final class Submitter implements Runnable {
        private final ServeProcess serve;
        private final String key;
        final Set<String> inlineIds = ConcurrentHashMap.newKeySet();
        final Set<String> presignedIds = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Submitter(ServeProcess serve, String key) {
            this.serve = serve;
            this.key = key;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < Math.max(INLINE, Math.max(S3_UPLOADS, PRESIGNED)); i++) {
                    if (i < INLINE) {
                        inline(i);
                    }
                    if (i < S3_UPLOADS) {
                        s3Upload(i);
                    }
                    if (i < PRESIGNED) {
                        presigned(i);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        private void inline(int i) throws Exception {
            String body = "{\"content\":" + JSON.valueToTree(document("inline", i)) + ",\"format\":\"markdown\"}";
            HttpResponse<String> r = retried(() -> serve.post("/jobs", key, body));
            assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
            inlineIds.add(ServeProcess.json(r).path("id").asText());
        }

        private void s3Upload(int i) throws Exception {
            retried(() -> {
                try (S3Client s3 = serve.s3()) {
                    s3.putObject(b -> b.bucket("docpipe").key("uploads/dev/storm-" + i + ".md"),
                            RequestBody.fromString(document("s3", i)));
                }
                return null;
            });
        }

        private void presigned(int i) throws Exception {
            HttpResponse<String> r = retried(() -> serve.post("/uploads", key,
                    "{\"filename\":\"storm-presigned-" + i + ".md\",\"format\":\"markdown\"}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode grant = ServeProcess.json(r);
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(grant.path("uploadUrl").asText()))
                    .timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofString(document("presigned", i), StandardCharsets.UTF_8));
            grant.path("headers").fields().forEachRemaining(h -> put.header(h.getKey(), h.getValue().asText()));
            HttpResponse<String> stored = retried(() -> ServeProcess.HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString()));
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            presignedIds.add(grant.path("jobId").asText());
        }

        /** Repeats {@code call} while the server is down, restarting or answers 5xx (for at most 2 minutes). */
        private <T> T retried(Call<T> call) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (true) {
                try {
                    T result = call.run();
                    if (!(result instanceof HttpResponse<?> r) || r.statusCode() < 500) {
                        return result;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the server did not answer within 2 minutes");
                }
                Thread.sleep(200);
            }
        }
    }

    private interface Call<T> {
        T run() throws Exception;
    }

    private static String document(String via, int i) {
        StringBuilder b = new StringBuilder("# Storm document " + i + " via " + via + "\n\n");
        for (int p = 0; p < 12; p++) {
            b.append("Paragraph ").append(p).append(" of ").append(via).append(' ').append(i)
                    .append(": the quick brown fox jumps over the lazy dog.\n\n");
        }
        return b.toString();
    }

    private static List<JsonNode> awaitAllFinished(ServeProcess serve, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        List<JsonNode> jobs = List.of();
        while (System.nanoTime() < deadline) {
            try {
                jobs = serve.jobs(key);
            } catch (Exception | AssertionError e) {
                Thread.sleep(500);
                continue;
            }
            if (jobs.size() >= JOBS && jobs.stream().allMatch(j -> Set.of("completed", "failed", "cancelled")
                    .contains(j.path("status").asText()))) {
                return jobs;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not all " + JOBS + " jobs finished within 240 s: " + jobs.stream()
                .filter(j -> !j.path("status").asText().equals("completed"))
                .map(j -> j.path("id").asText() + "=" + j.path("status").asText()).toList() + " of " + jobs.size());
    }

    /**
     * Every cached status of the jobs (the running serve's Redis, named in serve.log) is completed; with
     * {@code everyJobCached}, every job has one.
     */
    private static void assertCacheSaysCompleted(Path data, Set<String> ids, boolean everyJobCached) throws Exception {
        String uri = null;
        for (String line : Files.readAllLines(data.resolve("serve.log"), StandardCharsets.UTF_8)) {
            Matcher m = REDIS.matcher(line);
            if (m.find()) {
                uri = m.group(1);
            }
        }
        assertThat(uri).as("the Redis of the running serve").isNotNull();
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> notCompleted = new ArrayList<>();
            for (String id : ids) {
                // an entry is <version>|<mac>|<job JSON> (RedisFastPath)
                String cached = c.sync().get("docpipe:job:" + id);
                if (cached == null) {
                    if (everyJobCached) {
                        notCompleted.add(id + " not cached");
                    }
                    continue;
                }
                String status = JSON.readTree(cached.substring(cached.indexOf('|', cached.indexOf('|') + 1) + 1))
                        .path("status").asText();
                if (!status.equalsIgnoreCase("completed")) {
                    notCompleted.add(id + "=" + status);
                }
            }
            assertThat(notCompleted).as("cached statuses other than completed").isEmpty();
        } finally {
            client.shutdown();
        }
    }

    private static List<String> createdInLog(Path log) throws Exception {
        List<String> created = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = CREATED.matcher(line);
            if (m.find()) {
                created.add(m.group(1));
            }
        }
        return created;
    }

    private static double metric(ServeProcess serve, String name) throws Exception {
        String text = serve.get("/metrics", null).body();
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
