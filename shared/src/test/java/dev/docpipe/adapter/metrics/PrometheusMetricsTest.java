package dev.docpipe.adapter.metrics;

import dev.docpipe.port.Metric;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusMetricsTest {
    private final PrometheusMetrics metrics = new PrometheusMetrics();

    @Test
    void everyMetric_hasHelpAndTypeLines_andUnlabelledCountersStartAtZero() {
        String text = metrics.render();

        for (Metric m : Metric.values()) {
            String name = "docpipe_" + m.metricName() + (m.kind() == Metric.Kind.COUNTER ? "_total" : "_milliseconds");
            assertThat(text).contains("# HELP " + name + " " + m.help() + "\n")
                    .contains("# TYPE " + name + " " + (m.kind() == Metric.Kind.COUNTER ? "counter" : "histogram") + "\n");
        }
        assertThat(text).contains("\ndocpipe_jobs_created_total 0\n").doesNotContain("docpipe_jobs_failed_total{");
    }

    @Test
    void counters_addUpPerLabelValue() {
        metrics.increment(Metric.JOBS_CREATED);
        metrics.count(Metric.JOBS_CREATED, 2);
        metrics.increment(Metric.JOBS_FAILED, "empty_document");
        metrics.increment(Metric.JOBS_FAILED, "too_large");
        metrics.increment(Metric.JOBS_FAILED, "empty_document");

        assertThat(metrics.render()).contains("\ndocpipe_jobs_created_total 3\n")
                .contains("\ndocpipe_jobs_failed_total{code=\"empty_document\"} 2\n"
                        + "docpipe_jobs_failed_total{code=\"too_large\"} 1\n");
        assertThat(metrics.counterValue(Metric.JOBS_FAILED, "empty_document")).isEqualTo(2);
    }

    @Test
    void histograms_haveCumulativeBucketsInfSumAndCount() {
        metrics.observe(Metric.STAGE_DURATION, 3, "parse");
        metrics.observe(Metric.STAGE_DURATION, 10, "parse");
        metrics.observe(Metric.STAGE_DURATION, 7_000, "parse");
        metrics.observe(Metric.STAGE_DURATION, 2_000_000, "parse");

        String text = metrics.render();

        assertThat(text).contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"5\"} 1\n")
                .contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"10\"} 2\n")
                .contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"5000\"} 2\n")
                .contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"10000\"} 3\n")
                .contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"900000\"} 3\n")
                .contains("docpipe_stage_duration_milliseconds_bucket{stage=\"parse\",le=\"+Inf\"} 4\n")
                .contains("docpipe_stage_duration_milliseconds_sum{stage=\"parse\"} 2007013\n")
                .contains("docpipe_stage_duration_milliseconds_count{stage=\"parse\"} 4\n");
        assertThat(metrics.histogramCount(Metric.STAGE_DURATION, "parse")).isEqualTo(4);
    }

    @Test
    void labelValues_areEscaped() {
        metrics.increment(Metric.JOBS_FAILED, "a\"b\\c\nd");

        assertThat(metrics.render()).contains("docpipe_jobs_failed_total{code=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    @Test
    void wrongLabelsOrKind_areRejected() {
        assertThatThrownBy(() -> metrics.increment(Metric.JOBS_FAILED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.increment(Metric.JOBS_CREATED, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.observe(Metric.JOBS_CREATED, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.increment(Metric.STAGE_DURATION, "parse")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.count(Metric.JOBS_CREATED, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
