package dev.docpipe.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Job times are kept to the millisecond: the precision every store keeps. */
final class Times {
    private Times() {
    }

    static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    static Map<String, Instant> millis(Map<String, Instant> stamps) {
        Map<String, Instant> out = new LinkedHashMap<>();
        if (stamps != null) {
            stamps.forEach((k, v) -> out.put(k, millis(v)));
        }
        return Map.copyOf(out);
    }
}
