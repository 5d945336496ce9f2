package dev.docpipe.port;

import dev.docpipe.job.DedupKey;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import dev.docpipe.job.IllegalTransitionException;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one contract every {@link JobStore} passes, run against each real store by a subclass.
 * Each test gets a fresh, empty store.
 */
public abstract class JobStoreContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    protected JobStore store;

    /** A fresh, empty store reading time from {@code clock}. */
    protected abstract JobStore newStore(MutableClock clock);

    @BeforeEach
    void freshStore() {
        store = newStore(clock);
    }

    private Instant now() {
        return clock.instant();
    }

    @Test
    void createIfAbsent_newKey_createsAndGetReturnsEveryField() {
        Job job = Jobs.queued("alice", now());

        JobStore.CreateResult result = store.createIfAbsent(job);

        assertThat(result.created()).isTrue();
        assertThat(result.job()).isEqualTo(job);
        assertThat(store.get(job.id())).contains(job);
    }

    @Test
    void transition_withTheFormatDetectedAtParse_storesItOnAJobSubmittedWithout_andANewAttemptKeepsIt() {
        Job given = Jobs.queued("alice", now());
        Job job = Job.newQueued(given.id(), given.owner(), given.source(), "report", null, given.priority(),
                given.options(), given.dedupKey(), now());
        store.createIfAbsent(job);
        assertThat(store.get(job.id()).orElseThrow().format()).isNull();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(Stage.PARSE).build());

        Job parsed = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.RENDER).format(Format.MARKDOWN).build());

        assertThat(parsed.format()).isEqualTo(Format.MARKDOWN);
        assertThat(store.get(job.id()).orElseThrow().format()).isEqualTo(Format.MARKDOWN);
        store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.FAILED, now())
                .error(new JobError(ErrorCode.INTERNAL, "boom")).build());
        Job retried = store.transition(job.id(), JobStatus.FAILED, 1, JobChange.to(JobStatus.QUEUED, now()).build());
        assertThat(retried.format()).isEqualTo(Format.MARKDOWN);
        assertThat(store.get(job.id()).orElseThrow()).isEqualTo(retried);
    }

    @Test
    void createIfAbsent_sameDedupKey_returnsTheExistingJob() {
        Job first = Jobs.queued("alice", Priority.DEFAULT, "sha256:same", now());
        Job second = Jobs.queued("alice", Priority.HIGH, "sha256:same", now().plusMillis(5));

        store.createIfAbsent(first);
        JobStore.CreateResult again = store.createIfAbsent(second);

        assertThat(again.created()).isFalse();
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(store.get(second.id())).isEmpty();
    }

    @Test
    void createIfAbsent_sameContentOtherOwner_isAnotherJob() {
        Job alice = Jobs.queued("alice", Priority.DEFAULT, "sha256:same", now());
        Job bob = Jobs.queued("bob", Priority.DEFAULT, "sha256:same", now());

        assertThat(store.createIfAbsent(alice).created()).isTrue();
        assertThat(store.createIfAbsent(bob).created()).isTrue();
    }

    @Test
    void createIfAbsent_ofAJobThatAlreadyExistsUnderItsOwnId_isNotCreatedAndReturnsTheStoredState() {
        // a pre-signed upload registered again (the sweeper's scan after a restart): same id, same dedup key
        Job first = Jobs.queued("alice", now());
        store.createIfAbsent(first);
        store.transition(first.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(Stage.PARSE).build());
        Job completed = store.transition(first.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.COMPLETED, now())
                .result(new JobResult("s3://b/pdf/" + first.id().value() + ".pdf", 1, 10))
                .expiresAt(now().plus(Duration.ofDays(30))).build());
        clock.advance(Duration.ofMinutes(5));
        Job again = Job.newQueued(first.id(), first.owner(), first.source(), first.filename(), first.format(),
                first.priority(), first.options(), first.dedupKey(), first.createdAt(), now());

        JobStore.CreateResult result = store.createIfAbsent(again);

        assertThat(result.created()).isFalse();
        assertThat(result.job()).isEqualTo(completed);
        assertThat(store.get(first.id())).contains(completed);
    }

    @Test
    void createIfAbsent_32ThreadsPerKeyFor20Keys_exactlyOneJobPerKeyAndEveryCallerLearnsIt() throws Exception {
        int threads = 32;
        int keys = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int k = 0; k < keys; k++) {
                String checksum = "sha256:race-" + k + "-" + UUID.randomUUID();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<JobStore.CreateResult>> calls = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Job candidate = Jobs.queued("racer", Priority.DEFAULT, checksum, now());
                    calls.add(pool.submit(() -> {
                        start.await();
                        return store.createIfAbsent(candidate);
                    }));
                }
                start.countDown();
                Set<JobId> ids = new HashSet<>();
                int created = 0;
                for (Future<JobStore.CreateResult> call : calls) {
                    JobStore.CreateResult r = call.get(60, TimeUnit.SECONDS);
                    ids.add(r.job().id());
                    created += r.created() ? 1 : 0;
                }
                assertThat(created).as("creators of key %d", k).isEqualTo(1);
                assertThat(ids).as("ids seen for key %d", k).hasSize(1);
                assertThat(store.get(ids.iterator().next())).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.countByStatus("racer").get(JobStatus.QUEUED)).isEqualTo(keys);
    }

    @Test
    void transition_throughTheWholePipeline_recordsStagesAndResult() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        clock.advance(Duration.ofSeconds(1));
        Job parsing = store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.PARSE).progress(10).stamp("parse.started", now()).build());
        clock.advance(Duration.ofSeconds(1));
        Job rendering = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.RENDER).progress(50).stamp("parse.finished", now()).stamp("render.started", now()).build());
        clock.advance(Duration.ofSeconds(1));
        Instant expires = now().plus(Duration.ofDays(7));
        Job done = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.COMPLETED, now())
                .stage(Stage.STORE).progress(100).stamp("completed", now())
                .result(new JobResult("s3://out/pdf/" + job.id() + ".pdf", 4, 12345)).expiresAt(expires).build());

        assertThat(parsing.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(rendering.stage()).isEqualTo(Stage.RENDER);
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.result()).isEqualTo(new JobResult("s3://out/pdf/" + job.id() + ".pdf", 4, 12345));
        assertThat(done.timestamps()).containsKeys("queued", "parse.started", "parse.finished", "render.started", "completed");
        assertThat(done.updatedAt()).isEqualTo(now());
        assertThat(done.expiresAt()).isEqualTo(expires);
        assertThat(store.get(job.id())).contains(done);
    }

    @Test
    void transition_resultMatchesTheDomainsOwnApply() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        JobChange change = JobChange.to(JobStatus.RUNNING, now().plusSeconds(2)).stage(Stage.RENDER).progress(40)
                .stamp("render.started", now().plusSeconds(2)).build();

        Job stored = store.transition(job.id(), JobStatus.QUEUED, 1, change);

        assertThat(stored).isEqualTo(job.apply(change));
    }

    @Test
    void transition_wrongExpectedStatus_isRejectedAndChangesNothing() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();

        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.COMPLETED, now()).build()))
                .isInstanceOf(StaleTransitionException.class)
                .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.STALE_TRANSITION);
        assertThat(store.get(job.id())).contains(job);
    }

    @Test
    void transition_wrongExpectedAttempt_isRejectedAndChangesNothing() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();

        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.QUEUED, 2,
                JobChange.to(JobStatus.RUNNING, now()).build()))
                .isInstanceOf(StaleTransitionException.class);
        assertThat(store.get(job.id())).contains(job);
    }

    @Test
    void transition_stageBackwards_isRejectedAndChangesNothing() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        Job rendering = store.transition(job.id(), JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.RUNNING, now()).stage(Stage.RENDER).build());

        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, now()).stage(Stage.PARSE).build()))
                .isInstanceOf(StaleTransitionException.class);
        assertThat(store.get(job.id())).contains(rendering);
    }

    @Test
    void transition_advancingARunningJobToTheStageItIsAlreadyIn_isRejected_soEachAdvanceHappensOnce() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(Stage.PARSE).build());
        Job rendering = store.transition(job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, now()).stage(Stage.RENDER).build());

        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, now()).stage(Stage.RENDER).build()))
                .isInstanceOf(StaleTransitionException.class);
        Job progressed = store.transition(job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, now()).progress(60).build());
        assertThat(progressed.stage()).isEqualTo(rendering.stage());
        assertThat(progressed.progress()).isEqualTo(60);
    }

    @Test
    void transition_queuedToQueued_isARedriveTouchThatKeepsTheAttempt() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        clock.advance(Duration.ofMinutes(3));

        Job touched = store.transition(job.id(), JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.QUEUED, now()).stamp("redrive.1", now()).build());

        assertThat(touched.attempt()).isEqualTo(1);
        assertThat(touched.updatedAt()).isEqualTo(now());
        assertThat(touched.timestamps()).containsKeys("queued", "redrive.1");
    }

    @Test
    void transition_forbiddenByTheTable_isRejectedBeforeAnyWrite() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        Job done = store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).build());
        done = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.COMPLETED, now()).build());

        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.COMPLETED, 1,
                JobChange.to(JobStatus.QUEUED, now()).build()))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(store.get(job.id())).contains(done);
    }

    @Test
    void transition_unknownJob_isNotFound() {
        JobId missing = JobId.newId(now());

        assertThatThrownBy(() -> store.transition(missing, JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.RUNNING, now()).build()))
                .isInstanceOf(JobNotFoundException.class);
        assertThat(store.get(missing)).isEmpty();
    }

    @Test
    void transition_concurrentWritersExpectingTheSameState_exactlyOneWins() throws Exception {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger won = new AtomicInteger();
        AtomicInteger stale = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                try {
                    store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).build());
                    won.incrementAndGet();
                } catch (StaleTransitionException e) {
                    stale.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> call : calls) {
            call.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertThat(won.get()).isEqualTo(1);
        assertThat(stale.get()).isEqualTo(writers - 1);
    }

    @Test
    void transition_failureWithAHalfMegabyteMessage_isRecordedShortenedAndTheJobFails() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(Stage.PARSE).build());
        String message = "unsupported markup near: " + "<div>".repeat(90_000);

        Job failed = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.FAILED, now())
                .error(new JobError(ErrorCode.UNSUPPORTED_CONTENT, message))
                .expiresAt(now().plus(Duration.ofDays(7))).stamp("failed", now()).build());

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
        assertThat(failed.error().message()).hasSizeLessThanOrEqualTo(JobError.MAX_MESSAGE_CHARS)
                .startsWith("unsupported markup near: <div><div>");
        assertThat(store.get(job.id())).contains(failed);
    }

    @Test
    void transition_retryOfAFailedJob_startsANewAttemptWithACleanSlate() {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(Stage.RENDER).build());
        Job failed = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.FAILED, now())
                .error(new JobError(ErrorCode.RENDER_TIMEOUT, "render took longer than 60 s"))
                .expiresAt(now().plus(Duration.ofDays(7))).stamp("failed", now()).build());
        assertThat(failed.error().code()).isEqualTo(ErrorCode.RENDER_TIMEOUT);

        clock.advance(Duration.ofMinutes(1));
        Job retried = store.transition(job.id(), JobStatus.FAILED, 1,
                JobChange.to(JobStatus.QUEUED, now()).stamp("queued", now()).build());

        assertThat(retried.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.stage()).isEqualTo(Stage.PARSE);
        assertThat(retried.error()).isNull();
        assertThat(retried.expiresAt()).isNull();
        assertThat(retried.timestamps()).containsOnlyKeys("queued");
        assertThat(store.get(job.id())).contains(retried);
        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.RUNNING, now()).build())).isInstanceOf(StaleTransitionException.class);
    }

    @Test
    void listByOwner_250JobsOfTwoOwners_eachSeesOnlyItsOwnNewestFirstWithoutGapsOrRepeats() {
        List<Job> alice = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String owner = i % 2 == 0 ? "alice" : "bob";
            Job job = Jobs.queued(owner, i % 3 == 0 ? Priority.HIGH : Priority.LOW, "sha256:list-" + i,
                    now().plusMillis(i * 10L));
            store.createIfAbsent(job);
            if (owner.equals("alice")) {
                alice.add(job);
            }
        }
        List<JobId> expected = alice.stream().map(Job::id).sorted(Comparator.reverseOrder()).toList();

        List<JobId> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> page = store.listByOwner("alice", JobQuery.all(17).withCursor(cursor));
            assertThat(page.items()).allMatch(j -> j.owner().equals("alice"));
            page.items().forEach(j -> seen.add(j.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 100);

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isBetween(8, 9);
    }

    @Test
    void listByOwner_filtersByStatusPriorityAndTime() {
        Instant t0 = now();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Job job = Jobs.queued("carol", i % 2 == 0 ? Priority.HIGH : Priority.DEFAULT, "sha256:f-" + i,
                    t0.plusSeconds(i));
            store.createIfAbsent(job);
            jobs.add(job);
        }
        for (int i = 0; i < 30; i += 3) {
            store.transition(jobs.get(i).id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, t0).build());
        }

        List<Job> running = drain(new JobQuery(JobStatus.RUNNING, null, null, null, 4, null));
        List<Job> high = drain(new JobQuery(null, Priority.HIGH, null, null, 4, null));
        List<Job> window = drain(new JobQuery(null, null, t0.plusSeconds(10), t0.plusSeconds(20), 4, null));
        List<Job> runningHighInWindow = drain(new JobQuery(JobStatus.RUNNING, Priority.HIGH,
                t0.plusSeconds(10), t0.plusSeconds(20), 2, null));

        assertThat(running).hasSize(10).allMatch(j -> j.status() == JobStatus.RUNNING);
        assertThat(high).hasSize(15).allMatch(j -> j.priority() == Priority.HIGH);
        assertThat(window).extracting(Job::id)
                .containsExactlyElementsOf(jobs.subList(10, 20).stream().map(Job::id).sorted(Comparator.reverseOrder()).toList());
        assertThat(runningHighInWindow).extracting(Job::id)
                .containsExactly(jobs.get(18).id(), jobs.get(12).id());
    }

    @Test
    void listByOwner_findsJobsByFileNameSourceKindAndUploadLocation_exactly_acrossPages() {
        Instant t0 = now();
        List<Job> reports = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Source source = switch (i % 3) {
                case 0 -> Source.s3("docs", "uploads/carol/" + (i == 6 ? "q3/report.md" : "other-" + i + ".md"));
                case 1 -> Source.inline("docs", "inline/carol/" + i);
                default -> Source.url("https://example.com/" + i);
            };
            String name = i % 4 == 0 ? "report.md" : i % 4 == 1 ? "Report.md" : i % 4 == 2 ? "report.md.bak" : null;
            Job job = Job.newQueued(JobId.newId(t0.plusSeconds(i)), "carol", source, name, Format.MARKDOWN,
                    Priority.DEFAULT, Map.of(), DedupKey.of("carol", "sha256:file-" + i, Map.of()), t0.plusSeconds(i));
            store.createIfAbsent(job);
            if ("report.md".equals(name)) {
                reports.add(job);
            }
        }
        store.createIfAbsent(Job.newQueued(JobId.newId(t0), "dave", Source.s3("docs", "uploads/carol/q3/report.md"),
                "report.md", Format.MARKDOWN, Priority.DEFAULT, Map.of(), DedupKey.of("dave", "sha256:d", Map.of()), t0));

        List<Job> byName = drain(JobQuery.all(2).withFile("report.md", null, null));
        List<Job> urls = drain(JobQuery.all(3).withFile(null, Source.Kind.URL, null));
        List<Job> uploadedReports = drain(JobQuery.all(5).withFile("report.md", Source.Kind.S3, null));
        List<Job> byKey = drain(JobQuery.all(5).withFile(null, Source.Kind.S3,
                Source.s3("docs", "uploads/carol/q3/report.md").location()));

        assertThat(byName).extracting(Job::id).containsExactlyElementsOf(
                reports.stream().map(Job::id).sorted(Comparator.reverseOrder()).toList());
        assertThat(urls).hasSize(8).allMatch(j -> j.source().kind() == Source.Kind.URL);
        assertThat(uploadedReports).hasSize(2)
                .allMatch(j -> j.source().kind() == Source.Kind.S3 && "report.md".equals(j.filename()));
        assertThat(byKey).singleElement().satisfies(j -> {
            assertThat(j.owner()).isEqualTo("carol");
            assertThat(j.source().location()).endsWith("/uploads/carol/q3/report.md");
        });
    }

    @Test
    void listByOwner_foreignCursor_isRejectedWithAStableCode() {
        assertThatThrownBy(() -> store.listByOwner("alice", JobQuery.all(10).withCursor("not-a-cursor")))
                .isInstanceOf(DocpipeException.class)
                .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.INVALID_CURSOR);
    }

    @Test
    void findStale_returnsOnlyJobsOfThatStatusNotUpdatedSinceTheCutoff_oldestFirst() {
        Job old1 = store.createIfAbsent(Jobs.queued("dave", now())).job();
        Job old2 = store.createIfAbsent(Jobs.queued("erin", now().plusSeconds(1))).job();
        store.transition(old1.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).build());
        store.transition(old2.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now().plusSeconds(1)).build());
        Job queuedOld = store.createIfAbsent(Jobs.queued("dave", now())).job();
        Job done = store.createIfAbsent(Jobs.queued("dave", now())).job();
        store.transition(done.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now()).build());
        clock.advance(Duration.ofMinutes(10));
        Job fresh = store.createIfAbsent(Jobs.queued("dave", now())).job();
        store.transition(fresh.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).build());

        List<Job> staleRunning = store.findStale(JobStatus.RUNNING, now().minus(Duration.ofMinutes(5)), 10);
        List<Job> staleQueued = store.findStale(JobStatus.QUEUED, now().minus(Duration.ofMinutes(5)), 10);

        assertThat(staleRunning).extracting(Job::id).containsExactly(old1.id(), old2.id());
        assertThat(staleQueued).extracting(Job::id).containsExactly(queuedOld.id());
        assertThat(store.findStale(JobStatus.RUNNING, now().minus(Duration.ofMinutes(5)), 1)).hasSize(1);
    }

    @Test
    void countByStatus_countsTheOwnersLiveJobsOnly() {
        for (int i = 0; i < 5; i++) {
            store.createIfAbsent(Jobs.queued("frank", now()));
        }
        Job running = store.createIfAbsent(Jobs.queued("frank", now())).job();
        store.transition(running.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).build());
        store.createIfAbsent(Jobs.queued("grace", now()));

        Map<JobStatus, Long> counts = store.countByStatus("frank");

        assertThat(counts).containsEntry(JobStatus.QUEUED, 5L).containsEntry(JobStatus.RUNNING, 1L)
                .containsEntry(JobStatus.COMPLETED, 0L).containsEntry(JobStatus.FAILED, 0L)
                .containsEntry(JobStatus.CANCELLED, 0L);
    }

    @Test
    void expiredJobs_areInvisibleToEveryReadAndFreeTheirDedupKey() {
        Job job = store.createIfAbsent(Jobs.queued("heidi", Priority.DEFAULT, "sha256:expiring", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plus(Duration.ofHours(1))).build());
        assertThat(store.get(job.id())).isPresent();

        clock.advance(Duration.ofHours(2));

        assertThat(store.get(job.id())).isEmpty();
        assertThat(store.listByOwner("heidi", JobQuery.all(10)).items()).isEmpty();
        assertThat(store.countByStatus("heidi").get(JobStatus.CANCELLED)).isZero();
        assertThatThrownBy(() -> store.transition(job.id(), JobStatus.CANCELLED, 1,
                JobChange.to(JobStatus.QUEUED, now()).build())).isInstanceOf(JobNotFoundException.class);
        Job again = Jobs.queued("heidi", Priority.DEFAULT, "sha256:expiring", now());
        JobStore.CreateResult result = store.createIfAbsent(again);
        assertThat(result.created()).isTrue();
        assertThat(result.job().id()).isEqualTo(again.id());
    }

    @Test
    void deleteExpired_leavesNoExpiredJobVisibleAndKeepsLiveOnes() {
        Job live = store.createIfAbsent(Jobs.queued("ivan", now())).job();
        for (int i = 0; i < 3; i++) {
            Job j = store.createIfAbsent(Jobs.queued("ivan", now())).job();
            store.transition(j.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                    .expiresAt(now().plusSeconds(60)).build());
        }
        clock.advance(Duration.ofMinutes(5));

        int removed = store.deleteExpired(100);

        assertThat(removed).isBetween(0, 3);
        assertThat(store.listByOwner("ivan", JobQuery.all(10)).items()).extracting(Job::id).containsExactly(live.id());
    }

    @Test
    void delete_removesTheJobAndFreesItsDedupKey() {
        Job job = store.createIfAbsent(Jobs.queued("judy", Priority.DEFAULT, "sha256:deleted", now())).job();

        assertThat(store.delete(job.id())).isTrue();
        assertThat(store.delete(job.id())).isFalse();

        assertThat(store.get(job.id())).isEmpty();
        assertThat(store.createIfAbsent(Jobs.queued("judy", Priority.DEFAULT, "sha256:deleted", now())).created()).isTrue();
    }

    @Test
    void erase_ofARunningJob_leavesOnlyItsTombstone_freesItsDedupKey_andLeavesTheSweepersIndex() {
        Job job = store.createIfAbsent(Jobs.queued("erin", Priority.DEFAULT, "sha256:erased", now())).job();
        Job running = store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.RENDER).progress(40).stamp("render.started", now()).build());
        assertThat(store.claimStage(job.id(), lease(running, Stage.RENDER, "renderer", Duration.ofMinutes(3)), now())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        Instant keepUntil = now().plus(Duration.ofDays(7));

        Job tombstone = store.erase(job.id(), now(), keepUntil);

        assertThat(tombstone).isEqualTo(running.tombstone(now(), keepUntil));
        assertThat(tombstone.status()).isEqualTo(JobStatus.ERASED);
        assertThat(tombstone.filename()).isNull();
        assertThat(tombstone.source().location()).isEmpty();
        assertThat(tombstone.dedupKey()).doesNotContain("sha256:erased");
        assertThat(tombstone.options()).isEmpty();
        assertThat(store.get(job.id())).contains(tombstone);
        assertThat(store.findStale(JobStatus.RUNNING, now().plus(Duration.ofDays(1)), 10)).isEmpty();
        assertThat(store.listByOwner("erin", JobQuery.all(10)).items()).containsExactly(tombstone);
        assertThat(store.countByStatus("erin")).containsEntry(JobStatus.ERASED, 1L).containsEntry(JobStatus.RUNNING, 0L);
        // no stage of a tombstone can be claimed: a redelivered message finds nothing to run
        assertThat(store.claimStage(job.id(), lease(tombstone, Stage.RENDER, "other", Duration.ofMinutes(3)), now())).isFalse();
        Job again = Jobs.queued("erin", Priority.DEFAULT, "sha256:erased", now());
        JobStore.CreateResult resubmitted = store.createIfAbsent(again);
        assertThat(resubmitted.created()).isTrue();
        assertThat(resubmitted.job().id()).isEqualTo(again.id());
    }

    @Test
    void erase_twice_isIdempotent_andNoTransitionLeadsOutOfIt() {
        Job job = store.createIfAbsent(Jobs.queued("erin", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plus(Duration.ofDays(1))).build());
        Job first = store.erase(job.id(), now(), now().plus(Duration.ofDays(7)));
        clock.advance(Duration.ofMinutes(1));

        Job second = store.erase(job.id(), now(), now().plus(Duration.ofDays(7)));

        assertThat(second).isEqualTo(first);
        for (JobStatus from : List.of(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED, JobStatus.CANCELLED)) {
            for (JobStatus to : JobStatus.values()) {
                if (from.canMoveTo(to)) {
                    assertThatThrownBy(() -> store.transition(job.id(), from, 1, JobChange.to(to, now()).build()))
                            .isInstanceOf(StaleTransitionException.class);
                }
            }
        }
        for (JobStatus to : JobStatus.values()) {
            assertThatThrownBy(() -> store.transition(job.id(), JobStatus.ERASED, 1, JobChange.to(to, now()).build()))
                    .isInstanceOf(IllegalTransitionException.class);
        }
        assertThat(store.get(job.id())).contains(first);
    }

    @Test
    void erase_ofAnUnknownOrExpiredJob_isNotFound_andTheTombstoneExpiresWithRetention() {
        assertThatThrownBy(() -> store.erase(JobId.newId(now()), now(), now().plusSeconds(60)))
                .isInstanceOf(JobNotFoundException.class);
        Job job = store.createIfAbsent(Jobs.queued("erin", now())).job();
        store.erase(job.id(), now(), now().plusSeconds(60));

        clock.advance(Duration.ofMinutes(2));

        assertThat(store.get(job.id())).isEmpty();
        assertThatThrownBy(() -> store.erase(job.id(), now(), now().plusSeconds(60))).isInstanceOf(JobNotFoundException.class);
    }

    private List<Job> drain(JobQuery query) {
        List<Job> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> page = store.listByOwner("carol", query.withCursor(cursor));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null && ++pages < 100);
        return all;
    }

    private StageLease lease(Job job, Stage stage, String holder, Duration ttl) {
        return new StageLease(job.attempt(), stage, holder, now(), now().plus(ttl), null);
    }

    /** A queued job moved to running in {@code stage}, as the stage before it would leave it. */
    private Job runningIn(Stage stage) {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        return store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now()).stage(stage).build());
    }

    @Test
    void claimStage_whileAnotherHolderIsLive_isRefused_andItsHolderMayRenew() {
        Job job = runningIn(Stage.RENDER);

        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "first", Duration.ofMinutes(3)), now())).isTrue();
        clock.advance(Duration.ofSeconds(30));

        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "second", Duration.ofMinutes(3)), now())).isFalse();
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "first", Duration.ofMinutes(3)), now())).isTrue();
        assertThat(store.get(job.id())).contains(job);
    }

    @Test
    void claimStage_concurrently_hasExactlyOneWinner() throws Exception {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String holder = "holder-" + i;
                claims.add(pool.submit(() -> {
                    go.await();
                    return store.claimStage(job.id(), lease(job, Stage.PARSE, holder, Duration.ofMinutes(2)), now());
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> claim : claims) {
                won += claim.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimStage_afterTheLeaseLapsed_orWasReleased_isGranted() {
        Job job = runningIn(Stage.RENDER);
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "crashed", Duration.ofMinutes(3)), now())).isTrue();

        clock.advance(Duration.ofMinutes(3));
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "redriven", Duration.ofMinutes(3)), now())).isTrue();
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "third", Duration.ofMinutes(3)), now())).isFalse();

        store.releaseStage(job.id(), "someone-else");
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "third", Duration.ofMinutes(3)), now())).isFalse();
        store.releaseStage(job.id(), "redriven");
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "third", Duration.ofMinutes(3)), now())).isTrue();
    }

    @Test
    void claimStage_ofTheNextStageOrAttempt_ignoresTheOldLease() {
        Job job = runningIn(Stage.RENDER);
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "render", Duration.ofMinutes(3)), now())).isTrue();
        Job storing = store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.STORE).build());

        assertThat(store.claimStage(job.id(), lease(storing, Stage.STORE, "store", Duration.ofMinutes(1)), now())).isTrue();
        store.transition(job.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.FAILED, now())
                .error(new JobError(ErrorCode.RENDER_FAILED, "broken")).expiresAt(now().plus(Duration.ofDays(1))).build());
        Job retried = store.transition(job.id(), JobStatus.FAILED, 1, JobChange.to(JobStatus.QUEUED, now()).build());
        assertThat(store.claimStage(job.id(), lease(retried, Stage.PARSE, "next-attempt", Duration.ofMinutes(1)), now()))
                .isTrue();
    }

    /**
     * A run that read the job before another run moved it on (or finished it) must not start the stage: it would
     * do the work again and leave output behind the job's clean-up (the storm test's left-over work objects).
     */
    @Test
    void claimStage_ofAStageTheJobHasLeft_ofAnotherAttempt_orOfAFinishedJob_isRefused() {
        Job queued = store.createIfAbsent(Jobs.queued("alice", now())).job();
        assertThat(store.claimStage(queued.id(), lease(queued, Stage.RENDER, "ahead", Duration.ofMinutes(1)), now()))
                .as("a stage the job has not reached").isFalse();
        assertThat(store.claimStage(queued.id(), new StageLease(2, Stage.PARSE, "other-attempt", now(),
                now().plusSeconds(60), null), now())).as("another attempt").isFalse();
        assertThat(store.claimStage(queued.id(), lease(queued, Stage.PARSE, "parse", Duration.ofMinutes(1)), now())).isTrue();
        store.releaseStage(queued.id(), "parse");
        Job rendering = store.transition(queued.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, now())
                .stage(Stage.RENDER).build());

        assertThat(store.claimStage(queued.id(), lease(rendering, Stage.PARSE, "late-parse", Duration.ofMinutes(1)), now()))
                .as("a stage the job has left").isFalse();
        store.transition(queued.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.COMPLETED, now()).progress(100)
                .result(new JobResult("s3://b/pdf/x.pdf", 1, 10)).expiresAt(now().plus(Duration.ofDays(1)))
                .build());
        for (Stage stage : Stage.values()) {
            assertThat(store.claimStage(queued.id(), lease(rendering, stage, "after-completion", Duration.ofMinutes(1)), now()))
                    .as("%s of a completed job", stage).isFalse();
        }
        assertThat(store.get(queued.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void claimStage_takesOverALeaseOfADeadProcess() {
        Job job = runningIn(Stage.RENDER);
        assertThat(store.claimStage(job.id(), lease(job, Stage.RENDER, "killed", Duration.ofMinutes(3)), now())).isTrue();
        clock.advance(Duration.ofSeconds(5));
        Instant restarted = now();
        clock.advance(Duration.ofSeconds(1));

        assertThat(store.claimStage(job.id(), new StageLease(job.attempt(), Stage.RENDER, "after-restart", now(),
                now().plusSeconds(180), restarted), now())).isTrue();
        assertThat(store.claimStage(job.id(), new StageLease(job.attempt(), Stage.RENDER, "duplicate", now(),
                now().plusSeconds(180), restarted), now())).isFalse();
    }

    @Test
    void claimStage_ofAMissingOrExpiredJob_isNotFound_andReleaseIsQuiet() {
        JobId missing = JobId.newId(now());
        assertThatThrownBy(() -> store.claimStage(missing, new StageLease(1, Stage.PARSE, "h", now(),
                now().plusSeconds(60), null), now())).isInstanceOf(JobNotFoundException.class);
        store.releaseStage(missing, "h");

        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plusSeconds(10)).build());
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> store.claimStage(job.id(), lease(job, Stage.PARSE, "h", Duration.ofMinutes(1)), now()))
                .isInstanceOf(JobNotFoundException.class);
    }
}
