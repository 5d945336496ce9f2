package dev.docpipe.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    private static final Instant AT = Instant.parse("2026-12-05T09:00:00Z");
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"job.completed\"}";

    @Test
    void headerIsTheTimestampAndOneHmacPerSecret_overTimestampDotBody() {
        String header = WebhookSignature.header(List.of("whsec_new", "whsec_old"), AT, BODY);
        String[] parts = header.split(",");
        assertThat(parts).hasSize(3);
        assertThat(parts[0]).isEqualTo("t=" + AT.getEpochSecond());
        assertThat(parts[1]).isEqualTo("v1=" + java.util.HexFormat.of()
                .formatHex(WebhookSignature.hmac("whsec_new", AT.getEpochSecond() + "." + BODY)));
        // a known HMAC-SHA256 vector (RFC 4231 style check of the primitive): key "key", message "The quick brown fox…"
        assertThat(java.util.HexFormat.of().formatHex(WebhookSignature.hmac("key", "The quick brown fox jumps over the lazy dog")))
                .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }

    @Test
    void duringARotation_eitherSecretVerifies() {
        String header = WebhookSignature.header(List.of("whsec_new", "whsec_old"), AT, BODY);
        assertThat(WebhookSignature.verify(header, BODY, "whsec_new", AT, WebhookSignature.TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_old", AT, WebhookSignature.TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(header, BODY, "whsec_other", AT, WebhookSignature.TOLERANCE)).isFalse();
    }

    @Test
    void aTamperedBody_anOldOrFutureTimestamp_orAMalformedHeader_doNotVerify() {
        String header = WebhookSignature.header(List.of("s"), AT, BODY);
        assertThat(WebhookSignature.verify(header, BODY + " ", "s", AT, WebhookSignature.TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(header, BODY, "s", AT.plus(Duration.ofMinutes(5)), WebhookSignature.TOLERANCE))
                .isTrue();
        assertThat(WebhookSignature.verify(header, BODY, "s", AT.plus(Duration.ofSeconds(301)), WebhookSignature.TOLERANCE))
                .isFalse();
        assertThat(WebhookSignature.verify(header, BODY, "s", AT.minus(Duration.ofSeconds(301)), WebhookSignature.TOLERANCE))
                .isFalse();
        // the timestamp is signed: moving it forward breaks the signature
        String moved = header.replace("t=" + AT.getEpochSecond(), "t=" + (AT.getEpochSecond() + 60));
        assertThat(WebhookSignature.verify(moved, BODY, "s", AT, WebhookSignature.TOLERANCE)).isFalse();
        for (String bad : new String[] {null, "", "v1=abc", "t=x,v1=00", "t=1,v1=zz", "garbage"}) {
            assertThat(WebhookSignature.verify(bad, BODY, "s", AT, WebhookSignature.TOLERANCE)).as(bad).isFalse();
        }
    }
}
