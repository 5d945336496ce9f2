package dev.docpipe.function.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.job.JobId;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.StageQueues;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request SubmitHandler's CRaC hook sends through the handler before a SnapStart snapshot reads
 * the job store once and writes nothing: every adapter but the store's {@code get} fails the test.
 */
class SnapStartPrimingTest {
    private final List<String> storeCalls = new ArrayList<>();

    private static <T> T untouchable(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, m, a) -> {
            throw new AssertionError(type.getSimpleName() + "." + m.getName() + " must not be called while priming");
        }));
    }

    @Test
    void primingRequest_readsTheStoreOnce_andAnswers404() throws Exception {
        JobStore store = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[]{JobStore.class},
                (p, m, a) -> {
                    storeCalls.add(m.getName());
                    if (m.getName().equals("get")) {
                        return Optional.empty();
                    }
                    throw new AssertionError("JobStore." + m.getName() + " must not be called while priming");
                });
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
        FastPath fastPath = untouchable(FastPath.class);
        StageQueues queues = untouchable(StageQueues.class);
        JobTransitions transitions = new JobTransitions(store, fastPath, Duration.ofHours(1));
        SubmitService service = new SubmitService(
                new Intake(new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1)), transitions,
                        queues, clock, 1024, Duration.ofDays(30)),
                transitions, untouchable(Blobs.class), queues, clock, "docpipe", 1024, Duration.ofDays(30));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SubmitHandler(service).handleRequest(new ByteArrayInputStream(
                SubmitHandler.Priming.retryEvent(JobId.newId(clock.instant())).getBytes(StandardCharsets.UTF_8)), out, null);

        JsonNode response = new ObjectMapper().readTree(out.toByteArray());
        assertThat(response.path("statusCode").asInt()).isEqualTo(404);
        assertThat(storeCalls).containsExactly("get");
    }
}
