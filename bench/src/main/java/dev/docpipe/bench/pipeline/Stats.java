package dev.docpipe.bench.pipeline;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Percentiles (nearest rank) of a set of samples. */
final class Stats {
    private final double[] sorted;

    private Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(this.sorted);
    }

    static Stats of(double[] values) {
        return new Stats(values);
    }

    static Stats of(Collection<? extends Number> values) {
        return new Stats(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile, {@code q} in (0, 1]; NaN when empty. */
    double percentile(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double median() {
        return percentile(0.5);
    }

    double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    double sum() {
        double s = 0;
        for (double v : sorted) {
            s += v;
        }
        return s;
    }

    double mean() {
        return sorted.length == 0 ? Double.NaN : sum() / sorted.length;
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }
}
