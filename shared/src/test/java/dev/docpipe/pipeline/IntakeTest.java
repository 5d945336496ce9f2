package dev.docpipe.pipeline;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IntakeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final RecordingQueues queues = new RecordingQueues();
    private final Intake intake = new Intake(
            new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1)),
            new JobTransitions(store, fastPath, Duration.ofHours(1)), queues, clock, 1000, Duration.ofDays(7));

    private IntakeRequest upload(long size, String etag) {
        return new IntakeRequest("alice", Source.s3("uploads", "uploads/alice/a.md"), "a.md", Format.MARKDOWN,
                Priority.HIGH, Map.of(), "etag:" + etag, size, "trace-1");
    }

    @Test
    void aNewDocument_becomesAQueuedJobAndItsFirstParseMessage() {
        JobRegistry.Registration r = intake.submit(upload(10, "abc"));

        assertThat(r.outcome()).isEqualTo(JobRegistry.Outcome.CREATED);
        assertThat(r.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queues.sent()).singleElement().satisfies(m -> {
            assertThat(m.jobId()).isEqualTo(r.job().id());
            assertThat(m.stage()).isEqualTo(Stage.PARSE);
            assertThat(m.priority()).isEqualTo(Priority.HIGH);
            assertThat(m.traceId()).isEqualTo("trace-1");
            assertThat(m.owner()).as("the fairness group").isEqualTo("alice");
        });
    }

    private IntakeRequest withOptions(Map<String, String> options) {
        return new IntakeRequest("alice", Source.s3("uploads", "uploads/alice/a.md"), "a.md", Format.MARKDOWN,
                Priority.HIGH, options, "etag:same", 10, "trace-1");
    }

    @Test
    void options_areStoredCanonical_soTwoSpellingsAreOneJob() {
        JobRegistry.Registration first = intake.submit(withOptions(Map.of("paper", "Letter", "fontSize", "12")));
        JobRegistry.Registration again = intake.submit(withOptions(Map.of("paper", "letter", "fontSize", "12pt")));
        JobRegistry.Registration other = intake.submit(withOptions(Map.of("paper", "a4")));

        assertThat(first.job().options()).containsOnly(Map.entry("paper", "letter"), Map.entry("fontSize", "12pt"));
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThat(other.job().id()).isNotEqualTo(first.job().id());
    }

    @Test
    void invalidOptions_failTheJobAtOnce_asInvalidOption_withoutAMessage() {
        JobRegistry.Registration r = intake.submit(withOptions(Map.of("paper", "b5")));

        assertThat(r.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(r.job().error().code()).isEqualTo(ErrorCode.INVALID_OPTION);
        assertThat(r.job().error().message()).contains("paper", "a4, a5, letter");
        assertThat(r.job().options()).containsEntry("paper", "b5");
        assertThat(queues.sent()).isEmpty();
    }

    @Test
    void defaultOptions_applyWhereTheRequestSetsNone() {
        Intake withDefaults = new Intake(new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1)),
                new JobTransitions(store, fastPath, Duration.ofHours(1)), queues, clock, 1000, Duration.ofDays(7),
                Map.of("paper", "letter", "pdfa", "off"));

        assertThat(withDefaults.submit(withOptions(Map.of("paper", "a5"))).job().options())
                .containsOnly(Map.entry("paper", "a5"), Map.entry("pdfa", "off"));
    }

    @Test
    void theSameContentTwice_isOneJobAndOneMessage() {
        JobRegistry.Registration first = intake.submit(upload(10, "abc"));
        JobRegistry.Registration again = intake.submit(upload(10, "abc"));

        assertThat(again.deduplicated()).isTrue();
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThat(queues.sent()).hasSize(1);
    }

    @Test
    void aDocumentOverTheLimit_failsAsTooLargeWithoutAMessage() {
        JobRegistry.Registration r = intake.submit(upload(1001, "big"));

        assertThat(r.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(r.job().error().code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(r.job().error().message()).isEqualTo("document is 1001 bytes; the limit is 1000 bytes");
        assertThat(queues.sent()).isEmpty();
    }
}
