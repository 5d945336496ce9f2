package dev.docpipe.adapter.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.port.Metric;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EmfMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), "docpipe");

    private List<JsonNode> flushed() throws Exception {
        metrics.flush();
        List<JsonNode> docs = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                docs.add(JSON.readTree(line));
            }
        }
        out.reset();
        return docs;
    }

    @Test
    void nothingRecorded_writesNothing() throws Exception {
        assertThat(flushed()).isEmpty();
    }

    @Test
    void counters_areSummedPerInvocation_andShareADocumentPerDimensionSet() throws Exception {
        metrics.increment(Metric.JOBS_CREATED);
        metrics.increment(Metric.JOBS_CREATED);
        metrics.increment(Metric.JOBS_COMPLETED);
        metrics.increment(Metric.JOBS_FAILED, "empty_document");

        List<JsonNode> docs = flushed();

        assertThat(docs).hasSize(2);
        JsonNode plain = docs.get(0);
        JsonNode directive = plain.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(plain.path("_aws").path("Timestamp").asLong()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
        assertThat(directive.path("Namespace").asText()).isEqualTo("docpipe");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"service\"]]");
        assertThat(directive.path("Metrics").toString())
                .isEqualTo("[{\"Name\":\"jobs_created\",\"Unit\":\"Count\"},{\"Name\":\"jobs_completed\",\"Unit\":\"Count\"}]");
        assertThat(plain.path("service").asText()).isEqualTo("docpipe");
        assertThat(plain.path("jobs_created").asDouble()).isEqualTo(2.0);
        assertThat(plain.path("jobs_completed").asDouble()).isEqualTo(1.0);

        JsonNode failed = docs.get(1);
        assertThat(failed.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
                .isEqualTo("[[\"service\",\"code\"]]");
        assertThat(failed.path("code").asText()).isEqualTo("empty_document");
        assertThat(failed.path("jobs_failed").asDouble()).isEqualTo(1.0);
    }

    @Test
    void histograms_areValueArrays_splitAtOneHundredValuesPerDocument() throws Exception {
        for (int i = 1; i <= 150; i++) {
            metrics.observe(Metric.STAGE_DURATION, i, "render");
        }

        List<JsonNode> docs = flushed();

        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).path("stage_duration")).hasSize(100);
        assertThat(docs.get(1).path("stage_duration")).hasSize(50);
        assertThat(docs.get(1).path("stage_duration").get(49).asDouble()).isEqualTo(150.0);
        assertThat(docs.get(0).path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Unit").asText())
                .isEqualTo("Milliseconds");
        assertThat(docs.get(0).path("stage").asText()).isEqualTo("render");
    }

    @Test
    void aFlush_forgetsWhatItWrote() throws Exception {
        metrics.increment(Metric.JOBS_CREATED);
        assertThat(flushed()).hasSize(1);

        assertThat(flushed()).isEmpty();
    }
}
