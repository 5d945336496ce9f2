package dev.docpipe.adapter.metrics;

import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process registry for local mode, read in the Prometheus text exposition format (0.0.4) by
 * {@link #render()}: counters as {@code docpipe_<name>_total}, histograms as
 * {@code docpipe_<name>_milliseconds} with cumulative {@code _bucket{le="…"}}, {@code _sum} and
 * {@code _count}; a {@code # HELP} and {@code # TYPE} line for every metric of {@link Metric}, recorded
 * or not. A counter without labels is shown as 0 before its first event, so a scrape can tell "none
 * yet" from "not exported".
 */
public final class PrometheusMetrics implements Metrics {
    /** The Content-Type of {@link #render()}'s text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Upper bounds of the histogram buckets, in milliseconds ({@code +Inf} is implied). */
    public static final double[] BUCKETS_MS = {5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000,
            60_000, 120_000, 300_000, 900_000};

    private static final String PREFIX = "docpipe_";

    private final Map<Metric, Map<List<String>, LongAdder>> counters = new EnumMap<>(Metric.class);
    private final Map<Metric, Map<List<String>, Histogram>> histograms = new EnumMap<>(Metric.class);

    public PrometheusMetrics() {
        for (Metric m : Metric.values()) {
            if (m.kind() == Metric.Kind.COUNTER) {
                counters.put(m, new ConcurrentHashMap<>());
            } else {
                histograms.put(m, new ConcurrentHashMap<>());
            }
        }
    }

    @Override
    public void count(Metric metric, long amount, String... labelValues) {
        List<String> labels = metric.labelValues(labelValues);
        Map<List<String>, LongAdder> series = counters.get(metric);
        if (series == null) {
            throw new IllegalArgumentException(metric.metricName() + " is a histogram, not a counter");
        }
        if (amount < 0) {
            throw new IllegalArgumentException("a counter only goes up: " + amount);
        }
        series.computeIfAbsent(labels, k -> new LongAdder()).add(amount);
    }

    @Override
    public void observe(Metric metric, double millis, String... labelValues) {
        List<String> labels = metric.labelValues(labelValues);
        Map<List<String>, Histogram> series = histograms.get(metric);
        if (series == null) {
            throw new IllegalArgumentException(metric.metricName() + " is a counter, not a histogram");
        }
        series.computeIfAbsent(labels, k -> new Histogram()).observe(millis);
    }

    /** The current value of a counter series (0 if never incremented). */
    public long counterValue(Metric metric, String... labelValues) {
        LongAdder a = counters.getOrDefault(metric, Map.of()).get(metric.labelValues(labelValues));
        return a == null ? 0 : a.sum();
    }

    /** The number of values a histogram series has recorded (0 if none). */
    public long histogramCount(Metric metric, String... labelValues) {
        Histogram h = histograms.getOrDefault(metric, Map.of()).get(metric.labelValues(labelValues));
        return h == null ? 0 : h.snapshot().count;
    }

    /** Every metric in the Prometheus text format, in {@link Metric} order, series sorted by label values. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        for (Metric m : Metric.values()) {
            if (m.kind() == Metric.Kind.COUNTER) {
                String name = PREFIX + m.metricName() + "_total";
                header(out, name, m, "counter");
                Map<List<String>, LongAdder> series = counters.get(m);
                if (series.isEmpty() && m.labels().isEmpty()) {
                    out.append(name).append(" 0\n");
                }
                sorted(series).forEach(e -> out.append(name).append(labels(m.labels(), e.getKey(), null))
                        .append(' ').append(e.getValue().sum()).append('\n'));
            } else {
                String name = PREFIX + m.metricName() + "_milliseconds";
                header(out, name, m, "histogram");
                sorted(histograms.get(m)).forEach(e -> {
                    Snapshot s = e.getValue().snapshot();
                    long cumulative = 0;
                    for (int i = 0; i < BUCKETS_MS.length; i++) {
                        cumulative += s.buckets[i];
                        out.append(name).append("_bucket").append(labels(m.labels(), e.getKey(), number(BUCKETS_MS[i])))
                                .append(' ').append(cumulative).append('\n');
                    }
                    out.append(name).append("_bucket").append(labels(m.labels(), e.getKey(), "+Inf"))
                            .append(' ').append(s.count).append('\n');
                    out.append(name).append("_sum").append(labels(m.labels(), e.getKey(), null))
                            .append(' ').append(number(s.sum)).append('\n');
                    out.append(name).append("_count").append(labels(m.labels(), e.getKey(), null))
                            .append(' ').append(s.count).append('\n');
                });
            }
        }
        return out.toString();
    }

    private static void header(StringBuilder out, String name, Metric m, String type) {
        out.append("# HELP ").append(name).append(' ').append(m.help().replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> series) {
        return series.entrySet().stream()
                .sorted(Comparator.comparing(e -> String.join("\u0000", e.getKey())))
                .toList();
    }

    private static String labels(List<String> names, List<String> values, String le) {
        if (names.isEmpty() && le == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        if (le != null) {
            b.append(names.isEmpty() ? "" : ",").append("le=\"").append(le).append('"');
        }
        return b.append('}').toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private record Snapshot(long[] buckets, long count, double sum) {
    }

    /** Per-bucket counts (not cumulative), count and sum; updated and read under its own lock. */
    private static final class Histogram {
        private final long[] buckets = new long[BUCKETS_MS.length];
        private long count;
        private double sum;

        synchronized void observe(double millis) {
            int i = Arrays.binarySearch(BUCKETS_MS, millis);
            int bucket = i >= 0 ? i : -i - 1; // le: a value equal to a bound belongs to that bucket
            if (bucket < buckets.length) {
                buckets[bucket]++;
            }
            count++;
            sum += millis;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(buckets.clone(), count, sum);
        }
    }
}
