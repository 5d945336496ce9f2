package dev.docpipe.logging;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Defence in depth for log output: masks what must never reach a log even if a message carries it by
 * mistake. Code should not log these in the first place; this guard runs on every message, MDC value
 * and stack trace the JSON encoder writes.
 *
 * <ul>
 *   <li>pre-signed URL credentials: the values of {@code X-Amz-Signature}, {@code X-Amz-Credential},
 *       {@code X-Amz-Security-Token}, and of SigV2's {@code Signature} and {@code AWSAccessKeyId};</li>
 *   <li>API keys: the value after {@code x-api-key} (header dump {@code x-api-key: v}, JSON
 *       {@code "x-api-key":"v"}, {@code x-api-key=v}).</li>
 * </ul>
 */
public final class Redaction {
    public static final String MASK = "***";

    private static final Pattern QUERY_SECRETS = Pattern.compile(
            "(?i)((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)(?:=|%3D))[^&\\s\"'<>]+");
    private static final Pattern API_KEY = Pattern.compile(
            "(?i)(x-api-key[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;}&]+");

    private Redaction() {
    }

    /** {@code text} with every secret value replaced by {@link #MASK}; null stays null. */
    public static String redact(String text) {
        if (text == null || !suspicious(text)) {
            return text;
        }
        String out = replace(QUERY_SECRETS, text);
        return replace(API_KEY, out);
    }

    /** A cheap test that lets almost every line skip the regular expressions. */
    private static boolean suspicious(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("signature") || lower.contains("x-amz-") || lower.contains("api-key")
                || lower.contains("awsaccesskeyid");
    }

    private static String replace(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + MASK));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }
}
