package dev.docpipe.webhook;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * One API key's webhook settings: its default callback URL (for jobs submitted without one) and its
 * signing secrets. A new secret is created by {@link #rotate}: the current one stays valid for the
 * overlap (so receivers can switch without losing events), at most two are valid at once, and an
 * expired one is dropped at the next change.
 *
 * @param defaultCallbackUrl where outcomes of this key's jobs go when the job names no URL, or null
 * @param secrets            newest first
 */
public record WebhookKey(String defaultCallbackUrl, List<Secret> secrets) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public WebhookKey {
        secrets = List.copyOf(secrets == null ? List.of() : secrets);
    }

    public static WebhookKey empty() {
        return new WebhookKey(null, List.of());
    }

    /**
     * @param id        a short public name for the secret (shown in settings; the value never is)
     * @param expiresAt when a rotated-out secret stops being used, or null for the current one
     */
    public record Secret(String id, String value, Instant createdAt, Instant expiresAt) {
        boolean validAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    /** Secret values valid at {@code now}, newest first: what deliveries sign with. */
    public List<String> validSecrets(Instant now) {
        return valid(now).stream().map(Secret::value).toList();
    }

    public List<Secret> valid(Instant now) {
        return secrets.stream().filter(s -> s.validAt(now))
                .sorted(Comparator.comparing(Secret::createdAt).reversed()).toList();
    }

    public WebhookKey withDefaultCallbackUrl(String url) {
        return new WebhookKey(url, secrets);
    }

    /**
     * A new current secret; the previous current one stays valid for {@code overlap} (none when zero),
     * any older one ends now.
     */
    public WebhookKey rotate(Instant now, Duration overlap) {
        List<Secret> kept = new ArrayList<>();
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        kept.add(new Secret("sec_" + java.util.HexFormat.of().formatHex(idBytes), value, now, null));
        valid(now).stream().filter(s -> s.expiresAt() == null).findFirst()
                .filter(s -> !overlap.isZero())
                .ifPresent(s -> kept.add(new Secret(s.id(), s.value(), s.createdAt(), now.plus(overlap))));
        return new WebhookKey(defaultCallbackUrl, kept);
    }

    /** The newest secret (the one {@link #rotate} just made). */
    public Secret current() {
        return secrets.stream().filter(s -> s.expiresAt() == null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no current secret"));
    }
}
