package dev.docpipe.local.api.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.config.QueueNames;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.local.api.OpenApiSpec;
import dev.docpipe.local.api.status.StatusEvents.Response;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.JobQuery;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status function end to end: its handler fed the events/status files against the local
 * pipeline (DynamoDB-protocol store, Redis on), jobs made by real S3 uploads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusApiIT {
    private static final String ALICE = "key-alice";
    private static final String BOB = "key-bob";

    private LocalPipeline pipeline;
    private S3Client s3;
    private StatusHandler handler;
    private OpenApiSpec spec;
    /** Alice's high-priority jobs, newest first; one default-priority job of hers; Bob's one job. */
    private List<Job> aliceHigh;
    private Job aliceDefault;
    private Job bobJob;

    @BeforeAll
    void startPipelineWithJobs() throws Exception {
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, true));
        s3 = pipeline.s3().newClient();
        handler = new StatusHandler(pipeline.components(), monitor());
        try {
            spec = OpenApiSpec.load();
        } catch (RuntimeException e) {
            spec = null; // the spec is checked where it is present
        }
        for (int i = 1; i <= 3; i++) {
            upload("uploads/high/" + ALICE + "/report-" + i + ".html", "<h1>Alice report " + i + "</h1><p>text " + i + "</p>");
        }
        upload("uploads/default/" + ALICE + "/notes.md", "# Alice notes\n\nsome *markdown*");
        upload("uploads/high/" + BOB + "/bob.html", "<h1>Bob's only document</h1>");

        List<Job> alice = awaitCompleted(ALICE, 4);
        bobJob = awaitCompleted(BOB, 1).get(0);
        aliceHigh = alice.stream().filter(j -> j.priority().wire().equals("high")).toList();
        aliceDefault = alice.stream().filter(j -> j.priority().wire().equals("default")).findFirst().orElseThrow();
        assertThat(aliceHigh).hasSize(3);
    }

    @AfterAll
    void stopPipeline() {
        if (s3 != null) {
            s3.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void getJob_completed_hasADownloadUrlThatServesAValidPdf() throws Exception {
        Job job = aliceHigh.get(0);

        Response r = call("get-job.json", job.id().value(), "/jobs/{id}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("id").asText()).isEqualTo(job.id().value());
        assertThat(r.body().path("status").asText()).isEqualTo("completed");
        assertThat(r.body().has("owner")).isFalse();
        assertThat(r.body().has("deduplicated")).isFalse();
        assertThat(r.headers().path("X-Request-Id").asText()).isNotBlank();
        String url = r.body().path("result").path("downloadUrl").asText();
        HttpResponse<byte[]> download = get(url);
        assertThat(download.statusCode()).isEqualTo(200);
        try (PDDocument pdf = Loader.loadPDF(download.body())) {
            assertThat(pdf.getNumberOfPages()).isEqualTo(r.body().path("result").path("pages").asInt()).isPositive();
        }
    }

    @Test
    @Order(1)
    void getJob_ofADocumentWithoutAFormat_showsTheFormatDetectedAtParse() throws Exception {
        upload("uploads/default/key-carol/notes", "<!DOCTYPE html><html><body><h1>Carol's notes</h1><p>HTML without a file extension</p></body></html>");
        Job job = awaitCompleted("key-carol", 1).get(0);
        assertThat(job.filename()).isEqualTo("notes");

        ObjectNode event = StatusEvents.load("get-job.json", job.id().value());
        ((ObjectNode) event.path("requestContext").path("identity")).put("apiKeyId", "key-carol");
        Response r = call(event, "/jobs/{id}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("format").asText()).isEqualTo("html");
        assertThat(pipeline.components().store().get(job.id()).orElseThrow().format()).isEqualTo(Format.HTML);
    }

    @Test
    @Order(2)
    void getJob_tamperedDownloadUrl_isRefused() throws Exception {
        Response r = call("get-job.json", aliceHigh.get(0).id().value(), "/jobs/{id}");
        String url = r.body().path("result").path("downloadUrl").asText();
        int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        assertThat(at).isGreaterThan("X-Amz-Signature=".length());
        char c = url.charAt(at);
        String tampered = url.substring(0, at) + (c == '0' ? '1' : '0') + url.substring(at + 1);

        assertThat(get(tampered).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void getJob_ofAnotherOwner_unknown_malformed_isNotFound_withoutAKey_isUnauthorized() {
        String alices = aliceHigh.get(0).id().value();

        Response bob = call("get-job-other-owner.json", alices, "/jobs/{id}");
        Response unknown = call("get-job.json", JobId.newId(Instant.now()).value(), "/jobs/{id}");
        Response malformed = call("get-job-malformed-id.json", null, "/jobs/{id}");
        Response noKey = call("get-job-no-api-key.json", alices, "/jobs/{id}");

        assertThat(List.of(bob, unknown, malformed)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("not_found");
            assertThat(r.body().path("requestId").asText()).isNotBlank();
        });
        assertThat(bob.body().toString()).doesNotContain(alices).doesNotContain(ALICE);
        assertThat(noKey.status()).isEqualTo(403);
        assertThat(noKey.errorCode()).isEqualTo("unauthorized");
    }

    @Test
    @Order(4)
    void getJob_byAnAliasId_answersTheOriginalJobAsDeduplicated_onlyToItsOwner() {
        Job original = aliceHigh.get(1);
        String alias = JobId.newId(Instant.now()).value();
        pipeline.components().blobs().put(new BlobRef(LocalPipeline.BUCKET, "aliases/" + alias),
                original.id().value().getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());

        Response alices = call("get-job.json", alias, "/jobs/{id}");
        Response bobs = call("get-job-other-owner.json", alias, "/jobs/{id}");

        assertThat(alices.status()).isEqualTo(200);
        assertThat(alices.body().path("id").asText()).isEqualTo(original.id().value());
        assertThat(alices.body().path("deduplicated").asBoolean()).isTrue();
        assertThat(bobs.status()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void listJobs_filtersAndPages_newestFirst_withoutDownloadUrls() {
        Response first = call("list-jobs.json", null, "/jobs");

        assertThat(first.status()).isEqualTo(200);
        assertThat(ids(first)).containsExactly(aliceHigh.get(0).id().value(), aliceHigh.get(1).id().value());
        assertThat(first.body().findValues("downloadUrl")).isEmpty();
        String cursor = first.body().path("nextCursor").asText(null);
        assertThat(cursor).isNotNull();

        ObjectNode next = StatusEvents.load("list-jobs.json", null);
        ObjectNode query = next.with("queryStringParameters");
        query.put("cursor", cursor);
        StatusEvents.withQuery(next, toMap(query));
        Response second = call(next, "/jobs");

        assertThat(ids(second)).containsExactly(aliceHigh.get(2).id().value());
        assertThat(second.body().path("nextCursor").isNull()).isTrue();

        ObjectNode defaults = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null), Map.of("priority", "default"));
        assertThat(ids(call(defaults, "/jobs"))).containsExactly(aliceDefault.id().value());
        ObjectNode none = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null),
                Map.of("status", "failed"));
        assertThat(ids(call(none, "/jobs"))).isEmpty();
        ObjectNode untilFirst = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null),
                Map.of("until", aliceHigh.get(2).createdAt().toString(), "limit", "100"));
        assertThat(ids(call(untilFirst, "/jobs"))).doesNotContain(aliceHigh.get(2).id().value());
    }

    @Test
    @Order(6)
    void listJobs_ofAnotherOwner_neverShowsAlicesJobs() {
        Response bob = call("list-jobs-bob.json", null, "/jobs");

        assertThat(bob.status()).isEqualTo(200);
        assertThat(ids(bob)).containsExactly(bobJob.id().value());
    }

    @Test
    @Order(6)
    void listJobs_byFileNameSourceOrUploadKey_findsExactlyThoseJobs() {
        Job second = aliceHigh.stream().filter(j -> "report-2.html".equals(j.filename())).findFirst().orElseThrow();
        ObjectNode byName = StatusEvents.withQuery(StatusEvents.load("list-jobs-by-filename.json", null),
                Map.of("filename", "report-2.html", "source", "upload"));
        ObjectNode byKey = StatusEvents.withQuery(StatusEvents.load("list-jobs-by-upload-key.json", null),
                Map.of("uploadKey", "uploads/high/" + ALICE + "/report-2.html"));
        ObjectNode bobsKey = StatusEvents.withQuery(StatusEvents.load("list-jobs-by-upload-key.json", null),
                Map.of("uploadKey", "uploads/high/" + BOB + "/bob.html"));
        ObjectNode inline = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null), Map.of("source", "inline"));
        ObjectNode caseMatters = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null),
                Map.of("filename", "REPORT-2.html"));

        assertThat(ids(call(byName, "/jobs"))).containsExactly(second.id().value());
        assertThat(ids(call(byKey, "/jobs"))).containsExactly(second.id().value());
        assertThat(ids(call(bobsKey, "/jobs"))).isEmpty();
        assertThat(ids(call(inline, "/jobs"))).isEmpty();
        assertThat(ids(call(caseMatters, "/jobs"))).isEmpty();
        Response sample = call("list-jobs-by-filename.json", null, "/jobs");
        assertThat(sample.status()).isEqualTo(200);
        assertThat(ids(sample)).isEmpty();
    }

    @Test
    @Order(7)
    void listJobs_badParameters_areRefusedNamingTheField() {
        record Case(String file, String code, String field) {
        }
        for (Case c : List.of(new Case("list-jobs-bad-status.json", "invalid_status", "status"),
                new Case("list-jobs-bad-priority.json", "invalid_priority", "priority"),
                new Case("list-jobs-bad-since.json", "invalid_request", "since"),
                new Case("list-jobs-bad-until.json", "invalid_request", "until"),
                new Case("list-jobs-since-out-of-range.json", "invalid_request", "since"),
                new Case("list-jobs-since-before-epoch.json", "invalid_request", "since"),
                new Case("list-jobs-until-before-epoch.json", "invalid_request", "until"),
                new Case("list-jobs-bad-limit.json", "invalid_request", "limit"),
                new Case("list-jobs-bad-cursor.json", "invalid_cursor", "cursor"),
                new Case("list-jobs-bad-source.json", "invalid_request", "source"),
                new Case("list-jobs-bad-upload-key.json", "invalid_request", "uploadKey"))) {
            Response r = call(c.file(), null, "/jobs");
            assertThat(r.status()).as(c.file()).isEqualTo(400);
            assertThat(r.errorCode()).as(c.file()).isEqualTo(c.code());
            assertThat(r.errorField()).as(c.file()).isEqualTo(c.field());
        }
        Response status = call("list-jobs-bad-status.json", null, "/jobs");
        assertThat(status.body().path("error").path("message").asText())
                .contains("queued", "running", "completed", "failed", "cancelled");
        ObjectNode zero = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null), Map.of("limit", "0"));
        ObjectNode typo = StatusEvents.withQuery(StatusEvents.load("list-jobs.json", null), Map.of("staus", "queued"));
        assertThat(call(zero, "/jobs").status()).isEqualTo(400);
        assertThat(call(typo, "/jobs").errorField()).isEqualTo("staus");
    }

    @Test
    @Order(8)
    void stats_countsTheCallersJobsOnly_andListsEveryQueue() {
        Response alice = call("get-stats.json", null, "/stats");
        Response bob = call("get-stats-bob.json", null, "/stats");

        assertThat(alice.status()).isEqualTo(200);
        assertThat(alice.body().path("jobs").path("completed").asLong()).isEqualTo(4);
        assertThat(alice.body().path("jobs").path("queued").asLong()).isZero();
        assertThat(alice.body().path("jobs").has("cancelled")).isTrue();
        assertThat(bob.body().path("jobs").path("completed").asLong()).isEqualTo(1);
        JsonNode queues = alice.body().path("queues");
        assertThat(queues).hasSize(14);
        List<String> names = new ArrayList<>();
        queues.forEach(q -> names.add(q.path("stage").asText() + "/" + (q.path("priority").isNull() ? "-" : q.path("priority").asText())
                + (q.path("deadLetter").asBoolean() ? "/dlq" : "")));
        assertThat(names).containsExactly("ingest/-", "parse/high", "parse/default", "parse/low", "render/high", "render/default",
                "render/low", "store/high", "store/default", "store/low", "ingest/-/dlq", "parse/-/dlq", "render/-/dlq", "store/-/dlq");
        queues.forEach(q -> {
            assertThat(q.path("visible").isNumber()).isTrue();
            assertThat(q.path("inFlight").isNumber()).isTrue();
            assertThat(q.path("oldestAgeSeconds").isNull()).isTrue();
        });
        assertThat(alice.body().toString()).doesNotContain("docpipe-");
    }

    @Test
    @Order(9)
    void health_withEverythingUp_isOk_withoutAKey() {
        Response r = call("get-health.json", null, "/health");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("status").asText()).isEqualTo("ok");
        assertThat(r.body().path("checks").properties().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().asText()))).isEqualTo(Map.of("store", "ok", "queues", "ok", "bucket", "ok", "redis", "ok"));
    }

    @Test
    @Order(10)
    void unknownRoute_isNotFound_andAnotherMethod_isNotAllowed() {
        Response unknown = call("get-unknown-route.json", null, null);
        Response delete = call("delete-job-wrong-function.json", aliceHigh.get(0).id().value(), null);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.errorCode()).isEqualTo("method_not_allowed");
        assertThat(delete.headers().path("Allow").asText()).isEqualTo("GET");
    }

    @Test
    @Order(10)
    void getJob_whoseCachedOwnerWasRewrittenInRedis_staysNotFoundForTheOtherTenant() {
        String bobs = bobJob.id().value();
        assertThat(call("get-job-other-owner.json", bobs, "/jobs/{id}").status()).isEqualTo(200); // warms the cache

        rewriteCached(bobs, "\"owner\":\"" + BOB + "\"", "\"owner\":\"" + ALICE + "\"");

        Response alice = call("get-job.json", bobs, "/jobs/{id}");
        assertThat(alice.status()).isEqualTo(404);
        assertThat(alice.body().toString()).doesNotContain(bobs);
        assertThat(call("get-job-other-owner.json", bobs, "/jobs/{id}").status()).isEqualTo(200);
    }

    @Test
    @Order(10)
    void getJob_whoseCachedResultLocationWasRewrittenInRedis_stillDownloadsItsOwnPdf() throws Exception {
        Job job = aliceHigh.get(2);
        assertThat(call("get-job.json", job.id().value(), "/jobs/{id}").status()).isEqualTo(200); // warms the cache
        String bobsUpload = "s3://" + LocalPipeline.BUCKET + "/uploads/high/" + BOB + "/bob.html";

        rewriteCached(job.id().value(), "\"resultLocation\":\"[^\"]*\"", "\"resultLocation\":\"" + bobsUpload + "\"");

        Response r = call("get-job.json", job.id().value(), "/jobs/{id}");
        assertThat(r.status()).isEqualTo(200);
        String url = r.body().path("result").path("downloadUrl").asText();
        assertThat(URI.create(url).getPath()).endsWith("/pdf/" + job.id().value() + ".pdf");
        HttpResponse<byte[]> download = get(url);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(new String(download.body(), 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
    }

    /** What an attacker with write access to Redis does: edits a cached job in place, keeping its TTL. */
    private void rewriteCached(String jobId, String regex, String replacement) {
        RedisClient client = RedisClient.create(pipeline.redis().uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String key = "docpipe:job:" + jobId;
            String value = connection.sync().get(key);
            assertThat(value).as("the cached entry of %s", jobId).isNotNull().containsPattern(regex);
            connection.sync().set(key, value.replaceAll(regex, java.util.regex.Matcher.quoteReplacement(replacement)),
                    io.lettuce.core.SetArgs.Builder.keepttl());
        } finally {
            client.shutdown();
        }
    }

    @Test
    @Order(11)
    void polling_withTheCacheWarm_hundredPollsReadTheStoreAtMostTwice() {
        Job job = aliceHigh.get(0);
        CountingJobStore store = new CountingJobStore(pipeline.components().store());
        StatusHandler counted = new StatusHandler(withStore(store), monitor());
        pipeline.components().fastPath().evictJob(job.id()); // the first poll warms it

        for (int i = 0; i < 100; i++) {
            Response r = StatusEvents.invoke(counted, StatusEvents.load("get-job.json", job.id().value()));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("status").asText()).isEqualTo("completed");
        }

        assertThat(store.gets()).isBetween(1L, 2L);
    }

    @Test
    @Order(12)
    void redisStopped_healthIsDegradedButUp_andPollingStillAnswersFromTheStore() throws Exception {
        Job job = aliceHigh.get(0);
        CountingJobStore store = new CountingJobStore(pipeline.components().store());
        StatusHandler counted = new StatusHandler(withStore(store), monitor());
        pipeline.redis().stop();
        try {
            Response health = call("get-health.json", null, "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body().path("status").asText()).isEqualTo("degraded");
            assertThat(health.body().path("checks").path("redis").asText()).isEqualTo("down");
            assertThat(health.body().path("checks").path("store").asText()).isEqualTo("ok");

            for (int i = 0; i < 20; i++) {
                Response r = StatusEvents.invoke(counted, StatusEvents.load("get-job.json", job.id().value()));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().path("status").asText()).isEqualTo("completed");
                assertThat(r.body().path("result").path("downloadUrl").asText()).startsWith("http");
            }
            assertThat(store.gets()).isEqualTo(20);
            assertThat(StatusEvents.invoke(counted, StatusEvents.load("get-job-other-owner.json", job.id().value()))
                    .status()).isEqualTo(404);
        } finally {
            pipeline.redis().start();
        }
    }

    // --- helpers

    private SqsQueueMonitor monitor() {
        return new SqsQueueMonitor(pipeline.sqs().client(), new QueueNames(QueueNames.DEFAULT_PREFIX));
    }

    private Components withStore(CountingJobStore store) {
        Components c = pipeline.components();
        return new Components(c.config(), c.clock(), store, c.fastPath(), c.blobs(), c.queues());
    }

    private Response call(String file, String jobId, String route) {
        return call(StatusEvents.load(file, jobId), route);
    }

    /** Invokes the handler; where the route is documented, checks the answer against docs/openapi.yaml. */
    private Response call(ObjectNode event, String route) {
        Response r = StatusEvents.invoke(handler, event);
        if (spec != null && route != null) {
            assertThat(spec.problems(event.path("httpMethod").asText(), route, r.status(), r.body()))
                    .as("agreement with docs/openapi.yaml").isEmpty();
        }
        assertThat(r.body().toString()).doesNotContain("Exception").doesNotContain("s3://");
        return r;
    }

    private static List<String> ids(Response r) {
        List<String> ids = new ArrayList<>();
        r.body().path("items").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    private static Map<String, String> toMap(ObjectNode node) {
        return node.properties().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText()));
    }

    private void upload(String key, String content) {
        s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key), RequestBody.fromString(content));
    }

    private List<Job> awaitCompleted(String owner, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            List<Job> jobs = pipeline.components().store().listByOwner(owner, JobQuery.all(100)).items();
            if (jobs.size() >= expected && jobs.stream().allMatch(j -> j.status() == JobStatus.COMPLETED)) {
                return jobs;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("jobs of " + owner + " not completed: " + jobs);
            }
            Thread.sleep(250);
        }
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

}
