package dev.docpipe.job;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A time-sortable job id: a UUIDv7 (RFC 9562) in its canonical lower-case form. Its first 48 bits are
 * the creation time in epoch milliseconds, so ids sort by creation time as plain strings.
 */
public record JobId(String value) implements Comparable<JobId> {
    private static final Pattern FORM =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The earliest creation time an id can encode: its time field counts milliseconds from the epoch. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest creation time a time-range query accepts (the id's 48-bit field reaches year 10889). */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    public JobId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new DocpipeException(ErrorCode.NOT_FOUND, "not a job id: " + abbreviate(value));
        }
    }

    /** A new id for a job created at {@code now}. */
    public static JobId newId(Instant now) {
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong();
        long msb = (now.toEpochMilli() << 16) | 0x7000L | randA;
        long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new JobId(new UUID(msb, lsb).toString());
    }

    /** Whether {@code value} is a well-formed id (callers use this to answer 404 rather than 400). */
    public static boolean isValid(String value) {
        return value != null && FORM.matcher(value).matches();
    }

    /**
     * The smallest id a job created at {@code time} can have: a lower bound for time-range queries.
     *
     * @throws IllegalArgumentException when {@code time} is outside {@link #EARLIEST}..{@link #LATEST}
     */
    public static String lowerBound(Instant time) {
        if (!inRange(time)) {
            throw new IllegalArgumentException("time outside " + EARLIEST + ".." + LATEST + ": " + time);
        }
        return new UUID((time.toEpochMilli() << 16) | 0x7000L, 0x8000_0000_0000_0000L).toString();
    }

    /** Whether an id can encode {@code time}, so that a time-range query on it means what it says. */
    public static boolean inRange(Instant time) {
        return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }

    /** The creation time encoded in the id. */
    public Instant createdAt() {
        return Instant.ofEpochMilli(UUID.fromString(value).getMostSignificantBits() >>> 16);
    }

    @Override
    public int compareTo(JobId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
