package dev.docpipe.adapter.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lambda's sink: CloudWatch Embedded Metric Format, written as JSON lines to stdout (Lambda ships them to
 * CloudWatch Logs, which extracts the metrics). Values are buffered and written by {@link #flush()} at the
 * end of each invocation: a counter as its sum over the invocation, a histogram as the array of its values.
 *
 * <p>One document per combination of label values: its dimension set is {@code service} plus the metric's
 * labels (e.g. {@code [service, code]} for {@code jobs_failed}), and every metric with those dimension
 * values shares it. At most {@value #MAX_VALUES} values per metric and {@value #MAX_METRICS} metrics go
 * into one document (EMF's limits); more are split into further documents.
 *
 * <p>Written here rather than through Powertools metrics: per-metric dimension sets and per-invocation
 * aggregation take fewer lines than Powertools' single dimension set per flush would need, and the function
 * jars stay free of another library.
 */
public final class EmfMetrics implements Metrics {
    public static final String NAMESPACE = "docpipe";
    public static final String SERVICE_DIMENSION = "service";
    static final int MAX_VALUES = 100;
    static final int MAX_METRICS = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<PrintStream> out;
    private final Clock clock;
    private final String service;
    /** label values → metric → values (a counter's single running sum, or a histogram's observations) */
    private final Map<Key, Map<Metric, List<Double>>> pending = new LinkedHashMap<>();

    private record Key(List<String> names, List<String> values) {
    }

    /** @param service the value of the {@code service} dimension on every metric */
    public EmfMetrics(PrintStream out, Clock clock, String service) {
        this(() -> out, clock, service);
    }

    private EmfMetrics(Supplier<PrintStream> out, Clock clock, String service) {
        this.out = out;
        this.clock = clock;
        this.service = service;
    }

    /** Stdout as Lambda captures it: {@code System.out} as it is at each flush. */
    public static EmfMetrics toStdout() {
        return new EmfMetrics(() -> System.out, Clock.systemUTC(), NAMESPACE);
    }

    @Override
    public synchronized void count(Metric metric, long amount, String... labelValues) {
        if (metric.kind() != Metric.Kind.COUNTER) {
            throw new IllegalArgumentException(metric.metricName() + " is a histogram, not a counter");
        }
        List<Double> values = slot(metric, labelValues);
        if (values.isEmpty()) {
            values.add((double) amount);
        } else {
            values.set(0, values.get(0) + amount);
        }
    }

    @Override
    public synchronized void observe(Metric metric, double millis, String... labelValues) {
        if (metric.kind() != Metric.Kind.HISTOGRAM) {
            throw new IllegalArgumentException(metric.metricName() + " is a counter, not a histogram");
        }
        slot(metric, labelValues).add(millis);
    }

    private List<Double> slot(Metric metric, String... labelValues) {
        Key key = new Key(metric.labels(), metric.labelValues(labelValues));
        return pending.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(metric, m -> new ArrayList<>());
    }

    /** Writes one EMF document per dimension combination (more if a limit is reached) and forgets them. */
    @Override
    public void flush() {
        List<String> lines = new ArrayList<>();
        synchronized (this) {
            long timestamp = clock.millis();
            pending.forEach((key, metrics) -> documents(key, metrics, timestamp, lines));
            pending.clear();
        }
        PrintStream stream = out.get();
        for (String line : lines) {
            stream.println(line);
        }
        stream.flush();
    }

    private void documents(Key key, Map<Metric, List<Double>> metrics, long timestamp, List<String> lines) {
        // each round takes up to MAX_VALUES values of up to MAX_METRICS metrics
        Map<Metric, List<Double>> left = new LinkedHashMap<>(metrics);
        while (!left.isEmpty()) {
            ObjectNode doc = JSON.createObjectNode();
            ObjectNode aws = doc.putObject("_aws");
            aws.put("Timestamp", timestamp);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode dimensions = directive.putArray("Dimensions").addArray();
            dimensions.add(SERVICE_DIMENSION);
            key.names().forEach(dimensions::add);
            ArrayNode definitions = directive.putArray("Metrics");
            doc.put(SERVICE_DIMENSION, service);
            for (int i = 0; i < key.names().size(); i++) {
                doc.put(key.names().get(i), key.values().get(i));
            }
            Map<Metric, List<Double>> next = new LinkedHashMap<>();
            int taken = 0;
            for (Map.Entry<Metric, List<Double>> e : left.entrySet()) {
                if (taken == MAX_METRICS) {
                    next.put(e.getKey(), e.getValue());
                    continue;
                }
                taken++;
                Metric m = e.getKey();
                List<Double> values = e.getValue();
                List<Double> now = values.subList(0, Math.min(MAX_VALUES, values.size()));
                ObjectNode def = definitions.addObject();
                def.put("Name", m.metricName());
                def.put("Unit", m.kind() == Metric.Kind.COUNTER ? "Count" : "Milliseconds");
                if (m.kind() == Metric.Kind.COUNTER) {
                    doc.put(m.metricName(), now.get(0));
                } else {
                    ArrayNode array = doc.putArray(m.metricName());
                    now.forEach(array::add);
                }
                if (values.size() > MAX_VALUES) {
                    next.put(m, values.subList(MAX_VALUES, values.size()));
                }
            }
            lines.add(doc.toString());
            left = next;
        }
    }
}
