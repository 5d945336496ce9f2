package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve}'s {@code GET /metrics} over HTTP (no key needed) and its log file: a job and its duplicate
 * move the counters, and {@code serve.log} is JSON lines that name the job.
 */
class ServeMetricsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static double sample(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }

    @Test
    void metricsCountAJobAndItsDuplicate_andTheLogFileIsJsonLinesNamingTheJob() throws Exception {
        try (ServeProcess serve = new ServeProcess(tmp.resolve("data"), tmp.resolve("serve.out"), List.of("--no-redis"))) {
            serve.start();
            String key = serve.key();
            HttpResponse<String> before = serve.get("/metrics", null);
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(sample(before.body(), "docpipe_jobs_created_total")).isZero();

            String body = "{\"content\":\"# Metrics " + UUID.randomUUID() + "\",\"format\":\"markdown\"}";
            HttpResponse<String> first = serve.post("/jobs", key, body);
            HttpResponse<String> second = serve.post("/jobs", key, body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            String id = ServeProcess.json(first).path("id").asText();

            String text = serve.get("/metrics", null).body();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (sample(text, "docpipe_jobs_completed_total") < 1 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                text = serve.get("/metrics", null).body();
            }

            assertThat(sample(text, "docpipe_jobs_created_total")).isEqualTo(1.0);
            assertThat(sample(text, "docpipe_jobs_deduplicated_total")).isEqualTo(1.0);
            assertThat(sample(text, "docpipe_jobs_completed_total")).isEqualTo(1.0);
            assertThat(sample(text, "docpipe_stage_duration_milliseconds_count{stage=\"render\"}")).isEqualTo(1.0);
            assertThat(serve.stop()).isZero(); // the log is complete once serve has stopped
            List<String> lines = Files.readAllLines(serve.data.resolve("serve.log"));
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
            }
            List<JsonNode> ofJob = lines.stream().map(ServeMetricsIT::parse).filter(l -> id.equals(l.path("jobId").asText()))
                    .toList();
            assertThat(ofJob).extracting(l -> l.path("function").asText()).contains("submit", "parse", "render", "store");
            assertThat(String.join("\n", lines)).doesNotContain(key);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
