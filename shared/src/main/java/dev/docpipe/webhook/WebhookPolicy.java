package dev.docpipe.webhook;

import dev.docpipe.config.ConfigException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How deliveries are retried and how long a request may take. After failed attempt {@code n} the next
 * one waits {@code min(base × 2^(n-1), cap)}, times a random factor in [0.8, 1.2] (jitter, so receivers
 * that come back are not hit by every retry at once). With the defaults (base 30 s, cap 6 h, 15
 * attempts) the 14 waits add up to about 32.5 h, and at least 26 h with the least jitter: a receiver
 * that is down for a day still gets the event.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>DOCPIPE_WEBHOOK_BACKOFF_BASE_MS</td><td>30000</td></tr>
 *   <tr><td>DOCPIPE_WEBHOOK_BACKOFF_CAP_SECONDS</td><td>21600</td></tr>
 *   <tr><td>DOCPIPE_WEBHOOK_MAX_ATTEMPTS</td><td>15</td></tr>
 *   <tr><td>DOCPIPE_WEBHOOK_TIMEOUT_SECONDS</td><td>10 (one request: DNS, connect, TLS, answer)</td></tr>
 *   <tr><td>DOCPIPE_WEBHOOK_SECRET_OVERLAP_HOURS</td><td>24 (a rotated-out secret stays valid this long)</td></tr>
 * </table>
 */
public record WebhookPolicy(Duration backoffBase, Duration backoffCap, int maxAttempts, Duration timeout,
                            Duration secretOverlap) {
    public static final WebhookPolicy DEFAULT = new WebhookPolicy(Duration.ofSeconds(30), Duration.ofHours(6), 15,
            Duration.ofSeconds(10), Duration.ofHours(24));

    public WebhookPolicy {
        if (backoffBase.isNegative() || backoffBase.isZero() || backoffCap.compareTo(backoffBase) < 0
                || maxAttempts < 1 || timeout.isNegative() || timeout.isZero() || secretOverlap.isNegative()) {
            throw new IllegalArgumentException("invalid webhook policy: " + backoffBase + ", " + backoffCap + ", "
                    + maxAttempts + ", " + timeout + ", " + secretOverlap);
        }
    }

    /** The defaults, with whatever of the variables above {@code env} sets. */
    public static WebhookPolicy from(Map<String, String> env) {
        return new WebhookPolicy(
                Duration.ofMillis(number(env, "DOCPIPE_WEBHOOK_BACKOFF_BASE_MS", DEFAULT.backoffBase.toMillis(), 1, 3_600_000)),
                Duration.ofSeconds(number(env, "DOCPIPE_WEBHOOK_BACKOFF_CAP_SECONDS", DEFAULT.backoffCap.toSeconds(), 1, 86_400)),
                (int) number(env, "DOCPIPE_WEBHOOK_MAX_ATTEMPTS", DEFAULT.maxAttempts, 1, 100),
                Duration.ofSeconds(number(env, "DOCPIPE_WEBHOOK_TIMEOUT_SECONDS", DEFAULT.timeout.toSeconds(), 1, 60)),
                Duration.ofHours(number(env, "DOCPIPE_WEBHOOK_SECRET_OVERLAP_HOURS", DEFAULT.secretOverlap.toHours(), 0, 720)));
    }

    /** The wait after failed attempt {@code attempt} (1-based), jittered. */
    public Duration delayAfter(int attempt) {
        return nominalDelayAfter(attempt).multipliedBy(800 + ThreadLocalRandom.current().nextInt(401)).dividedBy(1000);
    }

    /** The wait after failed attempt {@code attempt} without jitter. */
    public Duration nominalDelayAfter(int attempt) {
        long ms = backoffBase.toMillis();
        for (int i = 1; i < attempt && ms < backoffCap.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, backoffCap.toMillis()));
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(v.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(name + " must be a whole number between " + min + " and " + max
                + ", got '" + v + "'");
    }
}
