package dev.docpipe.local.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Reads sample values out of Prometheus text. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** The value of the sample named exactly {@code series} (name and labels as rendered), 0 if absent. */
    static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** Waits until {@code series} reaches {@code expected} in the text {@code render} gives; returns the last text. */
    static String awaitValue(Supplier<String> render, String series, double expected, Duration patience)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        String text = render.get();
        while (value(text, series) < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            text = render.get();
        }
        return text;
    }
}
