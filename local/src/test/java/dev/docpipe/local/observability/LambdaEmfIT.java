package dev.docpipe.local.observability;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.adapter.metrics.EmfMetrics;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.function.parse.ParseHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.port.StageMessage;
import dev.docpipe.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lambda side of metrics: handlers wired as in AWS ({@link EmfMetrics#toStdout()}) write CloudWatch
 * EMF documents to stdout when an invocation ends. Stdout is captured around each invocation; the
 * documents are picked out of it (log lines share the stream, as they do in Lambda).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaEmfIT {
    private LocalPipeline pipeline;
    private Components lambda;

    @BeforeAll
    void start() {
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false));
        pipeline.stopFunction("parse"); // this test invokes parse itself
        pipeline.stopFunction("render"); // and the job stays where parse leaves it
        lambda = pipeline.components().withMetrics(EmfMetrics.toStdout());
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    /** Runs {@code invocation} with stdout captured; returns the EMF documents printed during it. */
    private static List<JsonNode> emfDuring(ThrowingRunnable invocation) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            invocation.run();
        } finally {
            System.setOut(original);
        }
        List<JsonNode> docs = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                docs.add(ApiEvents.JSON.readTree(line));
            }
        }
        return docs;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static JsonNode only(List<JsonNode> docs, String metric) {
        List<JsonNode> with = docs.stream().filter(d -> d.has(metric)).toList();
        assertThat(with).as("documents with %s in %s", metric, docs).hasSize(1);
        return with.get(0);
    }

    private static void assertDirective(JsonNode doc, String metric, String unit, String... dimensions) {
        JsonNode directive = doc.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("docpipe");
        List<String> dims = new ArrayList<>();
        directive.path("Dimensions").get(0).forEach(d -> dims.add(d.asText()));
        assertThat(dims).containsExactly(dimensions);
        for (String d : dimensions) {
            assertThat(doc.path(d).isTextual()).as("value of dimension %s", d).isTrue();
        }
        List<String> names = new ArrayList<>();
        directive.path("Metrics").forEach(m -> {
            names.add(m.path("Name").asText());
            if (m.path("Name").asText().equals(metric)) {
                assertThat(m.path("Unit").asText()).isEqualTo(unit);
            }
        });
        assertThat(names).contains(metric);
        assertThat(doc.path("_aws").path("Timestamp").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);
    }

    @Test
    void submitThenDuplicate_emitJobsCreatedThenJobsDeduplicated_onePerInvocation() throws Exception {
        SubmitHandler submit = new SubmitHandler(lambda);
        String body = ApiEvents.JSON.createObjectNode().put("content", "# EMF " + UUID.randomUUID() + "\n\ntext")
                .put("filename", "emf.md").toString();

        List<ApiEvents.Answer> answers = new ArrayList<>();
        List<JsonNode> first = emfDuring(() -> answers.add(ApiEvents.invoke(submit,
                ApiEvents.event("submit/post-jobs-inline.json", "key-emf", "emf-key-value", body))));
        List<JsonNode> second = emfDuring(() -> answers.add(ApiEvents.invoke(submit,
                ApiEvents.event("submit/post-jobs-inline.json", "key-emf", "emf-key-value", body))));

        assertThat(answers).extracting(ApiEvents.Answer::status).containsExactly(202, 200);
        JsonNode created = only(first, "jobs_created");
        assertDirective(created, "jobs_created", "Count", "service");
        assertThat(created.path("service").asText()).isEqualTo("docpipe");
        assertThat(created.path("jobs_created").asDouble()).isEqualTo(1.0);
        assertThat(first).noneMatch(d -> d.has("jobs_deduplicated"));
        JsonNode dedup = only(second, "jobs_deduplicated");
        assertDirective(dedup, "jobs_deduplicated", "Count", "service");
        assertThat(dedup.path("jobs_deduplicated").asDouble()).isEqualTo(1.0);
        assertThat(second).noneMatch(d -> d.has("jobs_created"));
    }

    @Test
    void parseInvocation_emitsQueueWaitAndStageDuration_withTheStageDimension() throws Exception {
        SubmitHandler submit = new SubmitHandler(lambda);
        String body = ApiEvents.JSON.createObjectNode().put("content", "parse me " + UUID.randomUUID())
                .put("filename", "emf.txt").toString();
        ApiEvents.Answer answer = ApiEvents.invoke(submit, ApiEvents.event("submit/post-jobs-inline.json", "key-emf", "k", body));
        Job job = pipeline.components().store().get(new JobId(answer.body().path("id").asText())).orElseThrow();
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-" + UUID.randomUUID());
        record.setBody(StageMessageJson.write(new StageMessage(job.id(), Stage.PARSE, job.priority(), job.attempt(), "t-emf")));
        long sentAt = System.currentTimeMillis() - 2_500;
        record.setAttributes(Map.of("SentTimestamp", Long.toString(sentAt), "ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        ParseHandler parse = new ParseHandler(lambda);

        long before = System.currentTimeMillis();
        List<JsonNode> docs = emfDuring(() -> assertThat(parse.handleRequest(event,
                new LocalLambdaContext("parse", Duration.ofSeconds(30), 512, "us-east-1", "000000000000"))
                .getBatchItemFailures()).isEmpty());
        long after = System.currentTimeMillis();

        assertThat(pipeline.components().store().get(job.id()).orElseThrow().stage()).isEqualTo(Stage.RENDER);
        JsonNode wait = only(docs, "queue_wait");
        assertDirective(wait, "queue_wait", "Milliseconds", "service", "stage");
        assertThat(wait.path("stage").asText()).isEqualTo("parse");
        assertThat(wait.path("queue_wait")).hasSize(1);
        assertThat(wait.path("queue_wait").get(0).asDouble()).isBetween((double) (before - sentAt), (double) (after - sentAt));
        JsonNode took = only(docs, "stage_duration");
        assertDirective(took, "stage_duration", "Milliseconds", "service", "stage");
        assertThat(took.path("stage_duration")).hasSize(1);
        assertThat(took.path("stage_duration").get(0).asDouble()).isBetween(0.0, (double) (after - before));
        assertThat(docs).noneMatch(d -> d.has("jobs_completed") || d.has("jobs_failed"));
        assertThat(pipeline.components().store().get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }
}
