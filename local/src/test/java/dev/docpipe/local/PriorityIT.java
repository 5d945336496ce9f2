package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.Page;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A high-priority upload overtakes a backlog of low-priority ones in every stage. */
class PriorityIT {
    private static final int BACKLOG = 200;

    @Test
    void aHighJobUploadedAfter200LowOnes_completesBeforeAtLeast90PercentOfThem() throws Exception {
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false));
             S3Client s3 = pipeline.s3().newClient()) {
            for (String f : List.of("parse", "render", "store")) {
                pipeline.stopFunction(f);
            }
            for (int i = 0; i < BACKLOG; i++) {
                String key = "uploads/low/prio/low-" + i + ".txt";
                s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key), RequestBody.fromString("low priority document " + key));
            }
            awaitRegistered(pipeline, BACKLOG);
            s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/high/prio/urgent.txt"),
                    RequestBody.fromString("the urgent document"));
            awaitRegistered(pipeline, BACKLOG + 1);

            for (String f : List.of("parse", "render", "store")) {
                pipeline.startFunction(f);
            }
            Job high = null;
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(deadline)) {
                high = all(pipeline).stream().filter(j -> j.priority() == Priority.HIGH).findFirst().orElseThrow();
                if (high.status() == JobStatus.COMPLETED) {
                    break;
                }
                Thread.sleep(100);
            }
            List<Job> jobs = all(pipeline);
            long lowDoneBefore = jobs.stream()
                    .filter(j -> j.priority() == Priority.LOW && j.status() == JobStatus.COMPLETED)
                    .count();

            assertThat(high.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(lowDoneBefore).as("low jobs completed before the high one").isLessThanOrEqualTo(BACKLOG / 10);
        }
    }

    private static void awaitRegistered(LocalPipeline pipeline, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (all(pipeline).size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(all(pipeline)).hasSize(count);
    }

    private static List<Job> all(LocalPipeline pipeline) {
        List<Job> jobs = new ArrayList<>();
        String cursor = null;
        do {
            Page<Job> page = pipeline.components().store().listByOwner("prio", JobQuery.all(100).withCursor(cursor));
            jobs.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return jobs;
    }
}
