package dev.docpipe.local.api.submit;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.config.Config;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.local.ForwardingBlobs;
import dev.docpipe.local.api.OpenApiSpec;
import dev.docpipe.local.observability.ApiEvents;
import dev.docpipe.local.observability.ApiEvents.Answer;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /jobs/{id}/erase} end to end: the submit and status handlers fed the events/ files, on the
 * whole local pipeline with redis-server; run against each job store by a subclass, one pipeline per
 * class. After an erase, every place the job could live (every object in the bucket, the store's raw
 * records, every Redis key) is searched for it: only the tombstone may be left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EraseContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    protected LocalPipeline pipeline;
    private SubmitHandler submit;
    private StatusHandler status;
    private OpenApiSpec spec;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    /** Jobs whose render is held: the render's read of its last input waits here once it has the bytes. */
    private final Map<String, CountDownLatch> heldRenders = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> renderReached = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> renderInvocationsDone = new ConcurrentHashMap<>();
    /** Keys written for a held job once its erase has answered. */
    private final Map<String, List<String>> writtenAfterErase = new ConcurrentHashMap<>();

    protected abstract Config.StoreKind store();

    /** Settings for the pipeline (e.g. an own DynamoDB endpoint the test can read raw). */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** Every raw record of the store that mentions {@code id} or {@code dedupKey}, as text. */
    protected abstract List<String> rawRecords(JobId id, String dedupKey) throws Exception;

    @BeforeAll
    void startPipeline() {
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(q -> q, this::holdingRenders,
                (name, h) -> name.equals("render") ? (event, context) -> {
                    try {
                        return h.handleRequest(event, context);
                    } finally {
                        renderInvocationsDone.forEach((id, latch) -> {
                            if (event.getRecords().stream().anyMatch(r -> r.getBody().contains(id))) {
                                latch.countDown();
                            }
                        });
                    }
                } : h, null);
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(store(), true).withSettings(settings())
                .withHooks(hooks));
        submit = new SubmitHandler(pipeline.components());
        status = new StatusHandler(pipeline.components(), pipeline.queueMonitor());
        spec = OpenApiSpec.load();
        redisClient = RedisClient.create(pipeline.redis().uri());
        redis = redisClient.connect();
    }

    @AfterAll
    void stopPipeline() {
        if (redis != null) {
            redis.close();
            redisClient.shutdown();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // the tests

    @Test
    void erase_ofACompletedJob_leavesOnlyItsTombstone_inTheBucketTheStoreAndRedis_andIsIdempotent() throws Exception {
        String owner = "key-erase-" + UUID.randomUUID();
        String content = "# Private " + UUID.randomUUID() + "\n\nNot meant to be kept.\n";
        String id = submitInline(owner, content, "private.md");
        Job done = awaitJob(id, j -> j.status().isTerminal());
        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        // the status cache is written just after the store: wait for it, so Redis holds the job when it is erased
        awaitTrue(() -> "completed".equals(getQuietly(owner, id).path("status").asText()));
        assertThat(objectsOf(id, done)).isNotEmpty();

        Answer erased = erase(owner, id);

        assertThat(erased.status()).isEqualTo(200);
        assertThat(erased.body().path("status").asText()).isEqualTo("erased");
        assertThat(erased.body().has("filename")).isFalse();
        assertThat(erased.body().path("erasedAt").asText()).isNotBlank();
        assertOnlyTheTombstoneIsLeft(id, done);
        Answer polled = get(owner, id);
        assertThat(polled.status()).isEqualTo(200);
        assertThat(polled.body().path("status").asText()).isEqualTo("erased");
        assertThat(polled.body().has("result")).isFalse();

        Answer again = erase(owner, id);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(erased.body());
        assertOnlyTheTombstoneIsLeft(id, done);

        // the same content again is a new job: the dedup claim went with the erase
        String resubmitted = submitInline(owner, content, "private.md");
        assertThat(resubmitted).isNotEqualTo(id);
        assertThat(awaitJob(resubmitted, j -> j.status().isTerminal()).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(get(owner, id).body().path("status").asText()).isEqualTo("erased");
    }

    @Test
    void erase_duringTheRender_leavesNoPdf_andTheStageDropsItsOutput() throws Exception {
        String owner = "key-erase-" + UUID.randomUUID();
        String content = "# Held " + UUID.randomUUID() + "\n\nRendered while being erased.\n";
        String id = submitInline(owner, content, "held.md");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch renderDone = new CountDownLatch(1);
        heldRenders.put(id, release);
        renderReached.put(id, reached);
        renderInvocationsDone.put(id, renderDone);
        try {
            assertThat(reached.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the render started").isTrue();
            Job running = pipeline.components().store().get(new JobId(id)).orElseThrow();
            assertThat(running.status()).isEqualTo(JobStatus.RUNNING);

            assertThat(erase(owner, id).status()).isEqualTo(200);
            writtenAfterErase.put(id, new java.util.concurrent.CopyOnWriteArrayList<>());
        } finally {
            release.countDown();
        }
        assertThat(renderDone.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the render ended").isTrue();

        Job after = pipeline.components().store().get(new JobId(id)).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.ERASED);
        assertThat(writtenAfterErase.get(id)).as("the render finished and wrote its PDF after the erase")
                .contains("work/" + id + "/document.pdf");
        assertThat(pipeline.components().blobs().head(new BlobRef(LocalPipeline.BUCKET, "pdf/" + id + ".pdf"))).isEmpty();
        assertThat(keysContaining(id)).as("objects named after the job").isEmpty();
        // nothing re-appears later (a redelivery, the store stage)
        Thread.sleep(1500);
        assertThat(keysContaining(id)).isEmpty();
        assertThat(pipeline.components().store().get(new JobId(id)).orElseThrow().status()).isEqualTo(JobStatus.ERASED);
    }

    @Test
    void erase_ofAnotherTenantsJob_is404_andChangesNothing() throws Exception {
        String owner = "key-erase-" + UUID.randomUUID();
        String id = submitInline(owner, "# Mine " + UUID.randomUUID() + "\n", "mine.md");
        Job done = awaitJob(id, j -> j.status().isTerminal());

        Answer foreign = erase("key-intruder-" + UUID.randomUUID(), id);
        Answer unknown = erase(owner, JobId.newId(Instant.now()).value());

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body().path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(foreign.body().path("error").path("message").asText())
                .isEqualTo(unknown.body().path("error").path("message").asText());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(pipeline.components().store().get(new JobId(id))).contains(done);
        assertThat(pipeline.components().blobs().head(new BlobRef(LocalPipeline.BUCKET, "pdf/" + id + ".pdf"))).isPresent();
    }

    @Test
    void erase_ofAnUploadedJob_removesTheUpload_aDuplicateUploadAndItsAlias() throws Exception {
        String owner = "key-erase-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] content = ("# Uploaded " + UUID.randomUUID() + "\n\nTwice.\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String first = presignedUpload(owner, "upload.md", content);
        Job done = awaitJob(first, j -> j.status().isTerminal());
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        String second = presignedUpload(owner, "again.md", content);
        BlobRef alias = new BlobRef(LocalPipeline.BUCKET, "aliases/" + second);
        awaitTrue(() -> pipeline.components().blobs().head(alias).isPresent());
        // the duplicate upload, its alias, and the job's reference to both
        awaitTrue(() -> keysContaining(second).size() == 3);
        assertThat(get(owner, second).body().path("id").asText()).isEqualTo(first);

        assertThat(erase(owner, first).status()).isEqualTo(200);

        assertOnlyTheTombstoneIsLeft(first, done);
        assertThat(keysContaining(second)).as("the duplicate upload and its alias").isEmpty();
        assertThat(get(owner, second).status()).isEqualTo(404);
    }

    // what is left

    private void assertOnlyTheTombstoneIsLeft(String id, Job before) throws Exception {
        JobId jobId = new JobId(id);
        assertThat(objectsOf(id, before)).as("objects of the job in the bucket").isEmpty();
        assertThat(pipeline.components().blobs().list(LocalPipeline.BUCKET, "work/" + id, null, 100)).isEmpty();

        List<String> records = rawRecords(jobId, before.dedupKey());
        assertThat(records).as("store records of the job").hasSize(1);
        assertThat(records.get(0)).contains("ERASED").doesNotContain(before.dedupKey(), before.filename(),
                before.source().location())
                .as("out of the sweeper's index of active jobs").doesNotContain("active#");

        List<String> cached = new ArrayList<>();
        for (String key : redis.sync().keys("*")) {
            String value = redis.sync().type(key).equals("string") ? redis.sync().get(key) : "";
            if (key.contains(id) || key.contains(before.dedupKey()) || value.contains(id)) {
                cached.add(key + " = " + value);
            }
        }
        assertThat(cached).as("Redis entries of the job").hasSize(1);
        assertThat(cached.get(0)).startsWith("docpipe:job:" + id + " = ").contains("ERASED")
                .doesNotContain(before.filename(), before.source().location(), before.dedupKey());
    }

    /** Objects in the bucket named after the job, its source object, and those holding its id. */
    private List<String> objectsOf(String id, Job job) {
        List<String> found = new ArrayList<>(keysContaining(id));
        String source = job.source().location();
        Blobs blobs = pipeline.components().blobs();
        for (Blobs.BlobInfo object : blobs.list(LocalPipeline.BUCKET, "", null, 10_000)) {
            String key = object.ref().key();
            if (("s3://" + LocalPipeline.BUCKET + "/" + key).equals(source)
                    || key.startsWith("aliases/") && !found.contains(key)
                    && blobs.get(object.ref()).map(b -> new String(b.bytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .filter(v -> v.contains(id)).isPresent()) {
                found.add(key);
            }
        }
        return found;
    }

    private List<String> keysContaining(String text) {
        return pipeline.components().blobs().list(LocalPipeline.BUCKET, "", null, 10_000).stream()
                .map(o -> o.ref().key()).filter(k -> k.contains(text)).toList();
    }

    // the render hold

    private Blobs holdingRenders(Blobs real) {
        return new ForwardingBlobs(real) {
            @Override
            public Optional<Blob> get(BlobRef ref) {
                Optional<Blob> blob = super.get(ref);
                if (ref.key().endsWith("/metadata.json")) { // the render's last read before it renders
                    String id = ref.key().substring("work/".length(), ref.key().indexOf('/', "work/".length()));
                    CountDownLatch hold = heldRenders.get(id);
                    if (hold != null) {
                        renderReached.get(id).countDown();
                        try {
                            hold.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                return blob;
            }

            @Override
            public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
                super.put(ref, bytes, contentType, metadata);
                written(ref);
            }

            @Override
            public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
                boolean copied = super.copy(from, to, contentType, metadata);
                if (copied) {
                    written(to);
                }
                return copied;
            }

            private void written(BlobRef ref) {
                writtenAfterErase.forEach((id, keys) -> {
                    if (ref.key().contains(id)) {
                        keys.add(ref.key());
                    }
                });
            }
        };
    }

    // the API

    private String submitInline(String owner, String content, String filename) throws IOException {
        Answer a = invoke(submit, ApiEvents.event("submit/post-jobs-inline.json", owner, "value-" + owner,
                JSON.createObjectNode().put("content", content).put("filename", filename).toString()));
        assertThat(a.status()).as("submit: %s", a.body()).isEqualTo(202);
        return a.body().path("id").asText();
    }

    private String presignedUpload(String owner, String filename, byte[] content) throws Exception {
        Answer a = invoke(submit, ApiEvents.event("submit/post-uploads.json", owner, "value-" + owner,
                JSON.createObjectNode().put("filename", filename).toString()));
        assertThat(a.status()).as("upload: %s", a.body()).isEqualTo(201);
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(a.body().path("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        a.body().path("headers").fields().forEachRemaining(h -> put.header(h.getKey(), h.getValue().asText()));
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(http.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
        return a.body().path("jobId").asText();
    }

    private Answer erase(String owner, String id) throws IOException {
        return invoke(submit, ApiEvents.forJob(ApiEvents.event("submit/post-erase.json", owner, "value-" + owner, null), id));
    }

    private com.fasterxml.jackson.databind.JsonNode getQuietly(String owner, String id) {
        try {
            return get(owner, id).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Answer get(String owner, String id) throws IOException {
        return invoke(status, ApiEvents.forJob(ApiEvents.event("status/get-job.json", owner, "value-" + owner, null), id));
    }

    /** The handler's answer, checked against docs/openapi.yaml. */
    private Answer invoke(RequestStreamHandler handler, ObjectNode event) throws IOException {
        Answer a = ApiEvents.invoke(handler, event);
        String method = event.path("httpMethod").asText();
        String route = event.path("resource").asText();
        assertThat(spec.problems(method, route, a.status(), a.body())).as("openapi.yaml vs %s %s", method, route)
                .isEmpty();
        return a;
    }

    private Job awaitJob(String id, Predicate<Job> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        Job last = null;
        while (Instant.now().isBefore(deadline)) {
            last = pipeline.components().store().get(new JobId(id)).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not get there in " + PATIENCE + "; last seen " + last);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met in " + PATIENCE);
            }
            Thread.sleep(100);
        }
    }
}
