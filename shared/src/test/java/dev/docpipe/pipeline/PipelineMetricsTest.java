package dev.docpipe.pipeline;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.adapter.metrics.PrometheusMetrics;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.port.Metric;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.BlobRef;
import dev.docpipe.testing.InMemoryBlobs;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The services count what happens exactly once, where it happens. */
class PipelineMetricsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final RecordingQueues queues = new RecordingQueues();
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final JobTransitions transitions = new JobTransitions(store, fastPath, Duration.ofHours(1), metrics);
    private final JobRegistry registry = new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1), metrics);
    private final StageRunner runner = new StageRunner(transitions, queues, clock, Duration.ofDays(7));

    private record Work(Stage stage, Duration takes, DocpipeException fails, MutableClock clock) implements StageWork {
        @Override
        public JobResult perform(Job job) {
            clock.advance(takes);
            if (fails != null) {
                throw fails;
            }
            return stage == Stage.STORE ? new JobResult("s3://b/pdf/" + job.id() + ".pdf", 1, 100) : null;
        }
    }

    private Work work(Stage stage, long millis) {
        return new Work(stage, Duration.ofMillis(millis), null, clock);
    }

    private static StageMessage message(Job job, Stage stage) {
        return new StageMessage(job.id(), stage, job.priority(), job.attempt(), "t-1");
    }

    @Test
    void registrations_areCountedByOutcome() {
        Job first = Jobs.queued("alice", Priority.DEFAULT, "sha256:aa", clock.instant());
        registry.register(first);
        registry.register(Jobs.queued("alice", Priority.DEFAULT, "sha256:aa", clock.instant()));
        registry.register(Jobs.queued("alice", Priority.DEFAULT, "sha256:bb", clock.instant()));
        Job created = store.get(first.id()).orElseThrow();
        transitions.apply(created, JobChange.to(JobStatus.CANCELLED, clock.instant()).build());
        registry.register(Jobs.queued("alice", Priority.DEFAULT, "sha256:aa", clock.instant()));

        assertThat(metrics.counterValue(Metric.JOBS_CREATED)).isEqualTo(2);
        assertThat(metrics.counterValue(Metric.JOBS_DEDUPLICATED)).isEqualTo(1);
        assertThat(metrics.counterValue(Metric.JOBS_RESTARTED)).isEqualTo(1);
    }

    @Test
    void anUploadFoundAgainByTheSweepersScan_isNoDuplicateSubmission_butTheSameUploadAgainIs() {
        InMemoryBlobs blobs = new InMemoryBlobs();
        UploadIntake uploads = new UploadIntake(blobs, new Intake(registry, transitions, queues, clock, 1_000_000,
                Duration.ofDays(7)), "docpipe");
        Instant old = clock.instant().minus(Duration.ofMinutes(30));
        blobs.putAt(new BlobRef("docpipe", "uploads/alice/a.md"), "# a".getBytes(StandardCharsets.UTF_8), Map.of(), old);
        blobs.putAt(new BlobRef("docpipe", "uploads/alice/b.md"), "# b".getBytes(StandardCharsets.UTF_8), Map.of(), old);
        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/alice/a.md", "m1");

        uploads.scan(null, 10, clock.instant().minus(Duration.ofMinutes(5))); // a again, b without an event
        uploads.scan(null, 10, clock.instant().minus(Duration.ofMinutes(5))); // both again
        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/alice/a.md", "m2"); // a redelivered event

        assertThat(metrics.counterValue(Metric.JOBS_CREATED)).isEqualTo(2);
        assertThat(metrics.counterValue(Metric.JOBS_DEDUPLICATED)).isEqualTo(1);
    }

    @Test
    void aJobThroughEveryStage_recordsEachStageDurationOnceAndOneCompletionWithItsLatency() {
        Job job = registry.register(Jobs.queued("alice", Priority.HIGH, "sha256:cc", clock.instant())).job();
        clock.advance(Duration.ofMillis(500));

        runner.run(message(job, Stage.PARSE), work(Stage.PARSE, 20));
        runner.run(message(job, Stage.RENDER), work(Stage.RENDER, 300));
        runner.run(message(job, Stage.STORE), work(Stage.STORE, 40));
        runner.run(message(job, Stage.STORE), work(Stage.STORE, 40)); // a duplicate: dropped, counts nothing

        assertThat(metrics.counterValue(Metric.JOBS_COMPLETED)).isEqualTo(1);
        for (Stage s : Stage.values()) {
            assertThat(metrics.histogramCount(Metric.STAGE_DURATION, s.wire())).as(s.wire()).isEqualTo(1);
        }
        String text = metrics.render();
        assertThat(text).contains("docpipe_stage_duration_milliseconds_sum{stage=\"render\"} 300\n")
                .contains("docpipe_end_to_end_latency_milliseconds_sum{priority=\"high\"} 860\n")
                .contains("docpipe_end_to_end_latency_milliseconds_count{priority=\"high\"} 1\n");
    }

    @Test
    void aPermanentError_countsOneFailureUnderItsCode_andNoStageDuration() {
        Job job = registry.register(Jobs.queued("alice", clock.instant())).job();

        runner.run(message(job, Stage.PARSE), new Work(Stage.PARSE, Duration.ofMillis(5),
                new DocpipeException(ErrorCode.EMPTY_DOCUMENT, "empty"), clock));

        assertThat(metrics.counterValue(Metric.JOBS_FAILED, "empty_document")).isEqualTo(1);
        assertThat(metrics.counterValue(Metric.JOBS_COMPLETED)).isZero();
        assertThat(metrics.histogramCount(Metric.STAGE_DURATION, "parse")).isZero();
    }

    @Test
    void theSweeper_countsEachRedriveUnderTheJobsStage() {
        Sweeper sweeper = new Sweeper(transitions, queues, clock,
                new Sweeper.Settings(Duration.ofMinutes(5), Duration.ofMinutes(15), 3, 100, Duration.ofDays(7)));
        registry.register(Jobs.queued("alice", clock.instant()));
        registry.register(Jobs.queued("bob", clock.instant()));
        clock.advance(Duration.ofMinutes(6));

        sweeper.sweep();

        assertThat(metrics.counterValue(Metric.SWEEPER_REDRIVES, "parse")).isEqualTo(2);
    }

    @Test
    void queueWait_isTheMessageAgeAtReceipt_underItsStage() {
        Job job = registry.register(Jobs.queued("alice", clock.instant())).job();
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-1");
        record.setBody(StageMessageJson.write(message(job, Stage.RENDER)));
        record.setAttributes(Map.of("SentTimestamp", Long.toString(System.currentTimeMillis() - 60_000)));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));

        SqsBatch.stageMessages(event, metrics, (m, receives) -> { });

        assertThat(metrics.histogramCount(Metric.QUEUE_WAIT, "render")).isEqualTo(1);
        assertThat(metrics.render()).contains("docpipe_queue_wait_milliseconds_bucket{stage=\"render\",le=\"30000\"} 0\n")
                .contains("docpipe_queue_wait_milliseconds_bucket{stage=\"render\",le=\"120000\"} 1\n");
    }
}
