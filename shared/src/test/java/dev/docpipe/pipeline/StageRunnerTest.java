package dev.docpipe.pipeline;

import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.StageLease;
import dev.docpipe.port.StageMessage;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageRunnerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final RecordingQueues queues = new RecordingQueues();
    private final JobTransitions transitions = new JobTransitions(store, fastPath, Duration.ofHours(1));
    private final StageRunner runner = new StageRunner(transitions, queues, clock, Duration.ofDays(7));

    private Job queuedJob() {
        return store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();
    }

    private static StageMessage message(Job job, Stage stage) {
        return new StageMessage(job.id(), stage, job.priority(), job.attempt(), "t-1");
    }

    /** Work that counts its calls and returns a result in the last stage. */
    private static class CountingWork implements StageWork {
        final Stage stage;
        final AtomicInteger calls = new AtomicInteger();

        CountingWork(Stage stage) {
            this.stage = stage;
        }

        @Override
        public Stage stage() {
            return stage;
        }

        @Override
        public JobResult perform(Job job) {
            calls.incrementAndGet();
            return stage == Stage.STORE ? new JobResult("s3://out/" + job.id() + ".pdf", 2, 999) : null;
        }
    }

    @Test
    void aJobErasedWhileItsStageRuns_getsItsOutputPurged_andNothingIsSentOn() {
        Job job = queuedJob();
        List<JobId> purged = new ArrayList<>();
        StageRunner purging = new StageRunner(transitions, queues, clock, Duration.ofDays(7),
                StageRunner.Leases.of(FunctionTimeouts.DEPLOYED), erased -> purged.add(erased.id()));
        StageWork erasedMeanwhile = new CountingWork(Stage.PARSE) {
            @Override
            public JobResult perform(Job running) {
                store.erase(running.id(), clock.instant(), clock.instant().plus(Duration.ofDays(7)));
                return super.perform(running);
            }
        };

        assertThat(purging.run(message(job, Stage.PARSE), erasedMeanwhile)).isEqualTo(StageRunner.Outcome.DROPPED);

        assertThat(purged).containsExactly(job.id());
        assertThat(queues.sent()).isEmpty();
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.ERASED);
        assertThat(purging.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE)))
                .as("a redelivery of an erased job's message").isEqualTo(StageRunner.Outcome.DROPPED);
    }

    @Test
    void aJobRunsThroughEveryStageToCompleted() {
        Job job = queuedJob();

        assertThat(runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE))).isEqualTo(StageRunner.Outcome.ADVANCED);
        assertThat(runner.run(message(job, Stage.RENDER), new CountingWork(Stage.RENDER))).isEqualTo(StageRunner.Outcome.ADVANCED);
        assertThat(runner.run(message(job, Stage.STORE), new CountingWork(Stage.STORE))).isEqualTo(StageRunner.Outcome.COMPLETED);

        Job done = store.get(job.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.result().pages()).isEqualTo(2);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(done.timestamps()).containsKeys("parse.started", "parse.finished", "render.started",
                "render.finished", "store.started", "store.finished", "completed");
        assertThat(queues.sent()).extracting(StageMessage::stage).containsExactly(Stage.RENDER, Stage.STORE);
        // the incoming messages name no owner; the next stage's are grouped by the job's owner all the same
        assertThat(queues.sent()).extracting(StageMessage::owner).containsOnly(done.owner()).doesNotContain("");
        assertThat(fastPath.cachedJob(job.id())).contains(done);
    }

    @Test
    void theSameMessageTwice_doesTheWorkOnceAndSendsTheNextMessageAgainOnly() {
        Job job = queuedJob();
        CountingWork parse = new CountingWork(Stage.PARSE);

        runner.run(message(job, Stage.PARSE), parse);
        StageRunner.Outcome second = runner.run(message(job, Stage.PARSE), parse);

        assertThat(second).isEqualTo(StageRunner.Outcome.RESENT_NEXT);
        assertThat(parse.calls.get()).isEqualTo(1);
        assertThat(queues.sent()).extracting(StageMessage::stage).containsExactly(Stage.RENDER, Stage.RENDER);
    }

    /** Render work that blocks, inside perform, until released. */
    private static final class SlowWork implements StageWork {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Stage stage() {
            return Stage.RENDER;
        }

        @Override
        public JobResult perform(Job job) {
            calls.incrementAndGet();
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    @Test
    void aRedeliveryDuringASlowStage_doesNotStartItAgain() throws Exception {
        Job job = queuedJob();
        runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
        SlowWork render = new SlowWork();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<StageRunner.Outcome> first = pool.submit(() -> runner.run(message(job, Stage.RENDER), render));
            assertThat(render.entered.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofMinutes(2));

            assertThat(runner.run(message(job, Stage.RENDER), render)).isEqualTo(StageRunner.Outcome.ALREADY_RUNNING);
            assertThat(render.calls).hasValue(1);

            render.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(StageRunner.Outcome.ADVANCED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.get(job.id()).orElseThrow().stage()).isEqualTo(Stage.STORE);
    }

    /**
     * A duplicate parse message whose run read the job just before another run finished parse (and the job then
     * completed) must not parse again: its document.xhtml and metadata.json would outlive the store stage's
     * clean-up (seen in the restart-storm test).
     */
    @Test
    void aDuplicateThatReadTheJobBeforeItLeftTheStage_doesNoWork() {
        Job job = queuedJob();
        AtomicInteger reads = new AtomicInteger();
        JobStore staleOnFirstRead = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get") && reads.getAndIncrement() == 0) {
                        return Optional.of(job); // read before the other run's writes below
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
        runner.run(message(job, Stage.RENDER), new CountingWork(Stage.RENDER));
        runner.run(message(job, Stage.STORE), new CountingWork(Stage.STORE));
        CountingWork lateParse = new CountingWork(Stage.PARSE);
        StageRunner late = new StageRunner(new JobTransitions(staleOnFirstRead, fastPath, Duration.ofHours(1)), queues,
                clock, Duration.ofDays(7));

        assertThat(late.run(message(job, Stage.PARSE), lateParse)).isEqualTo(StageRunner.Outcome.ALREADY_RUNNING);

        assertThat(reads).hasValue(1);
        assertThat(lateParse.calls).as("parse work of the late duplicate").hasValue(0);
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    /** A run that moved the job on spends no write on releasing its lease: no claim can match it any more. */
    @Test
    void aRunThatMovedTheJobOn_doesNotReleaseItsLease_aRunThatDidNot_does() {
        Job job = queuedJob();
        List<String> calls = new ArrayList<>();
        JobStore counting = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(),
                new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        StageRunner counted = new StageRunner(new JobTransitions(counting, fastPath, Duration.ofHours(1)), queues, clock,
                Duration.ofDays(7));

        assertThat(counted.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE))).isEqualTo(StageRunner.Outcome.ADVANCED);
        assertThat(counted.run(message(job, Stage.RENDER), new CountingWork(Stage.RENDER))).isEqualTo(StageRunner.Outcome.ADVANCED);
        assertThat(counted.run(message(job, Stage.STORE), new CountingWork(Stage.STORE))).isEqualTo(StageRunner.Outcome.COMPLETED);
        assertThat(calls).filteredOn("claimStage"::equals).hasSize(3);
        assertThat(calls).doesNotContain("releaseStage");

        Job other = queuedJob();
        StageWork transient_ = new CountingWork(Stage.PARSE) {
            @Override
            public JobResult perform(Job running) {
                throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "try again");
            }
        };
        assertThatThrownBy(() -> counted.run(message(other, Stage.PARSE), transient_)).isInstanceOf(DocpipeException.class);
        assertThat(calls).containsOnlyOnce("releaseStage");
        assertThat(runner.run(message(other, Stage.PARSE), new CountingWork(Stage.PARSE)))
                .as("a retry right after a transient error is not blocked by the released lease")
                .isEqualTo(StageRunner.Outcome.ADVANCED);
    }

    /** A run whose lease lapsed, still working while a later run completed the job, deletes the work objects it wrote. */
    @Test
    void aRunThatLostToACompletion_afterItsLeaseLapsed_purgesTheWorkObjectsItWrote() throws Exception {
        Job job = queuedJob();
        List<JobStatus> purged = new ArrayList<>();
        StageRunner purging = new StageRunner(transitions, queues, clock, Duration.ofDays(7),
                StageRunner.Leases.of(FunctionTimeouts.DEPLOYED), current -> purged.add(current.status()));
        runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
        SlowWork slow = new SlowWork();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<StageRunner.Outcome> first = pool.submit(() -> purging.run(message(job, Stage.RENDER), slow));
            assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(FunctionTimeouts.DEPLOYED.render().plusSeconds(1));
            assertThat(runner.run(message(job, Stage.RENDER), new CountingWork(Stage.RENDER)))
                    .isEqualTo(StageRunner.Outcome.ADVANCED);
            assertThat(runner.run(message(job, Stage.STORE), new CountingWork(Stage.STORE)))
                    .isEqualTo(StageRunner.Outcome.COMPLETED);

            slow.release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(StageRunner.Outcome.LOST_RACE);
        } finally {
            pool.shutdownNow();
        }
        assertThat(purged).containsExactly(JobStatus.COMPLETED);
    }

    @Test
    void aStageWhoseRunDied_runsAgainOnceItsLeaseLapsed() {
        Job job = queuedJob();
        runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
        Job running = store.get(job.id()).orElseThrow();
        // a run that claimed the stage and then died (killed process, function timeout): never released
        assertThat(store.claimStage(job.id(), new StageLease(running.attempt(), Stage.RENDER, "dead",
                clock.instant(), clock.instant().plus(FunctionTimeouts.DEPLOYED.render()), null), clock.instant())).isTrue();
        CountingWork render = new CountingWork(Stage.RENDER);

        assertThat(runner.run(message(job, Stage.RENDER), render)).isEqualTo(StageRunner.Outcome.ALREADY_RUNNING);
        clock.advance(FunctionTimeouts.DEPLOYED.render());
        assertThat(runner.run(message(job, Stage.RENDER), render)).isEqualTo(StageRunner.Outcome.ADVANCED);
        assertThat(render.calls).hasValue(1);
    }

    @Test
    void aLeaseOfTheKilledPreviousProcess_isTakenOverAtOnce() {
        Job job = queuedJob();
        runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
        assertThat(store.claimStage(job.id(), new StageLease(1, Stage.RENDER, "killed",
                clock.instant(), clock.instant().plus(Duration.ofMinutes(3)), null), clock.instant())).isTrue();
        clock.advance(Duration.ofSeconds(2));
        StageRunner restarted = new StageRunner(transitions, queues, clock, Duration.ofDays(7),
                new StageRunner.Leases(FunctionTimeouts.DEPLOYED, clock.instant()));

        assertThat(restarted.run(message(job, Stage.RENDER), new CountingWork(Stage.RENDER)))
                .isEqualTo(StageRunner.Outcome.ADVANCED);
    }

    @Test
    void theSameMessageConcurrently_advancesTheJobExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Job job = queuedJob();
            runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));
            queues.clear();
            int copies = 8;
            ExecutorService pool = Executors.newFixedThreadPool(copies);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StageRunner.Outcome>> outcomes = new ArrayList<>();
            CountingWork render = new CountingWork(Stage.RENDER);
            for (int i = 0; i < copies; i++) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    return runner.run(message(job, Stage.RENDER), render);
                }));
            }
            go.countDown();
            int advanced = 0;
            for (Future<StageRunner.Outcome> o : outcomes) {
                advanced += o.get(10, TimeUnit.SECONDS) == StageRunner.Outcome.ADVANCED ? 1 : 0;
            }
            pool.shutdownNow();
            assertThat(advanced).isEqualTo(1);
            assertThat(queues.sent()).filteredOn(m -> m.stage() == Stage.STORE).hasSizeBetween(1, copies);
            assertThat(store.get(job.id()).orElseThrow().stage()).isEqualTo(Stage.STORE);
        }
    }

    @Test
    void aCrashAfterTheStateWriteBeforeTheSend_isHealedByRedelivery() {
        Job job = queuedJob();
        RecordingQueues lostSend = new RecordingQueues();
        StageRunner crashing = new StageRunner(transitions, new dev.docpipe.port.StageQueues() {
            @Override
            public void send(StageMessage m) {
                throw new IllegalStateException("crash before send");
            }

            @Override
            public void send(StageMessage m, Duration d) {
                throw new IllegalStateException("crash before send");
            }
        }, clock, Duration.ofDays(7));

        assertThatThrownBy(() -> crashing.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE)))
                .hasMessage("crash before send");
        StageRunner.Outcome redelivered = runner.run(message(job, Stage.PARSE), new CountingWork(Stage.PARSE));

        assertThat(redelivered).isEqualTo(StageRunner.Outcome.RESENT_NEXT);
        assertThat(queues.sent()).extracting(StageMessage::stage).containsExactly(Stage.RENDER);
        assertThat(lostSend.sent()).isEmpty();
    }

    @Test
    void aPermanentError_failsTheJobAtOnceWithItsCode() {
        Job job = queuedJob();
        StageWork unsupported = parseThrowing(new DocpipeException(ErrorCode.UNSUPPORTED_CONTENT, "binary content (NUL bytes)"));

        assertThat(runner.run(message(job, Stage.PARSE), unsupported)).isEqualTo(StageRunner.Outcome.FAILED);

        Job failed = store.get(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(failed.error().message()).isEqualTo("binary content (NUL bytes)");
        assertThat(queues.sent()).isEmpty();
    }

    @Test
    void aTransientError_isRethrownForRetryAndRecordedOnTheJob() {
        Job job = queuedJob();
        StageWork flaky = parseThrowing(new DocpipeException(ErrorCode.FETCH_FAILED, "connection reset"));

        assertThatThrownBy(() -> runner.run(message(job, Stage.PARSE), flaky)).isInstanceOf(DocpipeException.class);

        Job running = store.get(job.id()).orElseThrow();
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(running.error().code()).isEqualTo(ErrorCode.FETCH_FAILED);
    }

    @Test
    void anErrorWithATransientCodeThatKnowsItIsFinal_failsTheJobAtOnce_withoutARetry() {
        Job job = queuedJob();
        DocpipeException noSuchHost = new DocpipeException(ErrorCode.FETCH_FAILED, "host nowhere.test not found") {
            @Override
            public boolean isTransient() {
                return false;
            }
        };

        assertThat(runner.run(message(job, Stage.PARSE), parseThrowing(noSuchHost))).isEqualTo(StageRunner.Outcome.FAILED);

        Job failed = store.get(job.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.attempt()).isEqualTo(1);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.FETCH_FAILED);
        assertThat(failed.error().message()).isEqualTo("host nowhere.test not found");
    }

    @Test
    void messagesOfCancelledJobsOrOtherAttempts_areDroppedWithoutWork() {
        Job cancelled = queuedJob();
        transitions.apply(cancelled, JobChange.to(JobStatus.CANCELLED, clock.instant()).build());
        Job other = queuedJob();
        CountingWork parse = new CountingWork(Stage.PARSE);

        assertThat(runner.run(message(cancelled, Stage.PARSE), parse)).isEqualTo(StageRunner.Outcome.DROPPED);
        assertThat(runner.run(new StageMessage(other.id(), Stage.PARSE, other.priority(), 2, ""), parse))
                .isEqualTo(StageRunner.Outcome.DROPPED);
        assertThat(parse.calls.get()).isZero();
    }

    @Test
    void aJobCancelledDuringItsStage_isNotAdvanced() {
        Job job = queuedJob();
        StageWork cancelsMidway = new StageWork() {
            @Override
            public Stage stage() {
                return Stage.PARSE;
            }

            @Override
            public JobResult perform(Job running) {
                transitions.apply(running, JobChange.to(JobStatus.CANCELLED, clock.instant()).build());
                return null;
            }
        };

        assertThat(runner.run(message(job, Stage.PARSE), cancelsMidway)).isEqualTo(StageRunner.Outcome.LOST_RACE);
        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(queues.sent()).isEmpty();
    }

    /** Parse work that fails with {@code e}. */
    private static StageWork parseThrowing(DocpipeException e) {
        return new StageWork() {
            @Override
            public Stage stage() {
                return Stage.PARSE;
            }

            @Override
            public JobResult perform(Job j) {
                throw e;
            }
        };
    }
}
