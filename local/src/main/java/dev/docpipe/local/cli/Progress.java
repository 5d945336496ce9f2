package dev.docpipe.local.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Live progress of a run. On a terminal one line is redrawn in place with {@code \r}:
 * <pre>[######x-------------] 6 done, 1 failed of 20 | 2.4 docs/s | ETA 6s</pre>
 * Otherwise (output redirected, CI logs) a plain line every {@link #PLAIN_INTERVAL_NANOS}:
 * <pre>progress: 9 done, 1 failed, 27 total, 2.4 docs/s, ETA 7s, elapsed 4s</pre>
 */
final class Progress {
    static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;
    private static final int BAR = 20;

    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final LongSupplier nanos;
    private final long started;
    private long lastPlain;
    private int lastLength;
    private String lastLine = "";
    private boolean finished;

    Progress(PrintStream out, boolean terminal, int total, LongSupplier nanos) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastPlain = started;
    }

    /** Called often (every poll); draws when there is something to show. */
    synchronized void update(int done, int failed) {
        if (finished) {
            return;
        }
        long now = nanos.getAsLong();
        if (terminal) {
            redraw(bar(done, failed, total, now - started));
        } else if (now - lastPlain >= PLAIN_INTERVAL_NANOS) {
            lastPlain = now;
            out.println(plain(done, failed, total, now - started));
            out.flush();
        }
    }

    /** The last state, then a line break: what follows starts on a fresh line. */
    synchronized void finish(int done, int failed) {
        if (finished) {
            return;
        }
        finished = true;
        long elapsed = nanos.getAsLong() - started;
        if (terminal) {
            redraw(bar(done, failed, total, elapsed));
            out.println();
        } else {
            out.println(plain(done, failed, total, elapsed));
        }
        out.flush();
    }

    /** Ends the progress line early (Ctrl-C): the next message starts on a line of its own. */
    synchronized void interrupt() {
        if (!finished && terminal && lastLength > 0) {
            out.println();
            out.flush();
        }
        finished = true;
    }

    private void redraw(String line) {
        if (line.equals(lastLine)) {
            return;
        }
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
        lastLine = line;
    }

    static String bar(int done, int failed, int total, long elapsedNanos) {
        int finished = done + failed;
        int doneCells = total == 0 ? BAR : (int) ((long) done * BAR / total);
        int failedCells = total == 0 ? 0 : (int) ((long) finished * BAR / total) - doneCells;
        StringBuilder b = new StringBuilder("[");
        b.append("#".repeat(doneCells)).append("x".repeat(failedCells)).append("-".repeat(BAR - doneCells - failedCells));
        b.append("] ").append(done).append(" done, ").append(failed).append(" failed of ").append(total);
        b.append(" | ").append(rate(finished, elapsedNanos)).append(" docs/s | ").append(eta(finished, total, elapsedNanos));
        return b.toString();
    }

    static String plain(int done, int failed, int total, long elapsedNanos) {
        int finished = done + failed;
        return "progress: " + done + " done, " + failed + " failed, " + total + " total, " + rate(finished, elapsedNanos)
                + " docs/s, " + eta(finished, total, elapsedNanos) + ", elapsed " + duration(elapsedNanos / 1_000_000_000L);
    }

    static String rate(int finished, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds <= 0 ? 0 : finished / seconds;
        return String.format(Locale.ROOT, "%.1f", rate);
    }

    /** {@code ETA 7s} from the rate so far; {@code ETA --} before the first document finishes. */
    static String eta(int finished, int total, long elapsedNanos) {
        if (finished >= total) {
            return "ETA 0s";
        }
        if (finished == 0 || elapsedNanos <= 0) {
            return "ETA --";
        }
        double perDoc = elapsedNanos / 1e9 / finished;
        return "ETA " + duration(Math.round(Math.ceil(perDoc * (total - finished))));
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
    }
}
