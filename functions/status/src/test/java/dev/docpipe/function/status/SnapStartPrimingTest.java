package dev.docpipe.function.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.QueueMonitor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request StatusHandler's CRaC hook sends through the handler before a SnapStart snapshot is
 * {@code GET /health}: it touches the store, the bucket and the queues with reads only, and answers.
 */
class SnapStartPrimingTest {
    private final List<String> calls = new ArrayList<>();

    private <T> T readsOnly(Class<T> type, String allowed, Object answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, m, a) -> {
            calls.add(type.getSimpleName() + "." + m.getName());
            if (m.getName().equals(allowed)) {
                return answer;
            }
            throw new AssertionError(type.getSimpleName() + "." + m.getName() + " must not be called while priming");
        }));
    }

    @Test
    void primingRequest_isAHealthCheckThatOnlyReads() throws Exception {
        Config config = Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t"));
        Components c = new Components(config, Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
                readsOnly(JobStore.class, "get", Optional.empty()), new NoFastPath(),
                readsOnly(Blobs.class, "head", Optional.empty()), null);
        QueueMonitor queues = readsOnly(QueueMonitor.class, "probe", null);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StatusHandler(c, queues).handleRequest(
                new ByteArrayInputStream(StatusHandler.Priming.HEALTH_EVENT.getBytes(StandardCharsets.UTF_8)), out, null);

        JsonNode response = new ObjectMapper().readTree(out.toByteArray());
        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(calls).containsExactlyInAnyOrder("JobStore.get", "QueueMonitor.probe", "Blobs.head");
    }
}
