package dev.docpipe.pipeline;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class JobRegistryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final JobRegistry registry = new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1));

    private Job candidate() {
        return Jobs.queued("alice", Priority.DEFAULT, "sha256:doc", clock.instant());
    }

    @Test
    void register_newContent_createsTheJobAndCachesIt() {
        Job job = candidate();

        JobRegistry.Registration r = registry.register(job);

        assertThat(r.outcome()).isEqualTo(JobRegistry.Outcome.CREATED);
        assertThat(store.get(job.id())).contains(job);
        assertThat(fastPath.cachedJob(job.id())).contains(job);
    }

    @Test
    void register_duplicate_returnsTheFirstJobFromTheFastPath() {
        Job first = registry.register(candidate()).job();

        JobRegistry.Registration again = registry.register(candidate());

        assertThat(again.deduplicated()).isTrue();
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(fastPath.stats().hits()).isEqualTo(1);
    }

    @Test
    void register_duplicateWhileRedisIsDown_isStillDeduplicatedByTheStore() {
        Job first = registry.register(candidate()).job();
        fastPath.down = true;

        JobRegistry.Registration again = registry.register(candidate());

        assertThat(again.deduplicated()).isTrue();
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(fastPath.stats().fallbacks()).isEqualTo(1);
    }

    @Test
    void register_duplicateOfAFailedJob_startsANewAttemptOfTheSameJob() {
        Job first = registry.register(candidate()).job();
        store.transition(first.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.FAILED, clock.instant())
                .error(new JobError(ErrorCode.FETCH_FAILED, "timed out")).build());

        JobRegistry.Registration again = registry.register(candidate());

        assertThat(again.outcome()).isEqualTo(JobRegistry.Outcome.RESTARTED);
        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(again.job().attempt()).isEqualTo(2);
        assertThat(again.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(fastPath.cachedJob(first.id())).contains(again.job());
    }

    @Test
    void register_afterTheJobExpired_createsANewJobAndRepointsTheFastPath() {
        Job first = registry.register(candidate()).job();
        store.transition(first.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, clock.instant())
                .expiresAt(clock.instant().plusSeconds(60)).build());
        clock.advance(Duration.ofMinutes(5));

        Job second = candidate();
        JobRegistry.Registration again = registry.register(second);

        assertThat(again.outcome()).isEqualTo(JobRegistry.Outcome.CREATED);
        assertThat(again.job().id()).isEqualTo(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void register_whenTheFastPathClaimedButTheStoreHasAnotherJob_reportsTheStoresJobAndRepointsTheClaim() {
        fastPath.down = true;
        Job first = registry.register(candidate()).job();
        fastPath.down = false;

        JobRegistry.Registration again = registry.register(candidate());

        assertThat(again.job().id()).isEqualTo(first.id());
        assertThat(again.deduplicated()).isTrue();
        assertThat(fastPath.dedupEntry(first.dedupKey())).contains(first.id());
    }
}
