package dev.docpipe.bench;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.JobStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Job store operations against the real servers: a create of new content (the dedup transaction or
 * {@code INSERT … ON CONFLICT}), a create of known content (the duplicate path), and a conditional
 * transition.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JobStoreBenchmark {

    @State(Scope.Benchmark)
    public static class Stores {
        @Param({"dynamodb", "postgres"})
        public String store;
        StoreFixture fixture;
        Job known;

        @Setup(Level.Trial)
        public void start() {
            fixture = StoreFixture.start(store);
            known = fixture.store.createIfAbsent(StoreFixture.newJob("bench-dup")).job();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            fixture.close();
        }
    }

    /** One running job per benchmark thread, moved RUNNING → RUNNING (progress) on every call. */
    @State(Scope.Thread)
    public static class RunningJob {
        Job job;
        int progress;

        @Setup(Level.Trial)
        public void create(Stores stores) {
            JobStore store = stores.fixture.store;
            job = store.createIfAbsent(StoreFixture.newJob("bench-transition")).job();
            job = store.transition(job.id(), JobStatus.QUEUED, 1,
                    JobChange.to(JobStatus.RUNNING, Instant.now()).stage(Stage.PARSE).build());
        }
    }

    @Benchmark
    public JobStore.CreateResult createIfAbsent_newContent(Stores stores) {
        return stores.fixture.store.createIfAbsent(StoreFixture.newJob("bench-create"));
    }

    @Benchmark
    public JobStore.CreateResult createIfAbsent_duplicate(Stores stores) {
        Job again = StoreFixture.newJob("bench-dup");
        Job duplicate = new Job(again.id(), again.owner(), again.source(), again.filename(), again.format(),
                again.priority(), again.options(), stores.known.dedupKey(), again.status(), again.stage(),
                again.progress(), again.attempt(), again.createdAt(), again.updatedAt(), again.timestamps(),
                null, null, null);
        return stores.fixture.store.createIfAbsent(duplicate);
    }

    @Benchmark
    public Job transition_conditional(Stores stores, RunningJob running) {
        running.progress = (running.progress + 1) % 100;
        running.job = stores.fixture.store.transition(running.job.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, Instant.now()).progress(running.progress).build());
        return running.job;
    }
}
