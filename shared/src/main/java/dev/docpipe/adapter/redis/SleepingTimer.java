package dev.docpipe.adapter.redis;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * lettuce's timer (reconnect delays, command expiry) on a {@link ScheduledThreadPoolExecutor}: its
 * thread sleeps until the next deadline, or for good when nothing is scheduled. lettuce's default,
 * netty's {@code HashedWheelTimer}, wakes up every 100 ms whether anything is due or not, which is
 * most of what an idle connection costs.
 */
final class SleepingTimer implements Timer {
    private static final Logger LOG = LoggerFactory.getLogger(SleepingTimer.class);
    private final ScheduledThreadPoolExecutor executor;

    SleepingTimer(String threadName) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task timeout = new Task(task);
        try {
            timeout.future = executor.schedule(timeout, Math.max(0, delay), unit);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("cannot be started once stopped", e);
        }
        return timeout;
    }

    /** Stops the thread; what had not run yet never will (lettuce does not ask which, so none are named). */
    @Override
    public Set<Timeout> stop() {
        executor.shutdownNow();
        return Set.of();
    }

    private final class Task implements Timeout, Runnable {
        private final TimerTask task;
        private volatile ScheduledFuture<?> future;
        private volatile boolean expired;

        Task(TimerTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            expired = true;
            try {
                task.run(this);
            } catch (Exception e) {
                // as in HashedWheelTimer: a task's failure is its own, the timer goes on
                LOG.warn("a timer task of the Redis client failed: {}", e.toString());
            }
        }

        @Override
        public Timer timer() {
            return SleepingTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            ScheduledFuture<?> f = future;
            return f != null && f.isCancelled();
        }

        @Override
        public boolean cancel() {
            ScheduledFuture<?> f = future;
            return f != null && !expired && f.cancel(false);
        }
    }
}
