package dev.docpipe.function.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancel and retry when another writer moves the job between the read and the conditional write. */
class SubmitServiceRaceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    /** A store whose reads return the queued versions in turn and whose writes fail stale {@code staleWrites} times. */
    static final class ScriptedStore {
        final Deque<Job> reads = new ArrayDeque<>();
        int staleWrites;
        final List<JobChange> applied = new ArrayList<>();

        JobStore proxy() {
            return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[]{JobStore.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "get" -> Optional.ofNullable(reads.size() > 1 ? reads.poll() : reads.peek());
                        case "transition" -> {
                            if (staleWrites-- > 0) {
                                throw new StaleTransitionException((JobId) a[0], (JobStatus) a[1], (Integer) a[2]);
                            }
                            JobChange change = (JobChange) a[3];
                            applied.add(change);
                            yield reads.peek().apply(change);
                        }
                        default -> throw new AssertionError(m.getName());
                    });
        }
    }

    private final ScriptedStore store = new ScriptedStore();
    private final List<StageMessage> sent = new ArrayList<>();
    private final SubmitService service;

    SubmitServiceRaceTest() {
        FastPath fastPath = (FastPath) Proxy.newProxyInstance(FastPath.class.getClassLoader(),
                new Class<?>[]{FastPath.class}, (p, m, a) -> null);
        StageQueues queues = (StageQueues) Proxy.newProxyInstance(StageQueues.class.getClassLoader(),
                new Class<?>[]{StageQueues.class}, (p, m, a) -> sent.add((StageMessage) a[0]));
        JobTransitions transitions = new JobTransitions(store.proxy(), fastPath, Duration.ofHours(1));
        service = new SubmitService(null, transitions, null, queues, java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC),
                "docpipe", 1_000_000, Duration.ofDays(30));
    }

    private static final JobId ID = JobId.newId(NOW);

    private static Job job(JobStatus status) {
        Job queued = Job.newQueued(ID, "key-alice", Source.url("https://example.com/"), null, null, Priority.LOW,
                Map.of(), "v1:x:y", NOW.minusSeconds(60));
        return status == JobStatus.QUEUED ? queued : queued.apply(JobChange.to(status, NOW.minusSeconds(30)).build());
    }

    private ApiResponse call(String method, String route, String owner) {
        return service.handle(new ApiRequest(method, route, "/x", Map.of("id", ID.value()), Map.of(), Map.of(), null,
                owner, "req-1"));
    }

    @Test
    void cancel_afterAStaleWrite_rereadsAndCancelsTheJobAsItIsNow() throws Exception {
        store.reads.add(job(JobStatus.QUEUED));
        store.reads.add(job(JobStatus.RUNNING));
        store.staleWrites = 1;

        ApiResponse r = call("DELETE", "/jobs/{id}", "key-alice");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("cancelled");
        assertThat(body.path("error").path("code").asText()).isEqualTo("cancelled");
        assertThat(store.applied).singleElement().satisfies(c -> assertThat(c.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(30))));
    }

    @Test
    void cancel_whenTheRaceEndedTheJob_isAConflict() {
        store.reads.add(job(JobStatus.RUNNING));
        store.reads.add(job(JobStatus.FAILED));
        store.staleWrites = 1;

        assertThatThrownBy(() -> call("DELETE", "/jobs/{id}", "key-alice")).isInstanceOfSatisfying(DocpipeException.class,
                e -> assertThat(e.code().code()).isEqualTo("conflict"));
    }

    @Test
    void cancel_staleTwice_givesUpWithStaleTransition() {
        store.reads.add(job(JobStatus.QUEUED));
        store.staleWrites = 2;

        assertThatThrownBy(() -> call("DELETE", "/jobs/{id}", "key-alice")).isInstanceOf(StaleTransitionException.class);
    }

    @Test
    void retry_sendsTheParseMessageOfTheNewAttempt() throws Exception {
        store.reads.add(job(JobStatus.FAILED));

        ApiResponse r = call("POST", "/jobs/{id}/retry", "key-alice");

        assertThat(r.status()).isEqualTo(202);
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.jobId()).isEqualTo(ID);
            assertThat(m.attempt()).isEqualTo(2);
            assertThat(m.priority()).isEqualTo(Priority.LOW);
            assertThat(m.traceId()).isEqualTo("req-1");
        });
    }

    @Test
    void anotherOwnersJob_isNotFound_forCancelAndRetry() {
        store.reads.add(job(JobStatus.FAILED));

        for (String[] route : new String[][]{{"DELETE", "/jobs/{id}"}, {"POST", "/jobs/{id}/retry"}}) {
            assertThatThrownBy(() -> call(route[0], route[1], "key-bob")).isInstanceOfSatisfying(DocpipeException.class,
                    e -> assertThat(e.code().code()).isEqualTo("not_found"));
        }
        assertThat(store.applied).isEmpty();
        assertThat(sent).isEmpty();
    }
}
