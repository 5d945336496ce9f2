package dev.docpipe.local.api.status;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.StageLease;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link JobStore} that counts the single-job reads it passes on. */
final class CountingJobStore implements JobStore {
    private final JobStore delegate;
    private final AtomicLong gets = new AtomicLong();

    CountingJobStore(JobStore delegate) {
        this.delegate = delegate;
    }

    long gets() {
        return gets.get();
    }

    void reset() {
        gets.set(0);
    }

    @Override
    public Optional<Job> get(JobId id) {
        gets.incrementAndGet();
        return delegate.get(id);
    }

    @Override
    public CreateResult createIfAbsent(Job job) {
        return delegate.createIfAbsent(job);
    }

    @Override
    public Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change) {
        return delegate.transition(id, expectedStatus, expectedAttempt, change);
    }

    @Override
    public boolean claimStage(JobId id, StageLease lease, Instant now) {
        return delegate.claimStage(id, lease, now);
    }

    @Override
    public void releaseStage(JobId id, String holder) {
        delegate.releaseStage(id, holder);
    }

    @Override
    public Page<Job> listByOwner(String owner, JobQuery query) {
        return delegate.listByOwner(owner, query);
    }

    @Override
    public List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit) {
        return delegate.findStale(activeStatus, notUpdatedSince, limit);
    }

    @Override
    public Map<JobStatus, Long> countByStatus(String owner) {
        return delegate.countByStatus(owner);
    }

    @Override
    public Job erase(JobId id, Instant at, Instant keepUntil) {
        return delegate.erase(id, at, keepUntil);
    }

    @Override
    public boolean delete(JobId id) {
        return delegate.delete(id);
    }

    @Override
    public int deleteExpired(int limit) {
        return delegate.deleteExpired(limit);
    }
}
