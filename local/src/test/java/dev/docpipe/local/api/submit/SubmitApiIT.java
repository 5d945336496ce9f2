package dev.docpipe.local.api.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.config.Config;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.local.api.OpenApiSpec;
import dev.docpipe.port.BlobRef;
import dev.docpipe.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The submit function's routes through {@link SubmitHandler}, fed the events/submit files, against
 * the whole local pipeline (DynamoDB-protocol store, Redis on): what each route answers, and what
 * the pipeline then does with the job.
 */
class SubmitApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static LocalPipeline pipeline;
    private static SubmitHandler handler;
    private static OpenApiSpec spec;

    @BeforeAll
    static void start() {
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, true));
        handler = new SubmitHandler(pipeline.components());
        spec = OpenApiSpec.load();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // plumbing

    record Answer(int status, JsonNode headers, JsonNode body) {
        String header(String name) {
            return headers.path(name).asText(null);
        }

        String errorCode() {
            return body.path("error").path("code").asText(null);
        }
    }

    static Path eventsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("events/submit");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no events/submit above " + Path.of("").toAbsolutePath());
    }

    static ObjectNode event(String file) throws IOException {
        ObjectNode e = (ObjectNode) JSON.readTree(eventsDir().resolve(file).toFile());
        ((ObjectNode) e.path("requestContext")).put("requestId", "it-" + UUID.randomUUID());
        return e;
    }

    static ObjectNode withBody(ObjectNode event, JsonNode body) {
        event.put("body", body.toString());
        return event;
    }

    static ObjectNode as(ObjectNode event, String apiKeyId) {
        ((ObjectNode) event.path("requestContext").path("identity")).put("apiKeyId", apiKeyId);
        return event;
    }

    /** A DELETE /jobs/{id} or POST /jobs/{id}/retry event for {@code id}. */
    static ObjectNode forJob(String file, String id) throws IOException {
        ObjectNode e = event(file);
        String template = "01936f3a-7b2c-7d4e-8f00-0123456789ab";
        e.put("path", e.path("path").asText().replace(template, id));
        ((ObjectNode) e.path("pathParameters")).put("id", id);
        ((ObjectNode) e.path("requestContext")).put("path", e.path("requestContext").path("path").asText().replace(template, id));
        return e;
    }

    static Answer invoke(ObjectNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out,
                new LocalLambdaContext("submit", Duration.ofSeconds(30), 512, "us-east-1", "000000000000"));
        JsonNode response = JSON.readTree(out.toByteArray());
        Answer a = new Answer(response.path("statusCode").asInt(), response.path("headers"),
                JSON.readTree(response.path("body").asText()));
        String requestId = event.path("requestContext").path("requestId").asText();
        // every answer: the request id, JSON, no internal names
        assertThat(a.header("X-Request-Id")).isEqualTo(requestId);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        // a pre-signed download URL necessarily names the bucket and key it grants: checked apart
        JsonNode shown = a.body().deepCopy();
        if (shown.path("result").isObject()) {
            ((ObjectNode) shown.path("result")).remove("downloadUrl");
        }
        String text = shown.toString();
        if (!a.body().has("uploadUrl")) {
            assertThat(text).doesNotContain(LocalPipeline.BUCKET + "/", "s3://", LocalPipeline.TABLE, "inline/",
                    "Exception", "\tat ");
        }
        // documented operations answer as docs/openapi.yaml says (unknown routes and methods are not operations)
        String method = event.path("httpMethod").asText();
        String route = event.path("resource").asText();
        if (spec.operations().contains(method + " " + route)) {
            assertThat(spec.problems(method, route, a.status(), a.body())).as("openapi.yaml vs %s %s", method, route)
                    .isEmpty();
        }
        if (a.status() >= 400) {
            assertThat(a.body().path("error").path("code").isTextual()).isTrue();
            assertThat(a.body().path("error").path("message").isTextual()).isTrue();
            assertThat(a.body().path("requestId").asText()).isEqualTo(requestId);
        }
        return a;
    }

    static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID() + "\n\nSome text for the pipeline.\n";
    }

    static Answer submitInline(String apiKeyId, String content) throws IOException {
        return invoke(as(withBody(event("post-jobs-inline.json"),
                JSON.createObjectNode().put("content", content).put("filename", "doc.md")), apiKeyId));
    }

    static Job awaitJob(String id, Predicate<Job> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        Job last = null;
        while (Instant.now().isBefore(deadline)) {
            last = pipeline.components().store().get(new JobId(id)).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not get there in " + PATIENCE + "; last seen " + last);
    }

    static boolean hasPdf(String id) {
        return pipeline.components().blobs().head(new BlobRef(LocalPipeline.BUCKET, "pdf/" + id + ".pdf")).isPresent();
    }

    // POST /jobs

    @Test
    void postJobs_inline_is202WithLocation_andCompletes() throws Exception {
        Answer a = invoke(event("post-jobs-inline.json"));

        assertThat(a.status()).isEqualTo(202);
        String id = a.body().path("id").asText();
        assertThat(JobId.isValid(id)).isTrue();
        assertThat(a.header("Location")).isEqualTo("/jobs/" + id);
        assertThat(a.body().path("deduplicated").asBoolean(true)).isFalse();
        assertThat(a.body().path("status").asText()).isEqualTo("queued");
        assertThat(a.body().path("priority").asText()).isEqualTo("high");
        assertThat(a.body().path("source").asText()).isEqualTo("inline");
        assertThat(a.body().path("filename").asText()).isEqualTo("report.md");
        Job done = awaitJob(id, j -> j.status() == JobStatus.COMPLETED || j.status() == JobStatus.FAILED);
        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.owner()).isEqualTo("key-alice");
        assertThat(hasPdf(id)).isTrue();
    }

    @Test
    void postJobs_duplicate_is200WithTheOriginalJob() throws Exception {
        String content = unique("# Same twice");
        Answer first = submitInline("key-alice", content);
        Answer second = submitInline("key-alice", content);
        Answer otherOwner = submitInline("key-bob", content);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("deduplicated").asBoolean()).isTrue();
        assertThat(second.body().path("id").asText()).isEqualTo(first.body().path("id").asText());
        assertThat(second.header("Location")).isEqualTo("/jobs/" + first.body().path("id").asText());
        assertThat(otherOwner.status()).as("another owner's same bytes are their own job").isEqualTo(202);
        assertThat(otherOwner.body().path("id").asText()).isNotEqualTo(first.body().path("id").asText());
    }

    @Test
    void postJobs_url_isNormalised_andALoopbackUrlEndsFetchBlocked() throws Exception {
        Answer a = invoke(event("post-jobs-url.json"));
        assertThat(a.status()).isEqualTo(202);
        assertThat(a.body().path("source").asText()).isEqualTo("url");
        assertThat(a.body().path("url").asText()).isEqualTo("http://example.com/docs/page.html");
        assertThat(a.body().path("format").asText()).isEqualTo("html");

        Answer loopback = invoke(withBody(event("post-jobs-url.json"),
                JSON.createObjectNode().put("url", "http://127.0.0.1:9/" + UUID.randomUUID())));
        assertThat(loopback.status()).isEqualTo(202);
        Job failed = awaitJob(loopback.body().path("id").asText(), j -> j.status() == JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
    }

    @Test
    void postJobs_refusals() throws Exception {
        record Case(String file, int status, String code, String field) {
        }
        for (Case c : new Case[]{
                new Case("post-jobs-malformed.json", 400, "invalid_request", null),
                new Case("post-jobs-unknown-field.json", 400, "unknown_field", "colour"),
                new Case("post-jobs-both-sources.json", 400, "invalid_request", "content"),
                new Case("post-jobs-no-source.json", 400, "invalid_request", "content"),
                new Case("post-jobs-bad-priority.json", 400, "invalid_priority", "priority"),
                new Case("post-jobs-bad-format.json", 400, "invalid_format", "format"),
                new Case("post-jobs-bad-url.json", 400, "invalid_request", "url"),
                new Case("post-jobs-too-many-options.json", 400, "invalid_request", "options"),
                new Case("post-uploads-bad-filename.json", 400, "invalid_request", "filename"),
                new Case("put-job-wrong-method.json", 405, "method_not_allowed", null),
                new Case("post-unknown-route.json", 404, "not_found", null)}) {
            Answer a = invoke(event(c.file()));
            assertThat(a.status()).as(c.file()).isEqualTo(c.status());
            assertThat(a.errorCode()).as(c.file()).isEqualTo(c.code());
            assertThat(a.body().path("error").path("field").asText(null)).as(c.file()).isEqualTo(c.field());
        }
    }

    @Test
    void postJobs_contentOverTheInlineLimit_is413PointingToUploads() throws Exception {
        long limit = Math.min(pipeline.components().config().maxDocumentBytes(), 5L * 1024 * 1024);
        Answer a = submitInline("key-alice", "x".repeat((int) limit + 1));

        assertThat(a.status()).isEqualTo(413);
        assertThat(a.errorCode()).isEqualTo("too_large");
        assertThat(a.body().path("error").path("message").asText()).contains("POST /uploads");
    }

    @Test
    void postJobs_refusals_ofWaitAndMultipart() throws Exception {
        Answer badWait = invoke(event("post-jobs-bad-wait.json"));
        Answer malformed = invoke(event("post-jobs-multipart-malformed.json"));

        assertThat(badWait.status()).isEqualTo(400);
        assertThat(badWait.errorCode()).isEqualTo("invalid_request");
        assertThat(badWait.body().path("error").path("field").asText()).isEqualTo("wait");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("invalid_multipart");
        assertThat(malformed.body().path("error").path("message").asText()).contains("closing boundary");
    }

    @Test
    void postJobs_multipart_isAJobOfTheFile_withTheFormsFields_andItsPdfHasTheText() throws Exception {
        Answer a = invoke(event("post-jobs-multipart.json"));

        assertThat(a.status()).as(a.body().toString()).isEqualTo(202);
        assertThat(a.body().path("filename").asText()).isEqualTo("minutes.md");
        assertThat(a.body().path("priority").asText()).isEqualTo("high");
        assertThat(a.body().path("source").asText()).isEqualTo("inline");
        assertThat(a.body().path("options").path("paper").asText()).isEqualTo("letter");
        Job done = awaitJob(a.body().path("id").asText(), j -> j.status().isTerminal());
        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        byte[] pdf = pipeline.components().blobs().get(new BlobRef(LocalPipeline.BUCKET, "pdf/" + done.id().value() + ".pdf"))
                .orElseThrow().bytes();
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).contains("Board minutes", "Café au lait");
        }
    }

    /**
     * With the render function stopped the job cannot complete: wait=1 answers 202 after waiting. With it
     * running again the same submission with wait answers 200 with the same job, completed, and a download
     * URL; so does a plain duplicate afterwards.
     */
    @Test
    void postJobs_wait_is202WhileTheJobCannotComplete_then200WithTheSameJobAndItsDownloadUrl() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("content", unique("# Wanted now")).put("filename", "now.md");
        pipeline.stopFunction("render");
        Answer slow;
        long started = System.nanoTime();
        try {
            ObjectNode event = withBody(event("post-jobs-wait.json"), body);
            ((ObjectNode) event.path("queryStringParameters")).put("wait", "1");
            slow = invoke(event);
        } finally {
            pipeline.startFunction("render");
        }
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        Answer settled = invoke(withBody(event("post-jobs-wait.json"), body));
        Answer duplicate = invoke(withBody(event("post-jobs-inline.json"), body));

        assertThat(slow.status()).isEqualTo(202);
        assertThat(slow.body().path("status").asText()).isIn("queued", "running");
        assertThat(slow.body().path("result").path("downloadUrl").isMissingNode()).isTrue();
        assertThat(waitedMillis).as("answered after the wait, not at once").isGreaterThanOrEqualTo(1000);
        String id = slow.body().path("id").asText();
        assertThat(settled.status()).as(settled.body().toString()).isEqualTo(200);
        assertThat(settled.body().path("id").asText()).isEqualTo(id);
        assertThat(settled.body().path("deduplicated").asBoolean()).isTrue();
        assertThat(settled.body().path("status").asText()).isEqualTo("completed");
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.body().path("id").asText()).isEqualTo(id);
        for (Answer a : List.of(settled, duplicate)) {
            HttpResponse<byte[]> pdf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(a.body().path("result").path("downloadUrl").asText())).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(pdf.statusCode()).isEqualTo(200);
            assertThat(new String(pdf.body(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        }
    }

    // POST /uploads

    @Test
    void postUploads_thenPut_completesTheJobWithThePreallocatedId() throws Exception {
        Answer a = invoke(event("post-uploads.json"));
        assertThat(a.status()).isEqualTo(201);
        String id = a.body().path("jobId").asText();
        assertThat(JobId.isValid(id)).isTrue();
        assertThat(a.body().path("method").asText()).isEqualTo("PUT");
        assertThat(a.body().path("statusUrl").asText()).isEqualTo("/jobs/" + id);
        assertThat(a.body().path("maxBytes").asLong()).isEqualTo(pipeline.components().config().maxDocumentBytes());
        assertThat(Instant.parse(a.body().path("expiresAt").asText())).isAfter(Instant.now().plusSeconds(14 * 60));

        int put = put(a, "<h1>Uploaded " + UUID.randomUUID() + "</h1><p>Through a pre-signed PUT.</p>");

        assertThat(put).isEqualTo(200);
        Job done = awaitJob(id, j -> j.status() == JobStatus.COMPLETED || j.status() == JobStatus.FAILED);
        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.owner()).isEqualTo("key-alice");
        assertThat(done.priority()).isEqualTo(Priority.LOW);
        assertThat(done.filename()).isEqualTo("large-report.html");
        assertThat(hasPdf(id)).isTrue();
    }

    @Test
    void postUploads_duplicateContent_leavesAnAliasToTheOriginalJob() throws Exception {
        String html = "<p>uploaded twice " + UUID.randomUUID() + "</p>";
        Answer first = invoke(event("post-uploads.json"));
        assertThat(put(first, html)).isEqualTo(200);
        String firstId = first.body().path("jobId").asText();
        awaitJob(firstId, j -> true);

        Answer second = invoke(event("post-uploads.json"));
        String secondId = second.body().path("jobId").asText();
        assertThat(put(second, html)).isEqualTo(200);

        BlobRef alias = new BlobRef(LocalPipeline.BUCKET, "aliases/" + secondId);
        Instant deadline = Instant.now().plus(PATIENCE);
        while (pipeline.components().blobs().get(alias).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(new String(pipeline.components().blobs().get(alias).orElseThrow().bytes(), StandardCharsets.UTF_8))
                .isEqualTo(firstId);
        assertThat(pipeline.components().store().get(new JobId(secondId))).isEmpty();
    }

    @Test
    void postUploads_aTamperedUrl_isRefusedByStorage() throws Exception {
        Answer a = invoke(event("post-uploads.json"));
        String url = a.body().path("uploadUrl").asText().replace(a.body().path("jobId").asText(),
                JobId.newId(Instant.now()).value());

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", a.body().path("headers").path("Content-Type").asText())
                .PUT(HttpRequest.BodyPublishers.ofString("<p>x</p>")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(403);
    }

    static int put(Answer upload, String content) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upload.body().path("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofString(content, StandardCharsets.UTF_8));
        upload.body().path("headers").fields().forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // render options: one option set, every way a job can start

    private static final String OPTIONS_JSON = "{\"paper\": \"Letter\", \"orientation\": \"landscape\", "
            + "\"margins\": \"15mm\", \"header\": \"ACME – {title}\", \"footer\": \"Seite {page} von {pages}\", "
            + "\"pageNumbers\": \"off\"}";

    /** Letter landscape, the header and "Seite n von N" on every page, no "n / N": what OPTIONS_JSON asks for. */
    static void assertOptionsApplied(Job job) throws IOException {
        assertThat(job.status()).as("error %s", job.error()).isEqualTo(JobStatus.COMPLETED);
        byte[] pdf = pipeline.components().blobs().get(BlobRef.parse(job.result().pdfLocation())).orElseThrow().bytes();
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            org.apache.pdfbox.text.PDFTextStripper stripper = new org.apache.pdfbox.text.PDFTextStripper();
            int pages = doc.getNumberOfPages();
            for (int i = 1; i <= pages; i++) {
                assertThat(doc.getPage(i - 1).getMediaBox().getWidth()).isCloseTo(792f, org.assertj.core.data.Offset.offset(1f));
                assertThat(doc.getPage(i - 1).getMediaBox().getHeight()).isCloseTo(612f, org.assertj.core.data.Offset.offset(1f));
                stripper.setStartPage(i);
                stripper.setEndPage(i);
                String text = stripper.getText(doc).replaceAll("\\s+", " ");
                assertThat(text).contains("ACME – ", "Seite " + i + " von " + pages).doesNotContain(i + " / " + pages);
            }
        }
    }

    static String longHtml(String marker) {
        return "<h1>Options " + marker + "</h1>" + ("<p>" + "Words for a second page. ".repeat(60) + "</p>").repeat(6);
    }

    @Test
    void options_inTheApiBody_reachThePdf_andTheAnswerShowsThemCanonicalAndEffective() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("content", longHtml(UUID.randomUUID().toString()))
                .put("filename", "options.html");
        body.set("options", JSON.readTree(OPTIONS_JSON));
        Answer a = invoke(withBody(event("post-jobs-inline.json"), body));

        assertThat(a.status()).isEqualTo(202);
        assertThat(a.body().path("options").path("paper").asText()).isEqualTo("letter");
        assertThat(a.body().path("effectiveOptions").path("pdfa").asText()).isEqualTo("on");
        assertThat(a.body().path("effectiveOptions").path("fontSize").asText()).isEqualTo("document");
        Job done = awaitJob(a.body().path("id").asText(), j -> j.status().isTerminal());
        assertOptionsApplied(done);
    }

    @Test
    void options_inAPresignedUpload_areSignedIntoThePut_andReachThePdf() throws Exception {
        ObjectNode event = event("post-uploads.json");
        ObjectNode body = (ObjectNode) JSON.readTree(event.path("body").asText());
        body.set("options", JSON.readTree(OPTIONS_JSON));
        Answer a = invoke(withBody(event, body));
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.body().path("headers").path("x-amz-meta-options").asText()).contains("paper=letter");

        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(a.body().path("uploadUrl").asText()))
                .header("Content-Type", a.body().path("headers").path("Content-Type").asText())
                .header("x-amz-meta-options", "paper=a4")
                .PUT(HttpRequest.BodyPublishers.ofString("<p>x</p>")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).as("a PUT with other options than signed").isEqualTo(403);

        assertThat(put(a, longHtml(UUID.randomUUID().toString()))).isEqualTo(200);
        assertOptionsApplied(awaitJob(a.body().path("jobId").asText(), j -> j.status().isTerminal()));
    }

    @Test
    void options_inS3ObjectMetadata_reachThePdf_andInvalidOnesFailTheJobInvalidOption() throws Exception {
        String owner = "meta-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> options = new java.util.LinkedHashMap<>();
        JSON.readTree(OPTIONS_JSON).fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        try (software.amazon.awssdk.services.s3.S3Client s3 = pipeline.s3().newClient()) {
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/" + owner + "/good.html")
                            .metadata(Map.of("options", dev.docpipe.job.RenderOptions.toForm(options))),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(longHtml(owner)));
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/" + owner + "/bad.html")
                            .metadata(Map.of("options", "paper=b5")),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("<p>bad " + owner + "</p>"));
        }
        Instant deadline = Instant.now().plus(PATIENCE);
        java.util.List<Job> jobs;
        do {
            Thread.sleep(200);
            jobs = pipeline.components().store().listByOwner(owner, dev.docpipe.port.JobQuery.all(10)).items();
        } while ((jobs.size() < 2 || !jobs.stream().allMatch(j -> j.status().isTerminal()))
                && Instant.now().isBefore(deadline));

        Job good = jobs.stream().filter(j -> "good.html".equals(j.filename())).findFirst().orElseThrow();
        Job bad = jobs.stream().filter(j -> "bad.html".equals(j.filename())).findFirst().orElseThrow();
        assertOptionsApplied(good);
        assertThat(bad.status()).isEqualTo(JobStatus.FAILED);
        assertThat(bad.error().code()).isEqualTo(ErrorCode.INVALID_OPTION);
        assertThat(bad.error().message()).contains("paper", "letter");
    }

    // DELETE /jobs/{id}, POST /jobs/{id}/retry

    @Test
    void cancelWhileQueued_neverProducesAPdf_andRetryOfTheCancelledJobCompletes() throws Exception {
        String id;
        pipeline.stopFunction("parse");
        try {
            id = submitInline("key-alice", unique("# To be cancelled")).body().path("id").asText();

            Answer bob = invoke(as(forJob("delete-job.json", id), "key-bob"));
            assertThat(bob.status()).isEqualTo(404);
            assertThat(bob.errorCode()).isEqualTo("not_found");

            Answer cancelled = invoke(forJob("delete-job.json", id));
            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.body().path("status").asText()).isEqualTo("cancelled");

            Answer again = invoke(forJob("delete-job.json", id));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.errorCode()).isEqualTo("conflict");
        } finally {
            pipeline.startFunction("parse");
        }
        // a low-priority job is parsed after the default queue (with the cancelled job's message) is drained
        Answer sentinel = invoke(withBody(event("post-jobs-inline.json"),
                JSON.createObjectNode().put("content", unique("# Sentinel")).put("priority", "low")));
        awaitJob(sentinel.body().path("id").asText(), j -> j.status() == JobStatus.COMPLETED);
        Job after = pipeline.components().store().get(new JobId(id)).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(after.attempt()).isEqualTo(1);
        assertThat(hasPdf(id)).isFalse();

        Answer retried = invoke(forJob("post-retry.json", id));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().path("attempt").asInt()).isEqualTo(2);
        Job done = awaitJob(id, j -> j.status() == JobStatus.COMPLETED || j.status() == JobStatus.FAILED);
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(hasPdf(id)).isTrue();
    }

    @Test
    void retryOfAFailedJob_runsItAgainAsANewAttempt() throws Exception {
        Answer submitted = invoke(withBody(event("post-jobs-url.json"),
                JSON.createObjectNode().put("url", "http://127.0.0.1:9/retry-" + UUID.randomUUID())));
        String id = submitted.body().path("id").asText();
        Job failed = awaitJob(id, j -> j.status() == JobStatus.FAILED);

        Answer bob = invoke(as(forJob("post-retry.json", id), "key-bob"));
        assertThat(bob.status()).isEqualTo(404);

        Answer retried = invoke(forJob("post-retry.json", id));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.header("Location")).isEqualTo("/jobs/" + id);
        assertThat(retried.body().path("attempt").asInt()).isEqualTo(failed.attempt() + 1);
        assertThat(retried.body().path("status").asText()).isEqualTo("queued");
        Job again = awaitJob(id, j -> j.status() == JobStatus.FAILED && j.attempt() == 2);
        assertThat(again.error().code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
        assertThat(again.timestamps()).containsKey("failed");
        assertThat(again.timestamps().get("queued")).isAfter(failed.timestamps().get("queued"));
    }

    @Test
    void retryOfAJobThatFailedForATransientReason_completes() throws Exception {
        String id;
        pipeline.stopFunction("parse");
        try {
            id = submitInline("key-alice", unique("# Fails once")).body().path("id").asText();
            // what the dead-letter function does when a stage's retries are used up
            Job queued = pipeline.components().store().get(new JobId(id)).orElseThrow();
            Instant now = Instant.now();
            pipeline.components().transitions().apply(queued, JobChange.to(JobStatus.FAILED, now)
                    .error(new JobError(ErrorCode.RETRIES_EXHAUSTED, "simulated")).stamp("failed", now)
                    .expiresAt(now.plus(Duration.ofDays(1))).build());
        } finally {
            pipeline.startFunction("parse");
        }

        Answer retried = invoke(forJob("post-retry.json", id));

        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().path("attempt").asInt()).isEqualTo(2);
        assertThat(retried.body().has("error")).isFalse();
        Job done = awaitJob(id, j -> j.status() == JobStatus.COMPLETED || j.status() == JobStatus.FAILED && j.attempt() == 2);
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(hasPdf(id)).isTrue();
    }

    @Test
    void retryOfAJobThatIsNotFailed_is409_andUnknownOrMalformedIdsAre404() throws Exception {
        Answer submitted = submitInline("key-alice", unique("# Busy"));
        String id = submitted.body().path("id").asText();
        awaitJob(id, j -> j.status() == JobStatus.COMPLETED);

        Answer retry = invoke(forJob("post-retry.json", id));
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.errorCode()).isEqualTo("conflict");
        Answer cancel = invoke(forJob("delete-job.json", id));
        assertThat(cancel.status()).isEqualTo(409);

        assertThat(invoke(forJob("delete-job.json", JobId.newId(Instant.now()).value())).status()).isEqualTo(404);
        assertThat(invoke(forJob("post-retry.json", JobId.newId(Instant.now()).value())).status()).isEqualTo(404);
        assertThat(invoke(forJob("delete-job.json", "not-a-job-id")).status()).isEqualTo(404);
        assertThat(invoke(forJob("post-retry.json", "01936F3A-7B2C-7D4E-8F00-0123456789AB")).status()).isEqualTo(404);
    }
}
