package dev.docpipe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.config.Config;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.HostResolver;
import dev.docpipe.fetch.PublicAddressPolicy;
import dev.docpipe.function.status.StatusRoutes;
import dev.docpipe.function.status.StatusService;
import dev.docpipe.function.submit.SubmitService;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.StageMessage;
import dev.docpipe.webhook.WebhookEvent;
import dev.docpipe.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Completion webhooks end to end on one local pipeline: a receiver on 127.0.0.2 plays a public server
 * (the fetcher tests' convention; the address policy is production's plus exactly that address), the
 * API creates the key's secret and submits jobs with callback URLs, and the receiver checks what it gets
 * with the documented verification procedure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String OWNER = "webhook-tenant";

    private LocalPipeline pipeline;
    private SubmitService submit;
    private StatusRoutes status;
    private HttpServer receiver;
    private HttpServer loopback;
    private String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger loopbackHits = new AtomicInteger();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final AtomicInteger webhookMessages = new AtomicInteger();

    record Received(String path, String signature, String eventId, String body, int answered) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeAll
    void start() throws IOException {
        InetAddress pretend = InetAddress.getByName("127.0.0.2");
        receiver = HttpServer.create(new InetSocketAddress(pretend, 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            AtomicInteger left = failuresLeft.get(path);
            int answer = left != null && left.getAndDecrement() > 0 ? 500 : 200;
            received.add(new Received(path, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    exchange.getRequestHeaders().getFirst("docpipe-event-id"), new String(body, StandardCharsets.UTF_8),
                    answer));
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        receiver.start();
        // a server on 127.0.0.1, which the policy refuses: nothing may ever reach it
        loopback = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        loopback.createContext("/", exchange -> {
            loopbackHits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        loopback.start();
        Map<String, InetAddress> names = Map.of(
                "hooks.example", pretend,
                "loop.example", InetAddress.getByName("127.0.0.1"),
                "internal.example", InetAddress.getByName("10.0.0.7"),
                "metadata.example", InetAddress.getByName("169.254.169.254"));
        HostResolver resolver = host -> {
            InetAddress a = names.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return List.of(a);
        };
        FetchPolicy policy = new FetchPolicy(a -> a.equals(pretend) || PublicAddressPolicy.INSTANCE.allows(a),
                resolver, 0, Duration.ofSeconds(2), Duration.ofSeconds(5), 1024 * 1024,
                Set.of(80, 443, 8080, 8443, receiver.getAddress().getPort(), loopback.getAddress().getPort()));
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(q -> q, b -> b, (name, handler) -> name.equals("webhook")
                ? (event, context) -> {
                    webhookMessages.addAndGet(event.getRecords().size());
                    return handler.handleRequest(event, context);
                } : handler, policy);
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false)
                .withSettings(Map.of("DOCPIPE_WEBHOOK_BACKOFF_BASE_MS", "200")).withHooks(hooks));
        submit = SubmitService.from(pipeline.components());
        status = new StatusRoutes(new StatusService(pipeline.components(), pipeline.queueMonitor()));
        ApiResponse created = call("POST", "/webhook/secrets", "/webhook/secrets", Map.of(), null);
        assertThat(created.status()).isEqualTo(201);
        secret = JSON.readTree(created.body()).path("secret").asText();
        assertThat(secret).startsWith("whsec_");
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        receiver.stop(0);
        loopback.stop(0);
    }

    @Test
    void aCompletedJob_postsTheDocumentedEvent_signedSoThatTheDocumentedProcedureVerifiesIt() throws Exception {
        String url = hooks("/completed");
        JobId id = submitHtml("<h1>done</h1>", url);
        Job job = awaitStatus(id, JobStatus.COMPLETED);
        Received r = awaitOne("/completed");

        ObjectNode expected = JSON.createObjectNode();
        expected.put("id", WebhookEvent.eventId(id, 1, JobStatus.COMPLETED));
        expected.put("type", "job.completed");
        expected.put("jobId", id.value());
        expected.put("status", "completed");
        expected.put("attempt", 1);
        expected.put("occurredAt", job.updatedAt().toString());
        ObjectNode result = expected.putObject("result");
        result.put("pages", job.result().pages());
        result.put("bytes", job.result().bytes());
        assertThat(r.body()).isEqualTo(expected.toString()); // byte for byte, in the documented field order
        assertThat(r.eventId()).isEqualTo(expected.path("id").asText());

        Instant now = Instant.now();
        assertThat(WebhookSignature.verify(r.signature(), r.body(), secret, now, WebhookSignature.TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(r.signature(), r.body().replace("completed", "failed"), secret, now,
                WebhookSignature.TOLERANCE)).as("tampered body").isFalse();
        assertThat(WebhookSignature.verify(r.signature(), r.body(), secret, now.plus(Duration.ofMinutes(6)),
                WebhookSignature.TOLERANCE)).as("replayed after the window").isFalse();
        assertThat(WebhookSignature.verify(r.signature(), r.body(), "whsec_other", now, WebhookSignature.TOLERANCE))
                .as("another secret").isFalse();

        JsonNode deliveries = awaitDeliveries(id, "delivered");
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).path("attempts")).hasSize(1);
        assertThat(deliveries.get(0).path("attempts").get(0).path("httpStatus").asInt()).isEqualTo(200);
    }

    @Test
    void aFailedJob_postsJobFailed_withTheJobsError() throws Exception {
        // a URL job whose URL the fetcher refuses fails at once (fetch_blocked)
        ApiResponse r = call("POST", "/jobs", "/jobs", Map.of(), "{\"url\":\"http://10.1.2.3/doc.html\",\"callbackUrl\":\""
                + hooks("/failed") + "\"}");
        assertThat(r.status()).isEqualTo(202);
        JobId id = new JobId(JSON.readTree(r.body()).path("id").asText());
        Job job = awaitStatus(id, JobStatus.FAILED);
        JsonNode event = awaitOne("/failed").json();
        assertThat(event.path("type").asText()).isEqualTo("job.failed");
        assertThat(event.path("id").asText()).isEqualTo(WebhookEvent.eventId(id, 1, JobStatus.FAILED));
        assertThat(event.path("status").asText()).isEqualTo("failed");
        assertThat(event.path("occurredAt").asText()).isEqualTo(job.updatedAt().toString());
        assertThat(event.path("error").path("code").asText()).isEqualTo("fetch_blocked");
        assertThat(event.path("error").path("message").asText()).isEqualTo(job.error().message());
        assertThat(event.has("result")).isFalse();
    }

    @Test
    void aCancelledJob_postsJobCancelled() throws Exception {
        pipeline.stopFunction("parse");
        JobId id;
        try {
            id = submitHtml("<p>to be cancelled</p>", hooks("/cancelled"));
            ApiResponse cancel = call("DELETE", "/jobs/{id}", "/jobs/" + id.value(), Map.of("id", id.value()), null);
            assertThat(cancel.status()).isEqualTo(200);
        } finally {
            pipeline.startFunction("parse");
        }
        JsonNode event = awaitOne("/cancelled").json();
        assertThat(event.path("type").asText()).isEqualTo("job.cancelled");
        assertThat(event.path("jobId").asText()).isEqualTo(id.value());
        assertThat(event.path("status").asText()).isEqualTo("cancelled");
        assertThat(event.path("error").path("code").asText()).isEqualTo("cancelled");
    }

    @Test
    void aReceiverAnswering500ThreeTimes_getsTheSameEventOnTheFourthTry() throws Exception {
        failuresLeft.put("/flaky", new AtomicInteger(3));
        JobId id = submitHtml("<p>flaky receiver</p>", hooks("/flaky"));
        awaitStatus(id, JobStatus.COMPLETED);
        await(() -> received.stream().filter(r -> r.path().equals("/flaky") && r.answered() == 200).count() == 1);
        List<Received> tries = received.stream().filter(r -> r.path().equals("/flaky")).toList();
        assertThat(tries).extracting(Received::answered).containsExactly(500, 500, 500, 200);
        assertThat(tries).extracting(Received::eventId).containsOnly(WebhookEvent.eventId(id, 1, JobStatus.COMPLETED));
        assertThat(tries).extracting(Received::body).containsOnly(tries.get(0).body());
        for (Received t : tries) {
            assertThat(WebhookSignature.verify(t.signature(), t.body(), secret, Instant.now(), WebhookSignature.TOLERANCE))
                    .isTrue();
        }
        JsonNode delivery = awaitDeliveries(id, "delivered").get(0);
        assertThat(delivery.path("attempts")).hasSize(4);
        List<Integer> statuses = new ArrayList<>();
        delivery.path("attempts").forEach(a -> statuses.add(a.path("httpStatus").asInt()));
        assertThat(statuses).containsExactly(500, 500, 500, 200);
    }

    @Test
    void callbackUrlsNamingNonPublicAddresses_areNeverContacted_andTheJobsStillComplete() throws Exception {
        int p = loopback.getAddress().getPort();
        List<String> urls = List.of(
                "http://127.0.0.1:" + p + "/x", "http://2130706433:" + p + "/x", "http://0x7f.1:" + p + "/x",
                "http://[::1]:" + p + "/x", "http://[::ffff:127.0.0.1]:" + p + "/x", "http://loop.example:" + p + "/x",
                "http://10.0.0.7/x", "http://192.168.1.10:8080/x", "http://internal.example/x",
                "http://169.254.169.254/latest/meta-data/", "http://metadata.example/latest/meta-data/",
                "http://[fe80::1]/x", "http://[fd00::1]/x");
        List<JobId> ids = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            ids.add(submitHtml("<p>blocked target " + i + "</p>", urls.get(i)));
        }
        for (JobId id : ids) {
            awaitStatus(id, JobStatus.COMPLETED);
            JsonNode delivery = awaitDeliveries(id, "blocked").get(0);
            assertThat(delivery.path("attempts")).hasSize(1);
            assertThat(delivery.path("attempts").get(0).path("outcome").asText()).startsWith("blocked: ");
        }
        assertThat(loopbackHits.get()).isZero();
        // a name reserved for loopback is refused when the URL is given, with a clear error
        ApiResponse refused = call("POST", "/jobs", "/jobs", Map.of(),
                "{\"content\":\"<p>x</p>\",\"callbackUrl\":\"http://localhost:" + p + "/x\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").path("field").asText()).isEqualTo("callbackUrl");
    }

    @Test
    void duplicateStageMessages_neverSendASecondOrDifferentEvent() throws Exception {
        JobId id = submitHtml("<p>duplicates</p>", hooks("/dup"));
        Job job = awaitStatus(id, JobStatus.COMPLETED);
        awaitOne("/dup");
        awaitDeliveries(id, "delivered");
        int before = webhookMessages.get();
        for (int i = 0; i < 3; i++) {
            pipeline.components().queues().send(new StageMessage(id, Stage.STORE, job.priority(), job.attempt(), "dup"));
            pipeline.components().queues().send(new StageMessage(id, Stage.RENDER, job.priority(), job.attempt(), "dup"));
        }
        // each duplicate re-queues the outcome: the same event, which the delivery side drops
        await(() -> webhookMessages.get() >= before + 6);
        assertThat(WebhookEvent.of(pipeline.components().store().get(id).orElseThrow()).body())
                .isEqualTo(received.stream().filter(r -> r.path().equals("/dup")).findFirst().orElseThrow().body());
        Thread.sleep(500);
        assertThat(received.stream().filter(r -> r.path().equals("/dup"))).hasSize(1);
    }

    @Test
    void aPresignedUpload_andAPlainUploadWithMetadata_carryTheirCallbackUrl() throws Exception {
        ApiResponse upload = call("POST", "/uploads", "/uploads", Map.of(),
                "{\"filename\":\"signed.html\",\"callbackUrl\":\"" + hooks("/presigned") + "\"}");
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(upload.body());
        assertThat(answer.path("headers").path("x-amz-meta-docpipe-callback-url").asText()).isEqualTo(hooks("/presigned"));
        java.net.http.HttpRequest.Builder put = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(answer.path("uploadUrl").asText()))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("<p>signed upload " + UUID.randomUUID() + "</p>"));
        answer.path("headers").fields().forEachRemaining(h -> put.header(h.getKey(), h.getValue().asText()));
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            assertThat(http.send(put.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        JsonNode presigned = awaitOne("/presigned").json();
        assertThat(presigned.path("type").asText()).isEqualTo("job.completed");
        assertThat(presigned.path("jobId").asText()).isEqualTo(answer.path("jobId").asText());

        try (software.amazon.awssdk.services.s3.S3Client s3 = pipeline.s3().newClient()) {
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/" + OWNER + "/plain.html")
                            .metadata(Map.of("docpipe-callback-url", hooks("/plain"))),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("<p>plain upload " + UUID.randomUUID() + "</p>"));
        }
        Received plain = awaitOne("/plain");
        assertThat(plain.json().path("type").asText()).isEqualTo("job.completed");
        assertThat(WebhookSignature.verify(plain.signature(), plain.body(), secret, Instant.now(), WebhookSignature.TOLERANCE))
                .isTrue();
    }

    @Test
    void aKeysDefaultCallbackUrl_receivesTheEventsOfJobsThatNameNone() throws Exception {
        String owner = "webhook-default-tenant";
        ApiResponse settings = call(owner, "PUT", "/webhook", "/webhook", Map.of(),
                "{\"defaultCallbackUrl\":\"" + hooks("/default") + "\"}");
        assertThat(settings.status()).as(settings.body()).isEqualTo(200);
        assertThat(JSON.readTree(settings.body()).path("defaultCallbackUrl").asText()).isEqualTo(hooks("/default"));
        String ownSecret = JSON.readTree(call(owner, "POST", "/webhook/secrets", "/webhook/secrets", Map.of(), null).body())
                .path("secret").asText();
        ApiResponse r = call(owner, "POST", "/jobs", "/jobs", Map.of(), "{\"content\":\"<p>default " + UUID.randomUUID()
                + "</p>\",\"format\":\"html\"}");
        assertThat(r.status()).isEqualTo(202);
        Received event = awaitOne("/default");
        assertThat(event.json().path("jobId").asText()).isEqualTo(JSON.readTree(r.body()).path("id").asText());
        assertThat(WebhookSignature.verify(event.signature(), event.body(), ownSecret, Instant.now(),
                WebhookSignature.TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(event.signature(), event.body(), secret, Instant.now(),
                WebhookSignature.TOLERANCE)).as("another key's secret").isFalse();
        // the settings never show a secret's value
        String shown = call(owner, "GET", "/webhook", "/webhook", Map.of(), null).body();
        assertThat(shown).doesNotContain(ownSecret).contains("\"secrets\":[{\"id\":\"sec_");
    }

    // plumbing

    private String hooks(String path) {
        return "http://hooks.example:" + receiver.getAddress().getPort() + path;
    }

    private JobId submitHtml(String html, String callbackUrl) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("content", "<html><body>" + html + "<!-- " + UUID.randomUUID() + " --></body></html>");
        body.put("format", "html");
        body.put("callbackUrl", callbackUrl);
        ApiResponse r = call("POST", "/jobs", "/jobs", Map.of(), body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return new JobId(JSON.readTree(r.body()).path("id").asText());
    }

    private ApiResponse call(String method, String route, String path, Map<String, String> params, String body) {
        return call(OWNER, method, route, path, params, body);
    }

    private ApiResponse call(String owner, String method, String route, String path, Map<String, String> params,
                             String body) {
        ApiRequest request = new ApiRequest(method, route, path, params, Map.of(), Map.of(), body, owner,
                UUID.randomUUID().toString());
        try {
            return route.startsWith("/jobs") && method.equals("GET") ? status.apply(request) : submit.handle(request);
        } catch (dev.docpipe.job.DocpipeException e) {
            return dev.docpipe.api.ApiErrors.of(e, request.requestId());
        }
    }

    private Job awaitStatus(JobId id, JobStatus wanted) throws InterruptedException {
        await(() -> pipeline.components().store().get(id).map(j -> j.status() == wanted).orElse(false));
        return pipeline.components().store().get(id).orElseThrow();
    }

    private Received awaitOne(String path) throws InterruptedException {
        await(() -> received.stream().anyMatch(r -> r.path().equals(path)));
        List<Received> at = received.stream().filter(r -> r.path().equals(path)).toList();
        assertThat(at).hasSize(1);
        return at.get(0);
    }

    /** The job's deliveries from GET /jobs/{id}, once the first has {@code status}. */
    private JsonNode awaitDeliveries(JobId id, String wanted) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await(() -> {
            ApiResponse r = call("GET", "/jobs/{id}", "/jobs/" + id.value(), Map.of("id", id.value()), null);
            try {
                last[0] = JSON.readTree(r.body()).path("deliveries");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return last[0].size() > 0 && last[0].get(0).path("status").asText().equals(wanted);
        });
        return last[0];
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + PATIENCE);
            }
            Thread.sleep(25);
        }
    }
}
