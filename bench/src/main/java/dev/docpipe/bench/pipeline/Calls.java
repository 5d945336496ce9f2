package dev.docpipe.bench.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Call counters of one benchmark JVM, keyed {@code role|kind|operation}. The role is who made the
 * call: the function whose handler is running on this thread ({@code ingest}, {@code parse},
 * {@code render}, {@code store}, {@code deadletter}: set by the handler hook), {@code sweeper}
 * (its timer thread), {@code poller} (the event-source-mapping threads outside a handler:
 * receive and delete), {@code driver} (the benchmark's own uploads and polls) or {@code other}
 * (for instance the S3 stand-in's thread that sends the upload notification).
 */
final class Calls {
    static final String DRIVER = "driver";
    private static final ThreadLocal<String> ROLE = new ThreadLocal<>();
    private static final ConcurrentHashMap<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private Calls() {
    }

    /** Marks the calling thread as {@code role} until {@link #leave()}; returns the previous role. */
    static String enter(String role) {
        String previous = ROLE.get();
        ROLE.set(role);
        return previous;
    }

    static void leave(String previous) {
        if (previous == null) {
            ROLE.remove();
        } else {
            ROLE.set(previous);
        }
    }

    static String role() {
        String role = ROLE.get();
        if (role != null) {
            return role;
        }
        String thread = Thread.currentThread().getName();
        if (thread.startsWith("docpipe-sweeper")) {
            return "sweeper";
        }
        if (thread.startsWith("sqs-poller-")) {
            return "poller";
        }
        return "other";
    }

    static void count(String kind, String operation) {
        add(role(), kind, operation, 1);
    }

    static void add(String role, String kind, String operation, long n) {
        COUNTS.computeIfAbsent(role + "|" + kind + "|" + operation, k -> new LongAdder()).add(n);
    }

    /** Every counter now, sorted by key. */
    static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** {@code after − before}, zeros left out. */
    static Map<String, Long> diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }
}
