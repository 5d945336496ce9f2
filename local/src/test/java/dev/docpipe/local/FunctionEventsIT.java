package dev.docpipe.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.docpipe.config.Config;
import dev.docpipe.function.sweeper.SweeperHandler;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.port.JobQuery;
import dev.docpipe.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline functions' sample events under events/, deserialized the way the Lambda Java runtime
 * does (aws-lambda-java-serialization) and run through each function's handler on the stand-ins:
 * the S3-in-SQS upload notification, a stage message per stage, S3's test event, the sweeper's
 * schedule and a dead-letter record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionEventsIT {
    private static final ClassLoader LOADER = FunctionEventsIT.class.getClassLoader();
    private LocalPipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false));
        for (String f : List.of("ingest", "parse", "render", "store", "deadletter")) {
            pipeline.stopFunction(f);
        }
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    static Path events() {
        for (Path p : List.of(Path.of("events"), Path.of("../events"))) {
            if (Files.isDirectory(p.resolve("ingest"))) {
                return p;
            }
        }
        throw new IllegalStateException("events/ not found from " + Path.of("").toAbsolutePath());
    }

    private static String read(String file, Map<String, String> substitutions) throws IOException {
        String json = Files.readString(events().resolve(file));
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            json = json.replace("${" + s.getKey() + "}", s.getValue());
        }
        return json;
    }

    private static <T> T deserialize(Class<T> type, String json) {
        return LambdaEventSerializers.serializerFor(type, LOADER)
                .fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static Context context(String function) {
        return new LocalLambdaContext(function, Duration.ofMinutes(1), 1024, "us-east-1", "123456789012");
    }

    private SQSBatchResponse run(String function, String file, Map<String, String> substitutions) throws IOException {
        SQSEvent event = deserialize(SQSEvent.class, read(file, substitutions));
        return pipeline.handler(function).handleRequest(event, context(function));
    }

    @Test
    void anUploadNotificationThenEachStageMessage_takeTheDocumentToAPdf() throws IOException {
        S3EventNotification put = deserialize(S3EventNotification.class, read("ingest/s3-put.json", Map.of()));
        String key = put.getRecords().get(0).getS3().getObject().getUrlDecodedKey();
        assertThat(key).isEqualTo("uploads/high/event-owner/sample report.html");
        try (var s3 = pipeline.s3().newClient()) {
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key),
                    RequestBody.fromString("<h1>Sample</h1><p>from the sample events</p>"));
        }

        assertThat(run("ingest", "ingest/sqs-s3-put.json", Map.of()).getBatchItemFailures()).isEmpty();

        Job job = pipeline.components().store().listByOwner("event-owner", JobQuery.all(5)).items().get(0);
        assertThat(job.priority()).isEqualTo(Priority.HIGH);
        assertThat(job.filename()).isEqualTo("sample report.html");
        for (Stage stage : Stage.values()) {
            SQSBatchResponse response = run(stage.wire(), stage.wire() + "/sqs-stage-message.json", Map.of("jobId", job.id().value()));
            assertThat(response.getBatchItemFailures()).as(stage.wire()).isEmpty();
        }
        Job done = pipeline.components().store().get(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.result().pages()).isEqualTo(1);
    }

    @Test
    void s3sTestEvent_isAcknowledgedAndCreatesNothing() throws IOException {
        int before = pipeline.components().store().listByOwner("default", JobQuery.all(5)).items().size();

        assertThat(run("ingest", "ingest/sqs-s3-test-event.json", Map.of()).getBatchItemFailures()).isEmpty();

        assertThat(pipeline.components().store().listByOwner("default", JobQuery.all(5)).items()).hasSize(before);
    }

    @Test
    void aDeadLetterRecord_failsItsJob() throws IOException {
        Job job = pipeline.components().intake().submit(new IntakeRequest("dlq-owner",
                Source.s3(LocalPipeline.BUCKET, "uploads/dlq-owner/never-parsed.html"), "never-parsed.html", null,
                Priority.DEFAULT, Map.of(), "etag:dlq-event", 10, "t")).job();

        assertThat(run("deadletter", "deadletter/sqs-dlq-record.json", Map.of("jobId", job.id().value()))
                .getBatchItemFailures()).isEmpty();

        Job failed = pipeline.components().store().get(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.RETRIES_EXHAUSTED);
    }

    @Test
    void theSchedule_runsOneSweep() throws IOException {
        ScheduledEvent schedule = deserialize(ScheduledEvent.class, read("sweeper/scheduled-event.json", Map.of()));
        assertThat(schedule.getDetailType()).isEqualTo("Scheduled Event");

        String report = new SweeperHandler(pipeline.components()).handleRequest(schedule, context("sweeper"));

        assertThat(report).matches("\\{\"redriven\":\\d+,\"failed\":\\d+,\"expiredDeleted\":\\d+}");
    }
}
