package dev.docpipe.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("dev.docpipe.pipeline.StageRunner");
    private final JsonLogEncoder encoder = new JsonLogEncoder();

    private LoggingEvent event(String message, Throwable thrown, Object... args) {
        LoggingEvent e = new LoggingEvent("fqcn", logger, Level.INFO, message, thrown, args);
        e.setTimeStamp(1_795_600_800_123L);
        e.setThreadName("worker-1");
        return e;
    }

    private JsonNode encode(LoggingEvent e) throws Exception {
        String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        return JSON.readTree(line);
    }

    @Test
    void aLine_isOneJsonObjectWithTheFixedFieldsMdcAndKeyValues() throws Exception {
        LoggingEvent e = event("job {} parse done in {} ms", null, "01936f3a", 12);
        e.setMDCPropertyMap(Map.of("jobId", "01936f3a", "stage", "parse", "owner", "key-alice"));
        e.addKeyValuePair(new KeyValuePair("durationMs", 12L));

        JsonNode line = encode(e);

        assertThat(line.path("timestamp").asText()).isEqualTo("2026-11-25T10:00:00.123Z");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("logger").asText()).isEqualTo("dev.docpipe.pipeline.StageRunner");
        assertThat(line.path("message").asText()).isEqualTo("job 01936f3a parse done in 12 ms");
        assertThat(line.path("thread").asText()).isEqualTo("worker-1");
        assertThat(line.path("jobId").asText()).isEqualTo("01936f3a");
        assertThat(line.path("stage").asText()).isEqualTo("parse");
        assertThat(line.path("owner").asText()).isEqualTo("key-alice");
        assertThat(line.path("durationMs").isIntegralNumber()).isTrue();
        assertThat(line.path("durationMs").asLong()).isEqualTo(12);
        assertThat(line.has("error")).isFalse();
    }

    @Test
    void signaturesAndKeys_areMaskedInMessageMdcKeyValuesAndStackTrace() throws Exception {
        String url = "http://h/b/k?X-Amz-Signature=feedface1234&X-Amz-Credential=AKIDLEAK";
        LoggingEvent e = event("uploading to {}", new IllegalStateException("x-api-key: apikeyleak at " + url), url);
        e.setMDCPropertyMap(Map.of("requestId", "r-1", "traceId", url));
        e.addKeyValuePair(new KeyValuePair("target", url));

        String line = new String(encoder.encode(e), StandardCharsets.UTF_8);

        assertThat(line).doesNotContain("feedface1234").doesNotContain("AKIDLEAK").doesNotContain("apikeyleak");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("error").asText()).contains("IllegalStateException").contains("\tat ");
        assertThat(json.path("message").asText()).contains("X-Amz-Signature=***");
    }

    @Test
    void fieldsNamedLikeTheFixedOnes_doNotReplaceThem() throws Exception {
        LoggingEvent e = event("real message", null);
        e.setMDCPropertyMap(Map.of("message", "forged", "level", "ERROR"));
        e.addKeyValuePair(new KeyValuePair("timestamp", "forged"));

        JsonNode line = encode(e);

        assertThat(line.path("message").asText()).isEqualTo("real message");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("timestamp").asText()).startsWith("2026-");
        List<String> names = JSON.convertValue(line, Map.class).keySet().stream().map(Object::toString).toList();
        assertThat(names).doesNotHaveDuplicates();
    }
}
