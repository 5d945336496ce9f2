package dev.docpipe.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@value #HEADER} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…]}. Each {@code v1} is
 * HMAC-SHA256, keyed with one of the API key's valid webhook secrets (its UTF-8 bytes), over
 * {@code <t>.<body>} (the timestamp as written, a dot, the raw request body). During a rotation there is
 * one {@code v1} per valid secret, newest first.
 *
 * <p>{@link #verify} is the documented receiver's procedure (docs/api-webhooks.md): parse {@code t} and
 * the {@code v1} values, refuse a timestamp further than the tolerance (5 minutes) from now, compute the
 * HMAC with your secret and compare in constant time with each {@code v1}.
 */
public final class WebhookSignature {
    public static final String HEADER = "docpipe-signature";
    /** The replay window the documentation tells receivers to enforce. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code at}, one {@code v1} per secret. */
    public static String header(List<String> secrets, Instant at, String body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret to sign with");
        }
        long t = at.getEpochSecond();
        StringBuilder sb = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            sb.append(",v1=").append(HexFormat.of().formatHex(hmac(secret, t + "." + body)));
        }
        return sb.toString();
    }

    /**
     * Whether {@code header} signs {@code body} with {@code secret} at a time within {@code tolerance} of
     * {@code now}. A malformed header is simply not valid.
     */
    public static boolean verify(String header, String body, String secret, Instant now, Duration tolerance) {
        if (header == null) {
            return false;
        }
        String t = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (name.equals("t")) {
                t = value;
            } else if (name.equals("v1")) {
                signatures.add(value);
            }
        }
        if (t == null || signatures.isEmpty() || !t.matches("[0-9]{1,12}")) {
            return false;
        }
        long seconds = Long.parseLong(t);
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, t + "." + body);
        for (String signature : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(signature);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }

    static byte[] hmac(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
