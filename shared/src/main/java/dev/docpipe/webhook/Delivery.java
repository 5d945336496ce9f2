package dev.docpipe.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of one event: shown on the job ({@code GET /jobs/{id}}, field {@code deliveries}) and on
 * the dashboard.
 *
 * @param status        {@code pending} (a retry is scheduled at {@code nextAttemptAt}), {@code delivered},
 *                      {@code failed} (gave up, or the key has no secret) or {@code blocked} (the URL or
 *                      its address is not allowed: never contacted)
 * @param attempts      oldest first
 */
public record Delivery(String eventId, String type, String url, String status, List<Attempt> attempts,
                       Instant nextAttemptAt) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String BLOCKED = "blocked";

    public Delivery {
        attempts = List.copyOf(attempts == null ? List.of() : attempts);
    }

    /**
     * @param httpStatus the receiver's answer, or 0 when there was none
     * @param outcome    e.g. {@code HTTP 200}, {@code HTTP 500}, {@code connection to … failed: …}
     */
    public record Attempt(int attempt, Instant at, int httpStatus, String outcome) {
    }

    public boolean finished() {
        return !PENDING.equals(status);
    }

    /** This delivery with one more attempt. */
    public Delivery plus(Attempt attempt, String newStatus, Instant next) {
        List<Attempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        return new Delivery(eventId, type, url, newStatus, all, next);
    }
}
