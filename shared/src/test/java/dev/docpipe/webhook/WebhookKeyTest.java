package dev.docpipe.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookKeyTest {
    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void rotation_keepsThePreviousSecretValidForTheOverlap_andNeverMoreThanTwo() {
        WebhookKey first = WebhookKey.empty().rotate(T0, DAY);
        String a = first.current().value();
        assertThat(a).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(first.validSecrets(T0)).containsExactly(a);

        WebhookKey second = first.rotate(T0.plusSeconds(60), DAY);
        String b = second.current().value();
        assertThat(b).isNotEqualTo(a);
        assertThat(second.validSecrets(T0.plusSeconds(61))).containsExactly(b, a);
        assertThat(second.validSecrets(T0.plusSeconds(60).plus(DAY))).containsExactly(b);

        WebhookKey third = second.rotate(T0.plusSeconds(120), DAY);
        assertThat(third.validSecrets(T0.plusSeconds(121))).containsExactly(third.current().value(), b);
        assertThat(third.secrets()).hasSize(2);
    }

    @Test
    void aZeroOverlap_endsThePreviousSecretAtOnce() {
        WebhookKey key = WebhookKey.empty().rotate(T0, DAY).rotate(T0.plusSeconds(1), Duration.ZERO);
        assertThat(key.validSecrets(T0.plusSeconds(1))).containsExactly(key.current().value());
    }

    @Test
    void theDefaultScheduleSpansMoreThanADay_evenWithTheLeastJitter() {
        WebhookPolicy p = WebhookPolicy.DEFAULT;
        assertThat(p.nominalDelayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.nominalDelayAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.nominalDelayAfter(10)).isEqualTo(Duration.ofSeconds(30L << 9));
        assertThat(p.nominalDelayAfter(11)).isEqualTo(Duration.ofHours(6));
        assertThat(p.nominalDelayAfter(1000)).isEqualTo(Duration.ofHours(6));
        Duration least = Duration.ZERO;
        for (int n = 1; n < p.maxAttempts(); n++) {
            least = least.plus(p.nominalDelayAfter(n).multipliedBy(8).dividedBy(10));
            Duration jittered = p.delayAfter(n);
            assertThat(jittered).isBetween(p.nominalDelayAfter(n).multipliedBy(8).dividedBy(10),
                    p.nominalDelayAfter(n).multipliedBy(12).dividedBy(10));
        }
        assertThat(least).isGreaterThan(Duration.ofHours(24));
        assertThat(WebhookPolicy.from(Map.of("DOCPIPE_WEBHOOK_BACKOFF_BASE_MS", "200")).nominalDelayAfter(3))
                .isEqualTo(Duration.ofMillis(800));
    }
}
