package dev.docpipe.bench.pipeline;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Markdown tables of {@link EndToEndBench} results (one map per store, as the child JVMs wrote them). */
final class Report {
    private static final List<String> STAGE_FUNCTIONS = List.of("ingest", "parse", "render", "store");
    private static final Set<String> NOT_PER_JOB = Set.of(Calls.DRIVER, "sweeper");

    private Report() {
    }

    static String markdown(List<Map<String, Object>> results, String args) {
        StringBuilder out = new StringBuilder();
        out.append("## EndToEndBench\n\n");
        out.append("`EndToEndBench ").append(args).append("`\n\n");
        for (Map<String, Object> r : results) {
            out.append(String.format(Locale.ROOT, "- %s: %s documents%s after %s warm-up documents; %s CPUs, max heap %s MB,"
                            + " Java %s; load average %.2f before, %.2f after; pipeline start %s ms; all terminal: %s;"
                            + " uploads took %.1f s; PDFs %s pages, %.1f MB; sample PDF valid: %s; counting: SDK %s, JDBC %s%n",
                    r.get("store"), r.get("docs"), num(r, "rate") > 0 ? " at " + num(r, "rate") + "/s" : " (burst)",
                    r.get("warmup"), r.get("cpus"), r.get("maxHeapMb"), r.get("java"), num(r, "loadBefore"),
                    num(r, "loadAfter"), r.get("bootMs"), r.get("allTerminal"), num(r, "uploadSeconds"), r.get("pages"),
                    num(r, "pdfMegabytes"), r.get("samplePdfOk"), r.get("sdkCounted"), r.get("jdbcCounted")));
            if (!map(r, "errors").isEmpty()) {
                out.append("  - errors: ").append(map(r, "errors")).append('\n');
            }
        }
        out.append('\n');

        out.append("| store | docs completed | docs/s | latency p50 ms | p90 ms | p99 ms | max ms | queue sends/job "
                + "| blob puts/job | blob gets/job | blob heads/job | handler invocations/job (ingest, parse, render, store) "
                + "| store calls/job | Redis commands/job |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        for (Map<String, Object> r : results) {
            double n = num(r, "completed");
            Map<String, Object> lat = map(r, "latencyMs");
            StringBuilder inv = new StringBuilder();
            for (String f : STAGE_FUNCTIONS) {
                inv.append(inv.isEmpty() ? "" : ", ").append(f2(sum(r, k -> k.role().equals(f) && k.is("handler", "invocations")) / n));
            }
            out.append("| ").append(r.get("store")).append(r.get("redis").equals(Boolean.TRUE) ? " + Redis" : "")
                    .append(" | ").append(r.get("completed")).append(" / ").append(r.get("docs"))
                    .append(" | ").append(f1(num(r, "docsPerSecond")))
                    .append(" | ").append(f0(num(lat, "p50"))).append(" | ").append(f0(num(lat, "p90")))
                    .append(" | ").append(f0(num(lat, "p99"))).append(" | ").append(f0(num(lat, "max")))
                    .append(" | ").append(f2(perJob(r, k -> k.kind().equals("queue"))))
                    .append(" | ").append(f2(perJob(r, k -> k.is("blob", "put"))))
                    .append(" | ").append(f2(perJob(r, k -> k.is("blob", "get"))))
                    .append(" | ").append(f2(perJob(r, k -> k.is("blob", "head"))))
                    .append(" | ").append(inv)
                    .append(" | ").append(storeCallsPerJob(r))
                    .append(" | ").append(redisPerJob(r)).append(" |\n");
        }
        out.append("\nPer job = counted during the measured batch ÷ documents completed; the benchmark's own uploads and "
                + "polls and the sweeper are left out (sweeper totals below). Queue sends = `StageQueues.send` (the S3 "
                + "upload notification is an SQS send of the S3 stand-in, counted under SQS below).\n\n");

        for (Map<String, Object> r : results) {
            perFunction(out, r);
        }
        segments(out, results);
        return out.toString();
    }

    private static String storeCallsPerJob(Map<String, Object> r) {
        boolean dynamo = "dynamodb".equals(r.get("store"));
        if (dynamo ? !Boolean.TRUE.equals(r.get("sdkCounted")) : !Boolean.TRUE.equals(r.get("jdbcCounted"))) {
            return "not counted";
        }
        String kind = dynamo ? "dynamodb" : "sql";
        double all = perJob(r, k -> k.kind().equals(kind));
        StringBuilder ops = new StringBuilder();
        for (String op : ops(r, kind)) {
            double v = perJob(r, k -> k.is(kind, op));
            if (v > 0) {
                ops.append(ops.isEmpty() ? "" : ", ").append(op).append(' ').append(f2(v));
            }
        }
        return f2(all) + " (" + ops + ")";
    }

