package dev.docpipe.adapter.redis;

import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Rate-limited report of a degraded fast path: at most one WARN per interval, carrying the number of
 * calls that fell back since the previous WARN, and one INFO when a call succeeds again after a WARN.
 *
 * <p>The interval holds across outages: a Redis that flaps every second still gives at most one WARN
 * per interval. A short outage that ends before a WARN was due logs nothing by itself; its fallbacks are
 * counted in the next WARN. Successful calls cost one volatile read.
 */
final class OutageLog {
    private final Logger log;
    private final Clock clock;
    private final Duration interval;
    private final String target;

    /** A fallback happened since the last successful call. */
    private volatile boolean degraded;
    /** A WARN was logged during the current degradation (so its end deserves an INFO). */
    private boolean announced;
    private long unreported;
    private Instant unreportedSince;
    private long episode;
    private Instant episodeSince;
    private Instant nextWarnAt = Instant.MIN;

    OutageLog(Logger log, Clock clock, Duration interval, String target) {
        this.log = log;
        this.clock = clock;
        this.interval = interval;
        this.target = target;
    }

    /** A call could not use Redis; {@code cause} is a one-line reason (no stack trace). */
    synchronized void fallback(String cause) {
        Instant now = clock.instant();
        if (!degraded) {
            degraded = true;
            episode = 0;
            episodeSince = now;
        }
        episode++;
        if (unreported++ == 0) {
            unreportedSince = now;
        }
        if (!now.isBefore(nextWarnAt)) {
            log.warn("Redis fast path {} unavailable, calls fall back to the store: {} fallback(s) in the last {} ms; last cause: {}",
                    target, unreported, Duration.between(unreportedSince, now).toMillis(), cause);
            unreported = 0;
            nextWarnAt = now.plus(interval);
            announced = true;
        }
    }

    /** A call used Redis successfully. */
    void success() {
        if (!degraded) {
            return;
        }
        synchronized (this) {
            if (!degraded) {
                return;
            }
            degraded = false;
            if (announced) {
                Instant now = clock.instant();
                log.info("Redis fast path {} usable again after {} ms; {} call(s) fell back to the store meanwhile",
                        target, Duration.between(episodeSince, now).toMillis(), episode);
                announced = false;
                unreported = 0;
            }
        }
    }
}
