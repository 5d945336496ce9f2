package dev.docpipe.local.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void bar_showsDoneFailedTotalRateAndEta() {
        assertThat(Progress.bar(9, 1, 20, 4 * SECOND))
                .isEqualTo("[#########x----------] 9 done, 1 failed of 20 | 2.5 docs/s | ETA 4s");
        assertThat(Progress.bar(0, 0, 5, SECOND))
                .isEqualTo("[--------------------] 0 done, 0 failed of 5 | 0.0 docs/s | ETA --");
        assertThat(Progress.bar(5, 0, 5, 2 * SECOND))
                .isEqualTo("[####################] 5 done, 0 failed of 5 | 2.5 docs/s | ETA 0s");
        assertThat(Progress.bar(1, 0, 3, SECOND)).startsWith("[######--------------]");
    }

    @Test
    void bar_fitsAnEightyColumnTerminal() {
        assertThat(Progress.bar(12345, 678, 99999, 3600 * SECOND)).hasSizeLessThan(80);
    }

    @Test
    void plainLine() {
        assertThat(Progress.plain(3, 0, 10, 2 * SECOND))
                .isEqualTo("progress: 3 done, 0 failed, 10 total, 1.5 docs/s, ETA 5s, elapsed 2s");
    }

    @Test
    void durations() {
        assertThat(Progress.duration(7)).isEqualTo("7s");
        assertThat(Progress.duration(65)).isEqualTo("1m05s");
        assertThat(Progress.duration(3700)).isEqualTo("1h01m");
        assertThat(Progress.eta(1, 1000, 3 * SECOND)).isEqualTo("ETA 49m57s");
    }

    @Test
    void onATerminal_theLineIsRedrawnInPlace_andPaddedOverALongerOne() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 100, clock::get);

        clock.set(SECOND);
        p.update(10, 0);
        clock.set(2 * SECOND);
        p.update(10, 0);
        p.update(10, 0); // nothing changed: nothing drawn
        clock.set(3 * SECOND);
        p.finish(100, 0);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r[##").endsWith("\n").doesNotContain("\n\r");
        assertThat(out.split("\r", -1)).hasSize(4); // three draws
        assertThat(out).contains("10 done, 0 failed of 100 | 10.0 docs/s | ETA 9s")
                .contains("10 done, 0 failed of 100 | 5.0 docs/s | ETA 18s")
                .contains("100 done, 0 failed of 100 | 33.3 docs/s | ETA 0s");
    }

    @Test
    void withoutATerminal_aPlainLineEveryTwoSeconds_andNoCarriageReturns() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 4, clock::get);

        for (int ms = 250; ms <= 4500; ms += 250) {
            clock.set(ms * 1_000_000L);
            p.update(ms / 1500, 0);
        }
        p.finish(4, 0);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines()).containsExactly(
                "progress: 1 done, 0 failed, 4 total, 0.5 docs/s, ETA 6s, elapsed 2s",
                "progress: 2 done, 0 failed, 4 total, 0.5 docs/s, ETA 4s, elapsed 4s",
                "progress: 4 done, 0 failed, 4 total, 0.9 docs/s, ETA 0s, elapsed 4s");
    }

    @Test
    void interrupt_endsTheTerminalLine_andLaterUpdatesDrawNothing() {
        AtomicLong clock = new AtomicLong(SECOND);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 10, clock::get);
        p.update(1, 0);
        p.interrupt();
        int length = bytes.size();
        clock.set(5 * SECOND);
        p.update(2, 0);
        p.finish(2, 0);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("\n");
        assertThat(bytes.size()).isEqualTo(length);
    }
}
