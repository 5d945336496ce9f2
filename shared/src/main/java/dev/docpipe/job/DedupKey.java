package dev.docpipe.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deduplication key: one job per (owner, content, render options). Content is identified by a
 * checksum (an S3 ETag, the SHA-256 of inline content, or a normalised URL); options by a fingerprint
 * of their sorted entries. The owner is part of the key so that one tenant's submission never
 * resolves to another tenant's job.
 */
public final class DedupKey {
    private DedupKey() {
    }

    /**
     * @param owner          the job owner
     * @param contentChecksum a checksum with its kind, e.g. {@code etag:9b2c…}, {@code sha256:…}, {@code url:https://…}
     * @param options        render options (may be empty)
     * @return {@code v1:<sha256 of owner and checksum>:<options fingerprint>}
     */
    public static String of(String owner, String contentChecksum, Map<String, String> options) {
        return "v1:" + sha256Hex(owner + "\n" + contentChecksum) + ":" + optionsFingerprint(options);
    }

    /** First 16 hex digits of the SHA-256 of the options sorted by name; order of entry does not matter. */
    public static String optionsFingerprint(Map<String, String> options) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(options == null ? Map.of() : options)
                .forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        return sha256Hex(canonical.toString()).substring(0, 16);
    }

    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
