package dev.docpipe.testing;

import dev.docpipe.adapter.Cursors;
import dev.docpipe.job.IllegalTransitionException;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.StageLease;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fake {@link JobStore} for service unit tests; it passes the same contract as the real stores. */
public final class InMemoryJobStore implements JobStore {
    private final Clock clock;
    private final Map<JobId, Job> jobs = new HashMap<>();
    private final Map<String, JobId> dedup = new HashMap<>();
    private final Map<JobId, StageLease> leases = new HashMap<>();

    public InMemoryJobStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized CreateResult createIfAbsent(Job job) {
        JobId existing = dedup.get(job.dedupKey());
        if (existing != null) {
            Optional<Job> live = get(existing);
            if (live.isPresent()) {
                return new CreateResult(live.get(), false);
            }
            jobs.remove(existing);
        }
        jobs.put(job.id(), job);
        dedup.put(job.dedupKey(), job.id());
        return new CreateResult(job, true);
    }

    @Override
    public synchronized Optional<Job> get(JobId id) {
        return Optional.ofNullable(jobs.get(id)).filter(j -> !j.isExpired(clock.instant()));
    }

    @Override
    public synchronized Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change) {
        if (!expectedStatus.canMoveTo(change.status())) {
            throw new IllegalTransitionException(id, expectedStatus, change.status());
        }
        Job current = get(id).orElseThrow(() -> new JobNotFoundException(id));
        boolean strict = JobStatus.advancesStrictly(expectedStatus, change.status());
        boolean stageBack = !expectedStatus.startsNewAttempt(change.status()) && change.stage() != null
                && (change.stage().rank() < current.stage().rank()
                || strict && change.stage().rank() == current.stage().rank());
        if (current.status() != expectedStatus || current.attempt() != expectedAttempt || stageBack) {
            throw new StaleTransitionException(id, expectedStatus, expectedAttempt);
        }
        Job next = current.apply(change);
        jobs.put(id, next);
        return next;
    }

    @Override
    public synchronized Job erase(JobId id, Instant at, Instant keepUntil) {
        Job current = get(id).orElseThrow(() -> new JobNotFoundException(id));
        if (current.status() == JobStatus.ERASED) {
            return current;
        }
        Job tombstone = current.tombstone(at, keepUntil);
        jobs.put(id, tombstone);
        dedup.remove(current.dedupKey(), id);
        leases.remove(id);
        return tombstone;
    }

    @Override
    public synchronized boolean claimStage(JobId id, StageLease lease, Instant now) {
        Job job = Optional.ofNullable(jobs.get(id)).filter(j -> !j.isExpired(now)).orElseThrow(() -> new JobNotFoundException(id));
        if (job.status().isTerminal() || job.attempt() != lease.attempt() || job.stage() != lease.stage()) {
            return false;
        }
        StageLease held = leases.get(id);
        boolean free = held == null || !held.key().equals(lease.key()) || !held.until().isAfter(now)
                || held.holder().equals(lease.holder())
                || lease.orphanedBefore() != null && held.takenAt().isBefore(lease.orphanedBefore());
        if (free) {
            leases.put(id, lease);
        }
        return free;
    }

    @Override
    public synchronized void releaseStage(JobId id, String holder) {
        StageLease held = leases.get(id);
        if (held != null && held.holder().equals(holder)) {
            leases.remove(id);
        }
    }

    @Override
    public synchronized Page<Job> listByOwner(String owner, JobQuery q) {
        JobId after = Cursors.decode(q.cursor());
        List<Job> matching = live().stream()
                .filter(j -> j.owner().equals(owner))
                .filter(j -> after == null || j.id().compareTo(after) < 0)
                .filter(j -> q.status() == null || j.status() == q.status())
                .filter(j -> q.priority() == null || j.priority() == q.priority())
                .filter(j -> q.filename() == null || q.filename().equals(j.filename()))
                .filter(j -> q.source() == null || j.source().kind() == q.source())
                .filter(j -> q.sourceLocation() == null || q.sourceLocation().equals(j.source().location()))
                .filter(j -> q.since() == null || !j.createdAt().isBefore(q.since()))
                .filter(j -> q.until() == null || j.createdAt().isBefore(q.until()))
                .sorted(Comparator.comparing(Job::id).reversed())
                .toList();
        List<Job> page = matching.subList(0, Math.min(q.limit(), matching.size()));
        String next = matching.size() > q.limit() ? Cursors.after(page.get(page.size() - 1).id()) : null;
        return new Page<>(page, next);
    }

    @Override
    public synchronized List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit) {
        return live().stream()
                .filter(j -> j.status() == activeStatus && j.updatedAt().isBefore(notUpdatedSince))
                .sorted(Comparator.comparing(Job::updatedAt).thenComparing(Job::id))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Map<JobStatus, Long> countByStatus(String owner) {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
        live().stream().filter(j -> j.owner().equals(owner)).forEach(j -> counts.merge(j.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public synchronized boolean delete(JobId id) {
        Job removed = jobs.remove(id);
        leases.remove(id);
        if (removed != null) {
            dedup.remove(removed.dedupKey(), id);
        }
        return removed != null;
    }

    @Override
    public synchronized int deleteExpired(int limit) {
        List<JobId> expired = jobs.values().stream().filter(j -> j.isExpired(clock.instant()))
                .map(Job::id).limit(limit).toList();
        expired.forEach(this::delete);
        return expired.size();
    }

    private List<Job> live() {
        return jobs.values().stream().filter(j -> !j.isExpired(clock.instant())).toList();
    }
}
