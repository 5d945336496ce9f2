package dev.docpipe.local.observability;

import dev.docpipe.adapter.metrics.PrometheusMetrics;
import dev.docpipe.config.Config;
import dev.docpipe.local.LocalPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static dev.docpipe.local.observability.PrometheusText.awaitValue;
import static dev.docpipe.local.observability.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode's metrics, read as a {@code GET /metrics} would read them ({@link PrometheusMetrics#render()}
 * of {@link LocalPipeline#metrics()}): a small batch through the whole pipeline moves each counter by
 * exactly what happened, and stopping Redis shows up as fast-path fallbacks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusMetricsIT {
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private LocalPipeline pipeline;
    private S3Client s3;

    @BeforeAll
    void start() {
        // a Redis answer slower than the default 100 ms (a busy build machine) would be a fallback, and move the
        // counters this test checks by one
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, true)
                .withSettings(Map.of("DOCPIPE_REDIS_TIMEOUT_MS", "5000")));
        s3 = pipeline.s3().newClient();
    }

    @AfterAll
    void stop() {
        s3.close();
        pipeline.close();
    }

    private void upload(String name, String content) {
        s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/metrics/" + name),
                RequestBody.fromBytes(content.getBytes(StandardCharsets.UTF_8)));
    }

    private String await(String series, double expected) throws InterruptedException {
        return awaitValue(pipeline.metrics()::render, series, expected, PATIENCE);
    }

    @Test
    void aBatch_movesEachCounterByWhatHappened_andAStoppedRedisShowsAsFallbacks() throws Exception {
        String text = pipeline.metrics().render();
        assertThat(text).contains("# TYPE docpipe_jobs_created_total counter\n")
                .contains("# TYPE docpipe_stage_duration_milliseconds histogram\n");
        String salt = UUID.randomUUID().toString();
        String first = "# First " + salt + "\n\nSome text.\n";

        upload("first.md", first);
        upload("second.txt", "Second " + salt);
        upload("third.html", "<h1>Third " + salt + "</h1><p>text</p>");
        upload("empty.txt", "");
        await("docpipe_jobs_created_total", 4);
        upload("first-again.md", first); // the same bytes from the same owner: the first job
        await("docpipe_jobs_deduplicated_total", 1);
        await("docpipe_jobs_completed_total", 3);
        text = await("docpipe_jobs_failed_total{code=\"empty_document\"}", 1);
        Thread.sleep(300); // nothing more is in flight; late increments would show below

        text = pipeline.metrics().render();
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("docpipe_jobs_created_total", 4.0);
        expected.put("docpipe_jobs_deduplicated_total", 1.0);
        expected.put("docpipe_jobs_restarted_total", 0.0);
        expected.put("docpipe_jobs_completed_total", 3.0);
        expected.put("docpipe_jobs_failed_total{code=\"empty_document\"}", 1.0);
        expected.put("docpipe_stage_duration_milliseconds_count{stage=\"parse\"}", 3.0);
        expected.put("docpipe_stage_duration_milliseconds_count{stage=\"render\"}", 3.0);
        expected.put("docpipe_stage_duration_milliseconds_count{stage=\"store\"}", 3.0);
        expected.put("docpipe_end_to_end_latency_milliseconds_count{priority=\"default\"}", 3.0);
        expected.put("docpipe_queue_wait_milliseconds_count{stage=\"ingest\"}", 5.0);
        expected.put("docpipe_queue_wait_milliseconds_count{stage=\"parse\"}", 4.0);
        expected.put("docpipe_queue_wait_milliseconds_count{stage=\"render\"}", 3.0);
        expected.put("docpipe_queue_wait_milliseconds_count{stage=\"store\"}", 3.0);
        expected.put("docpipe_fastpath_misses_total{op=\"dedup\"}", 4.0);
        expected.put("docpipe_fastpath_hits_total{op=\"dedup\"}", 1.0);
        expected.put("docpipe_fastpath_fallbacks_total", 0.0);
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertThat(value(text, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(text).doesNotContain("docpipe_jobs_failed_total{code=\"retries_exhausted\"}");
        assertThat(value(text, "docpipe_end_to_end_latency_milliseconds_sum{priority=\"default\"}")).isPositive();

        pipeline.redis().stop();
        try {
            upload("without-redis.md", "# Without Redis " + salt);
            await("docpipe_jobs_completed_total", 4);
            Thread.sleep(300);
            text = pipeline.metrics().render();
            assertThat(value(text, "docpipe_jobs_created_total")).isEqualTo(5.0);
            // one failed call each: the dedup claim, the status cache write after the create, and the cache write
            // after each of the four transitions (queued → parse → render → store → completed)
            assertThat(value(text, "docpipe_fastpath_fallbacks_total")).isEqualTo(6.0);
            assertThat(value(text, "docpipe_fastpath_misses_total{op=\"dedup\"}")).isEqualTo(4.0);
        } finally {
            pipeline.redis().start();
        }
    }
}
