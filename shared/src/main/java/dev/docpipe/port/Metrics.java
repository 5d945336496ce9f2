package dev.docpipe.port;

/**
 * Where services record what happened. Implementations are thread-safe and never throw because of
 * their backend: a metric is not worth failing a job for. Label values follow {@link Metric#labels()}.
 */
public interface Metrics {

    /** Adds {@code amount} to a {@link Metric.Kind#COUNTER}. */
    void count(Metric metric, long amount, String... labelValues);

    /** Records one value (milliseconds) of a {@link Metric.Kind#HISTOGRAM}. */
    void observe(Metric metric, double millis, String... labelValues);

    default void increment(Metric metric, String... labelValues) {
        count(metric, 1, labelValues);
    }

    /** Publishes what was recorded since the last flush; called at the end of each Lambda invocation. */
    default void flush() {
    }

    /** Records nothing (tests, and code that is not wired for metrics). */
    static Metrics none() {
        return None.INSTANCE;
    }

    /** The no-op sink. */
    final class None implements Metrics {
        private static final None INSTANCE = new None();

        private None() {
        }

        @Override
        public void count(Metric metric, long amount, String... labelValues) {
            metric.labelValues(labelValues);
        }

        @Override
        public void observe(Metric metric, double millis, String... labelValues) {
            metric.labelValues(labelValues);
        }
    }
}
