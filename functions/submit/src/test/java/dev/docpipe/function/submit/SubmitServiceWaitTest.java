package dev.docpipe.function.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.StageQueues;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /jobs?wait=N} against a scripted store: what the answer is while the job moves, when it
 * does not, and when reading it fails. The pipeline itself runs in local's SubmitApiIT and ServeApiIT.
 */
class SubmitServiceWaitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    /** The created job, and what each later read of it returns (the created job changed by {@code script}). */
    private final List<Job> created = new ArrayList<>();
    private final List<Instant> reads = new ArrayList<>();
    private UnaryOperator<Job> script = job -> job;

    private final JobStore store = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(),
            new Class<?>[]{JobStore.class}, (p, m, a) -> switch (m.getName()) {
                case "createIfAbsent" -> {
                    created.add((Job) a[0]);
                    yield new JobStore.CreateResult((Job) a[0], true);
                }
                case "get" -> {
                    reads.add(Instant.now());
                    yield Optional.of(script.apply(created.get(0)));
                }
                default -> throw new AssertionError(m.getName());
            });
    private final Blobs blobs = (Blobs) Proxy.newProxyInstance(Blobs.class.getClassLoader(), new Class<?>[]{Blobs.class},
            (p, m, a) -> switch (m.getName()) {
                case "put" -> null;
                case "presignGet" -> URI.create("https://storage.example/" + ((BlobRef) a[0]).key() + "?signed");
                default -> throw new AssertionError(m.getName());
            });
    private final StageQueues queues = (StageQueues) Proxy.newProxyInstance(StageQueues.class.getClassLoader(),
            new Class<?>[]{StageQueues.class}, (p, m, a) -> null);
    private final SubmitService service;

    SubmitServiceWaitTest() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JobTransitions transitions = new JobTransitions(store, new NoFastPath(), Duration.ofHours(1));
        service = new SubmitService(new Intake(new JobRegistry(store, new NoFastPath(), clock, Duration.ofDays(1),
                Duration.ofHours(1)), transitions, queues, clock, 1_000_000, Duration.ofDays(30)),
                transitions, blobs, queues, clock, "docpipe", 1_000_000, Duration.ofDays(30));
    }

    private ApiResponse submit(String wait) {
        return service.handle(new ApiRequest("POST", "/jobs", "/jobs", Map.of(), Map.of("wait", wait),
                Map.of("Content-Type", "application/json"), "{\"content\": \"# Now\"}", "key-alice", "req-1"));
    }

    private static Job completed(Job job) {
        return job.apply(JobChange.to(JobStatus.RUNNING, NOW).stage(Stage.STORE).build())
                .apply(JobChange.to(JobStatus.COMPLETED, NOW).progress(100)
                        .result(new JobResult("s3://docpipe/pdf/" + job.id().value() + ".pdf", 1, 1234)).build());
    }

    @Test
    void aJobCompletingWhileWaited_is200WithItsDownloadUrl_afterAFewBackedOffReads() throws Exception {
        script = job -> reads.size() < 3 ? job : completed(job);

        ApiResponse r = submit("10");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("deduplicated").asBoolean(true)).isFalse();
        assertThat(body.path("result").path("downloadUrl").asText())
                .isEqualTo("https://storage.example/pdf/" + created.get(0).id().value() + ".pdf?signed");
        assertThat(reads).hasSize(3);
    }

    @Test
    void aJobThatDoesNotSettle_is202AfterTheWait_readWithBackoffNotInABusyLoop() throws Exception {
        long started = System.nanoTime();

        ApiResponse r = submit("2");

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.status()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("queued");
        assertThat(JSON.readTree(r.body()).path("result").isMissingNode()).isTrue();
        assertThat(tookMillis).isGreaterThanOrEqualTo(2000);
        // pauses of 50, 100, 200, 400, 800 ms, then what is left of the 2 s: 6 reads, not a busy loop
        assertThat(reads.size()).isBetween(2, 7);
    }

    @Test
    void aFailingReadWhileWaiting_endsTheWait_andTheSubmissionStillAnswers202() throws Exception {
        script = job -> {
            throw new IllegalStateException("store unavailable");
        };

        ApiResponse r = submit("20");

        assertThat(r.status()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).path("id").asText()).isEqualTo(created.get(0).id().value());
        assertThat(reads).hasSize(1);
    }

    @Test
    void waitZero_answersAtOnceWithoutReading() {
        assertThat(submit("0").status()).isEqualTo(202);
        assertThat(reads).isEmpty();
    }
}
