package dev.docpipe.adapter.redis;

import io.netty.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SleepingTimer}: what lettuce expects of netty's {@code Timer}. */
class SleepingTimerTest {
    private final SleepingTimer timer = new SleepingTimer("test-timer");

    @AfterEach
    void stop() {
        timer.stop();
    }

    @Test
    void aTimeout_runsItsTaskOnceAfterTheDelay_andIsThenExpired() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Timeout[] seen = new Timeout[1];
        long t0 = System.nanoTime();
        Timeout timeout = timer.newTimeout(t -> {
            seen[0] = t;
            ran.countDown();
        }, 50, TimeUnit.MILLISECONDS);

        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(seen[0]).isSameAs(timeout);
        assertThat(timeout.isExpired()).isTrue();
        assertThat(timeout.isCancelled()).isFalse();
        assertThat(timeout.cancel()).isFalse();
        assertThat(timeout.timer()).isSameAs(timer);
    }

    @Test
    void aCancelledTimeout_neverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Timeout timeout = timer.newTimeout(t -> runs.incrementAndGet(), 200, TimeUnit.MILLISECONDS);

        assertThat(timeout.cancel()).isTrue();
        CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(t -> later.countDown(), 400, TimeUnit.MILLISECONDS);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(runs).hasValue(0);
        assertThat(timeout.isCancelled()).isTrue();
        assertThat(timeout.isExpired()).isFalse();
    }

    @Test
    void aFailingTask_doesNotStopTheTimer() throws Exception {
        timer.newTimeout(t -> {
            throw new IllegalStateException("boom");
        }, 0, TimeUnit.MILLISECONDS);
        CountDownLatch next = new CountDownLatch(1);
        timer.newTimeout(t -> next.countDown(), 10, TimeUnit.MILLISECONDS);

        assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void afterStop_newTimeoutsAreRefused_andPendingOnesNeverRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        timer.newTimeout(t -> runs.incrementAndGet(), 100, TimeUnit.MILLISECONDS);

        timer.stop();

        assertThatThrownBy(() -> timer.newTimeout(t -> runs.incrementAndGet(), 0, TimeUnit.MILLISECONDS))
                .isInstanceOf(IllegalStateException.class);
        Thread.sleep(300);
        assertThat(runs).hasValue(0);
    }
}