    private static String redisPerJob(Map<String, Object> r) {
        Map<String, Object> redis = map(r, "redisCommands");
        if (redis.isEmpty()) {
            return "–";
        }
        double n = num(r, "completed");
        double all = redis.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        StringBuilder ops = new StringBuilder();
        redis.forEach((k, v) -> ops.append(ops.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(f2(((Number) v).doubleValue() / n)));
        return f2(all / n) + " (" + ops + ")";
    }

    private static void perFunction(StringBuilder out, Map<String, Object> r) {
        double n = num(r, "completed");
        String storeKind = "dynamodb".equals(r.get("store")) ? "dynamodb" : "sql";
        out.append("### ").append(r.get("store")).append(": calls by caller\n\n");
        out.append("Per job, except the rows marked total. Store = ").append(storeKind.equals("sql")
                ? "SQL statements (one round trip each)" : "DynamoDB API calls").append(".\n\n");
        out.append("| caller | invocations | records | queue sends | blob put | blob get | blob head | blob list "
                + "| store calls | SQS calls | S3 calls (SDK) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        Set<String> roles = new LinkedHashSet<>(List.of("ingest", "parse", "render", "store", "deadletter", "poller",
                "other", "sweeper", Calls.DRIVER));
        roles.addAll(roles(r));
        for (String role : roles) {
            if (sum(r, k -> k.role().equals(role)) == 0) {
                continue;
            }
            boolean total = NOT_PER_JOB.contains(role);
            double d = total ? 1 : n;
            out.append("| ").append(role).append(total ? " (total)" : "")
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("handler", "invocations")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("handler", "records")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.kind().equals("queue")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("blob", "put")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("blob", "get")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("blob", "head")) / d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.is("blob", "list")) / d))
                    .append(" | ").append(opsOf(r, role, storeKind, d))
                    .append(" | ").append(opsOf(r, role, "sqs", d))
                    .append(" | ").append(f2(sum(r, k -> k.role().equals(role) && k.kind().equals("s3")) / d))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static String opsOf(Map<String, Object> r, String role, String kind, double d) {
        StringBuilder s = new StringBuilder();
        for (String op : ops(r, kind)) {
            double v = sum(r, k -> k.role().equals(role) && k.is(kind, op));
            if (v > 0) {
                s.append(s.isEmpty() ? "" : ", ").append(op).append(' ').append(f2(v / d));
            }
        }
        return s.isEmpty() ? "0" : s.toString();
    }

    private static void segments(StringBuilder out, List<Map<String, Object>> results) {
        out.append("### Where the time goes (job timestamps, ms)\n\n| store | segment | p50 | p90 | p99 |\n|---|---|---:|---:|---:|\n");
        for (Map<String, Object> r : results) {
            map(r, "segmentsMs").forEach((seg, v) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) v;
                out.append("| ").append(r.get("store")).append(" | ").append(seg).append(" | ").append(f0(num(p, "p50")))
                        .append(" | ").append(f0(num(p, "p90"))).append(" | ").append(f0(num(p, "p99"))).append(" |\n");
            });
            map(r, "latencyByPriorityMs").forEach((prio, v) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) v;
                out.append("| ").append(r.get("store")).append(" | end to end, priority ").append(prio).append(" (")
                        .append(p.get("n")).append(" docs) | ").append(f0(num(p, "p50"))).append(" | ")
                        .append(f0(num(p, "p90"))).append(" | ").append(f0(num(p, "p99"))).append(" |\n");
            });
        }
        out.append('\n');
    }

    // ---------------------------------------------------------------- helpers

    private record Key(String role, String kind, String op) {
        static Key parse(String s) {
            String[] p = s.split("\\|", 3);
            return new Key(p[0], p[1], p[2]);
        }

        boolean is(String k, String o) {
            return kind.equals(k) && op.equals(o);
        }
    }

    private static double sum(Map<String, Object> r, Predicate<Key> which) {
        double total = 0;
        for (Map.Entry<String, Object> e : map(r, "calls").entrySet()) {
            if (which.test(Key.parse(e.getKey()))) {
                total += ((Number) e.getValue()).doubleValue();
            }
        }
        return total;
    }

    private static double perJob(Map<String, Object> r, Predicate<Key> which) {
        return sum(r, k -> !NOT_PER_JOB.contains(k.role()) && which.test(k)) / num(r, "completed");
    }

    private static Set<String> ops(Map<String, Object> r, String kind) {
        Set<String> ops = new TreeSet<>();
        map(r, "calls").keySet().stream().map(Key::parse).filter(k -> k.kind().equals(kind)).forEach(k -> ops.add(k.op()));
        return ops;
    }

    private static Set<String> roles(Map<String, Object> r) {
        Set<String> roles = new TreeSet<>();
        map(r, "calls").keySet().stream().map(Key::parse).forEach(k -> roles.add(k.role()));
        return roles;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static double num(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    private static String f0(double v) {
        return Stats.f0(v);
    }

    private static String f1(double v) {
        return Stats.f1(v);
    }

    private static String f2(double v) {
        return Stats.f2(v);
    }
}
