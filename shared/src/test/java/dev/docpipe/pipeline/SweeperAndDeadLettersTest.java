package dev.docpipe.pipeline;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.StageMessage;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SweeperAndDeadLettersTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final RecordingQueues queues = new RecordingQueues();
    private final JobTransitions transitions = new JobTransitions(store, new InMemoryFastPath(), Duration.ofHours(1));
    private final Sweeper sweeper = new Sweeper(transitions, queues, clock,
            new Sweeper.Settings(Duration.ofMinutes(5), Duration.ofMinutes(15), 3, 100, Duration.ofDays(7)));

    @Test
    void aQueuedJobWhoseMessageWasLost_isReDrivenOnceItIsOlderThanTheTimeout() {
        Job job = store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();

        assertThat(sweeper.sweep().redriven()).isZero();
        clock.advance(Duration.ofMinutes(6));
        Sweeper.Report report = sweeper.sweep();

        assertThat(report.redriven()).isEqualTo(1);
        assertThat(queues.sent()).containsExactly(new StageMessage(job.id(), Stage.PARSE, job.priority(), 1, "sweeper", "alice"));
        assertThat(sweeper.sweep().redriven()).as("touched: not stale again at once").isZero();
    }

    @Test
    void aRunningJobStuckInAStage_isReDrivenInThatStage_thenFailedAfterTheLimit() {
        Job job = store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();
        job = transitions.apply(job, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.PARSE).build());
        transitions.apply(job, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.RENDER).build());

        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofMinutes(16));
            assertThat(sweeper.sweep().redriven()).isEqualTo(1);
        }
        clock.advance(Duration.ofMinutes(16));
        Sweeper.Report last = sweeper.sweep();

        assertThat(queues.sent()).hasSize(3).allMatch(m -> m.stage() == Stage.RENDER);
        assertThat(last.failed()).isEqualTo(1);
        Job failed = store.get(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.RETRIES_EXHAUSTED);
    }

    @Test
    void recoveryAfterACrash_reDrivesEveryQueuedAndRunningJobUnmovedSinceTheCutoff_notNewerOnesNorFinishedOnes() {
        Job queued = store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();
        Job running = store.createIfAbsent(Jobs.queued("bob", clock.instant())).job();
        running = transitions.apply(running, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.RENDER).build());
        Job done = store.createIfAbsent(Jobs.queued("carol", clock.instant())).job();
        transitions.apply(done, JobChange.to(JobStatus.CANCELLED, clock.instant()).build());
        clock.advance(Duration.ofSeconds(10)); // far below both timeouts
        Instant restart = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        Job afterRestart = store.createIfAbsent(Jobs.queued("dave", clock.instant())).job();

        Sweeper.Report report = sweeper.redriveUnmovedSince(restart);

        assertThat(report.redriven()).isEqualTo(2);
        assertThat(queues.sent()).containsExactlyInAnyOrder(
                new StageMessage(queued.id(), Stage.PARSE, queued.priority(), 1, "sweeper", "alice"),
                new StageMessage(running.id(), Stage.RENDER, running.priority(), 1, "sweeper", "bob"));
        assertThat(queues.sent()).noneMatch(m -> m.jobId().equals(afterRestart.id()));
        assertThat(sweeper.redriveUnmovedSince(restart).redriven()).as("touched: not re-driven twice").isZero();
    }

    @Test
    void aDeadLetteredMessage_failsItsJobWithTheStageAndTheLastError() {
        Job job = store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();
        job = transitions.apply(job, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.PARSE)
                .error(new dev.docpipe.job.JobError(ErrorCode.FETCH_FAILED, "connection reset")).build());
        DeadLetters deadLetters = new DeadLetters(transitions, clock, Duration.ofDays(7));

        Job failed = deadLetters.handle(new StageMessage(job.id(), Stage.PARSE, job.priority(), 1, ""), 5).orElseThrow();

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.RETRIES_EXHAUSTED);
        assertThat(failed.error().message())
                .isEqualTo("the parse stage gave up after 5 deliveries; last error: fetch_failed (connection reset)");
        assertThat(deadLetters.handle(new StageMessage(job.id(), Stage.PARSE, job.priority(), 1, ""), 5)).isEmpty();
    }
}
