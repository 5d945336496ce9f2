package dev.docpipe.local.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.config.Config;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.port.JobQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logs of local mode, as the production JSON encoder writes them: a job can be followed by its
 * {@code jobId} through every function, and hostile input (documents and API requests carrying marker
 * strings, an API key, a pre-signed upload, a pre-signed download) leaves no document content, key or
 * signature in any line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLogsIT {
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final Pattern SIGNATURE = Pattern.compile("X-Amz-Signature=([0-9a-fA-F]+)");
    private CapturedLogs logs;
    private LocalPipeline pipeline;
    private SubmitHandler submit;
    private StatusHandler statusHandler;
    private S3Client s3;

    @BeforeAll
    void start() {
        logs = new CapturedLogs();
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, true));
        submit = new SubmitHandler(pipeline.components());
        statusHandler = new StatusHandler(pipeline.components(), pipeline.queueMonitor());
        s3 = pipeline.s3().newClient();
    }

    @AfterAll
    void stop() throws IOException {
        s3.close();
        pipeline.close();
        logs.close();
        Files.writeString(Path.of("target", "job-logs-it.jsonl"), logs.text()); // to read when a test here fails
    }

    private Job awaitTerminal(JobId id) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Job job = pipeline.components().store().get(id).orElse(null);
            if (job != null && job.status().isTerminal()) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish in " + PATIENCE);
    }

    private Job awaitUpload(String owner, String name) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Job job = pipeline.components().store().listByOwner(owner, JobQuery.all(100)).items().stream()
                    .filter(j -> name.equals(j.filename())).findFirst().orElse(null);
            if (job != null && job.status().isTerminal()) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " of " + owner + " did not finish in " + PATIENCE);
    }

    private void upload(String owner, String name, byte[] content) {
        s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/" + owner + "/" + name), RequestBody.fromBytes(content));
    }

    /** The lines naming {@code id}, once the last expected line (the store's) is there. */
    private List<JsonNode> linesOf(JobId id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        List<JsonNode> mine;
        do {
            mine = logs.lines().stream().filter(l -> id.value().equals(l.path("jobId").asText())).toList();
            if (mine.stream().anyMatch(l -> l.path("message").asText().contains(" completed: "))) {
                return mine;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        return mine;
    }

    private static Set<String> field(List<JsonNode> lines, String name) {
        Set<String> values = new TreeSet<>();
        lines.forEach(l -> values.add(l.path(name).asText("")));
        return values;
    }

    private static void assertFollowsTheJob(List<JsonNode> lines, String firstFunction, String owner) {
        assertThat(field(lines, "function")).contains(firstFunction, "parse", "render", "store");
        assertThat(field(lines, "traceId")).as("one trace id from intake to store").hasSize(1).doesNotContain("");
        for (JsonNode line : lines) {
            assertThat(line.path("timestamp").asText()).as(line.toString()).isNotEmpty();
            assertThat(line.path("level").asText()).as(line.toString()).isIn("INFO", "WARN", "ERROR", "DEBUG");
            assertThat(line.path("logger").asText()).as(line.toString()).startsWith("dev.docpipe.");
            assertThat(line.path("owner").asText()).as(line.toString()).isEqualTo(owner);
            assertThat(line.path("priority").asText()).as(line.toString()).isNotEmpty();
            String function = line.path("function").asText();
            if (Set.of("parse", "render", "store").contains(function)) {
                assertThat(line.path("stage").asText()).as(line.toString()).isEqualTo(function);
                assertThat(line.path("messageId").asText()).as(line.toString()).isNotEmpty();
            }
        }
        for (String stage : List.of("parse", "render", "store")) {
            assertThat(lines).as("a %s line with its duration", stage).anySatisfy(l -> {
                assertThat(l.path("message").asText()).contains(" " + stage + " done in ");
                assertThat(l.path("durationMs").isIntegralNumber()).isTrue();
            });
        }
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("message").asText()).contains(" completed: ");
            assertThat(l.path("durationMs").isIntegralNumber()).isTrue();
        });
    }

    @Test
    void anUploadedJob_canBeFollowedByItsJobIdFromIngestToStore() throws Exception {
        upload("logs", "followed.md", ("# Followed " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        Job job = awaitUpload("logs", "followed.md");
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);

        assertFollowsTheJob(linesOf(job.id()), "ingest", "logs");
    }

    @Test
    void anApiJob_canBeFollowedByItsJobIdFromSubmitToStore_andTheSubmitLinesCarryTheRequestId() throws Exception {
        String body = ApiEvents.JSON.createObjectNode().put("content", "# API " + UUID.randomUUID()).put("filename", "api.md")
                .toString();
        var event = ApiEvents.event("submit/post-jobs-inline.json", "key-logs", "key-value-logs", body);
        ApiEvents.Answer answer = ApiEvents.invoke(submit, event);
        assertThat(answer.status()).isEqualTo(202);
        JobId id = new JobId(answer.body().path("id").asText());
        assertThat(awaitTerminal(id).status()).isEqualTo(JobStatus.COMPLETED);

        List<JsonNode> lines = linesOf(id);

        assertFollowsTheJob(lines, "submit", "key-logs");
        String requestId = event.path("requestContext").path("requestId").asText();
        assertThat(lines.stream().filter(l -> l.path("function").asText().equals("submit")))
                .isNotEmpty().allSatisfy(l -> assertThat(l.path("requestId").asText()).isEqualTo(requestId));
    }

    @Test
    void hostileInput_leavesNoContentApiKeyOrSignatureInAnyLogLine() throws Exception {
        String content = "CONTENTMARK" + UUID.randomUUID().toString().replace("-", "");
        String apiKey = "APIKEYMARK" + UUID.randomUUID().toString().replace("-", "");
        List<JobId> jobs = new ArrayList<>();
        int linesBefore = logs.lines().size();

        // the API: inline content with markup, malformed JSON, an unknown field, a pre-signed upload
        String inline = "# " + content + "\n\n<script>alert('" + content + "')</script> [x](javascript:" + content + ")\n";
        ApiEvents.Answer posted = ApiEvents.invoke(submit, ApiEvents.event("submit/post-jobs-inline.json", "key-hostile", apiKey,
                ApiEvents.JSON.createObjectNode().put("content", inline).put("filename", "inline.md").toString()));
        assertThat(posted.status()).isEqualTo(202);
        jobs.add(new JobId(posted.body().path("id").asText()));
        assertThat(ApiEvents.invoke(submit, ApiEvents.event("submit/post-jobs-inline.json", "key-hostile", apiKey,
                "{\"content\": \"" + content)).status()).isEqualTo(400);
        assertThat(ApiEvents.invoke(submit, ApiEvents.event("submit/post-jobs-inline.json", "key-hostile", apiKey,
                "{\"content\": \"x\", \"" + content + "\": \"" + content + "\"}")).status()).isEqualTo(400);
        ApiEvents.Answer upload = ApiEvents.invoke(submit, ApiEvents.event("submit/post-uploads.json", "key-hostile", apiKey,
                "{\"filename\": \"presigned.html\"}"));
        assertThat(upload.status()).isEqualTo(201);
        String uploadUrl = upload.body().path("uploadUrl").asText();
        Matcher signature = SIGNATURE.matcher(uploadUrl);
        assertThat(signature.find()).as(uploadUrl).isTrue();
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(uploadUrl))
                .PUT(HttpRequest.BodyPublishers.ofString("<p>" + content + "</p>", StandardCharsets.UTF_8));
        upload.body().path("headers").fields().forEachRemaining(h -> put.header(h.getKey(), h.getValue().asText()));
        assertThat(HttpClient.newHttpClient().send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(200);
        jobs.add(new JobId(upload.body().path("jobId").asText()));

        // uploads: hostile markup and CSS, an external resource named after the content, XXE, garbage, nesting
        byte[] garbage = new byte[2048];
        new Random(11).nextBytes(garbage);
        byte[] marker = content.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, garbage, 100, marker.length);
        List<String> names = List.of("markup.html", "xxe.html", "garbage.bin", "nested.html", "empty.txt");
        upload("hostile", "markup.html", ("<html><head><style>." + content + " { " + content + ": " + content + "; color: "
                + content + " } @import url('http://127.0.0.1:9/" + content + ".css');</style></head><body>"
                + "<p style='" + content + ": 1; background: url(http://127.0.0.1:9/" + content + ")'>" + content + "</p>"
                + "<img src='http://127.0.0.1:9/" + content + ".png'><a href='javascript:" + content + "'>x</a>"
                + "<table><tr><td colspan='" + content + "'>" + content + "</td></tr></table></body></html>")
                .getBytes(StandardCharsets.UTF_8));
        upload("hostile", "xxe.html", ("<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY " + content
                + " SYSTEM \"file:///etc/" + content + "\">]><html><body><p>&" + content + "; " + content + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8));
        upload("hostile", "garbage.bin", garbage);
        upload("hostile", "nested.html", ("<div>".repeat(200) + content + "</div>".repeat(200)).getBytes(StandardCharsets.UTF_8));
        upload("hostile", "empty.txt", new byte[0]);
        for (String name : names) {
            jobs.add(awaitUpload("hostile", name).id());
        }
        for (JobId id : List.copyOf(jobs)) {
            awaitTerminal(id);
        }
        // the status function hands out a pre-signed download URL for the completed inline job
        JobId inlineJob = jobs.get(0);
        assertThat(awaitTerminal(inlineJob).status()).isEqualTo(JobStatus.COMPLETED);
        ApiEvents.Answer status = ApiEvents.invoke(statusHandler, ApiEvents.forJob(
                ApiEvents.event("status/get-job.json", "key-hostile", apiKey, null), inlineJob.value()));
        assertThat(status.status()).isEqualTo(200);
        Matcher download = SIGNATURE.matcher(status.body().path("result").path("downloadUrl").asText());
        assertThat(download.find()).as(status.body().toString()).isTrue();
        Thread.sleep(500); // the last lines of the last stage

        String text = logs.text();
        List<JsonNode> during = logs.lines().subList(linesBefore, logs.lines().size());
        assertThat(during).as("lines logged while the hostile input ran").hasSizeGreaterThan(20);
        for (JobId id : jobs) {
            assertThat(during).as("lines of job %s", id).anyMatch(l -> id.value().equals(l.path("jobId").asText()));
        }
        Pattern forbidden = Pattern.compile(Pattern.quote(content) + "|" + Pattern.quote(apiKey) + "|"
                + Pattern.quote(signature.group(1)) + "|" + Pattern.quote(download.group(1)) + "|X-Amz-Signature=(?!\\*\\*\\*)");
        assertThat(text.lines().filter(line -> forbidden.matcher(line).find()).toList())
                .as("log lines with document content, the API key or a signature").isEmpty();
    }
}
