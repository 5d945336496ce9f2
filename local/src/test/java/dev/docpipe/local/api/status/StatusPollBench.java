package dev.docpipe.local.api.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.config.Config;
import dev.docpipe.config.QueueNames;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.port.JobQuery;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: {@code GET /jobs/{id}} through the status handler (event JSON in, proxy response JSON
 * out, one thread), with the Redis status cache warm and with Redis stopped, for each job store.
 * Prints one line per case; see docs/benchmarks.md (API: polling) for how to run it.
 *
 * <p>Arguments: {@code [polls per case, default 3000] [warm-up polls, default 500] [stores, default dynamodb,postgres]}.
 */
public final class StatusPollBench {
    private StatusPollBench() {
    }

    public static void main(String[] args) throws Exception {
        int polls = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        String stores = args.length > 2 ? args[2] : "dynamodb,postgres";
        System.out.printf("%-9s %-14s %7s %9s %9s %9s %10s%n", "store", "case", "polls", "p50 ms", "p99 ms", "max ms", "req/s");
        for (String s : stores.split(",")) {
            Config.StoreKind kind = Config.StoreKind.valueOf(s.trim().toUpperCase(Locale.ROOT));
            try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(kind, true))) {
                Job job = completedJob(pipeline);
                StatusHandler handler = new StatusHandler(pipeline.components(),
                        new SqsQueueMonitor(pipeline.sqs().client(), new QueueNames(QueueNames.DEFAULT_PREFIX)));
                ObjectNode event = StatusEvents.load("get-job.json", job.id().value());
                run(s, "cache warm", handler, event, polls, warmup);
                pipeline.redis().stop();
                try {
                    run(s, "redis stopped", handler, event, polls, warmup);
                } finally {
                    pipeline.redis().start();
                }
            }
        }
    }

    private static void run(String store, String name, StatusHandler handler, ObjectNode event, int polls, int warmup) {
        for (int i = 0; i < warmup; i++) {
            check(StatusEvents.invoke(handler, event));
        }
        long[] nanos = new long[polls];
        long start = System.nanoTime();
        for (int i = 0; i < polls; i++) {
            long t0 = System.nanoTime();
            StatusEvents.Response r = StatusEvents.invoke(handler, event);
            nanos[i] = System.nanoTime() - t0;
            check(r);
        }
        long total = System.nanoTime() - start;
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-9s %-14s %7d %9.3f %9.3f %9.3f %10.0f%n", store, name, polls,
                nanos[polls / 2] / 1e6, nanos[(int) Math.ceil(polls * 0.99) - 1] / 1e6, nanos[polls - 1] / 1e6,
                polls / (total / 1e9));
    }

    private static void check(StatusEvents.Response r) {
        if (r.status() != 200 || !"completed".equals(r.body().path("status").asText())) {
            throw new IllegalStateException("unexpected answer " + r.status() + " " + r.body());
        }
    }

    private static Job completedJob(LocalPipeline pipeline) throws InterruptedException {
        try (S3Client s3 = pipeline.s3().newClient()) {
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/high/key-alice/bench.html"),
                    RequestBody.fromString("<h1>Bench</h1><p>one page</p>"));
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            List<Job> jobs = pipeline.components().store().listByOwner("key-alice", JobQuery.all(10)).items();
            if (!jobs.isEmpty() && jobs.get(0).status() == JobStatus.COMPLETED) {
                return jobs.get(0);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bench job did not complete");
    }
}
