package dev.docpipe.job;

/** Queue priority of a job. Every heavy stage has one queue per priority. */
public enum Priority {
    HIGH, DEFAULT, LOW;

    /** Parses {@code high|default|low} (case-insensitive); anything else names the accepted values. */
    public static Priority parse(String value) {
        return WireEnum.parse(Priority.class, value, ErrorCode.INVALID_PRIORITY, "priority");
    }

    public String wire() {
        return WireEnum.wire(this);
    }
}
