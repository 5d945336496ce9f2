package dev.docpipe.local;

import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.config.Config;
import dev.docpipe.function.submit.SubmitService;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.DedupKey;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.JobStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fairness across tenants within a priority: a tenant with 2,000 default jobs queued does not delay
 * another tenant's default job behind them. The stage messages carry the owner as
 * {@code MessageGroupId} and the local queues deliver as SQS fair queues do (docs/operations.md).
 */
class TenantFairnessIT {
    private static final int BACKLOG = 2_000;
    private static final int SUBMITTERS = 16;
    private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void aQuietTenantsJobCompletes_whileTheNoisyTenantStillHasMoreThan1500Queued() throws Exception {
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false))) {
            SubmitService api = SubmitService.from(pipeline.components());
            JobStore store = pipeline.components().store();
            // tenant A's backlog is queued while the stage functions are busy elsewhere (stopped here)
            for (String f : List.of("parse", "render", "store")) {
                pipeline.stopFunction(f);
            }
            // every job of A through the intake the API and the upload path share, all on one stored
            // document (each with its own content identity, so none is a duplicate): the backlog is
            // queued without 2,000 object writes
            BlobRef shared = new WorkKeys(LocalPipeline.BUCKET).inline("tenant-a", DedupKey.sha256Hex("tenant-a"));
            byte[] document = "tenant A's document".getBytes(StandardCharsets.UTF_8);
            pipeline.components().blobs().put(shared, document, "text/plain", Map.of());
            Intake intake = pipeline.components().intake();
            ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
            try {
                List<Future<Integer>> batches = new ArrayList<>();
                for (int batch = 0; batch < SUBMITTERS; batch++) {
                    int first = batch;
                    batches.add(submitters.submit(() -> {
                        int created = 0;
                        for (int i = first; i < BACKLOG; i += SUBMITTERS) {
                            JobRegistry.Registration r = intake.submit(new IntakeRequest("tenant-a",
                                    Source.inline(LocalPipeline.BUCKET, shared.key()), "a-" + i + ".txt", null,
                                    Priority.DEFAULT, Map.of(), "sha256:" + DedupKey.sha256Hex("a-" + i),
                                    document.length, "backlog"));
                            created += r.outcome() == JobRegistry.Outcome.CREATED ? 1 : 0;
                        }
                        return created;
                    }));
                }
                int created = 0;
                for (Future<Integer> f : batches) {
                    created += f.get();
                }
                assertThat(created).isEqualTo(BACKLOG);
            } finally {
                submitters.shutdownNow();
            }
            assertThat(store.countByStatus("tenant-a")).containsEntry(JobStatus.QUEUED, (long) BACKLOG);

            for (String f : List.of("parse", "render", "store")) {
                pipeline.startFunction(f);
            }
            ApiResponse quiet = submit(api, "tenant-b", "b.txt", "tenant B's one document");
            assertThat(quiet.status()).isEqualTo(202);
            JobId b = new JobId(jobId(quiet));

            Job job = store.get(b).orElseThrow();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (job.status() != JobStatus.COMPLETED && !job.status().isTerminal() && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
                job = store.get(b).orElseThrow();
            }
            Map<JobStatus, Long> a = store.countByStatus("tenant-a");

            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(a.get(JobStatus.QUEUED)).as("tenant A's jobs still queued when B's completed (%s)", a)
                    .isGreaterThan(1_500L);
        }
    }

    private static ApiResponse submit(SubmitService api, String owner, String filename, String content) {
        String body = "{\"content\":\"" + content + "\",\"filename\":\"" + filename + "\"}";
        return api.handle(new ApiRequest("POST", "/jobs", "/jobs", Map.of(), Map.of(),
                Map.of("content-type", "application/json"), body, owner, "req-" + filename));
    }

    private static String jobId(ApiResponse response) {
        Matcher m = JOB_ID.matcher(response.body());
        assertThat(m.find()).as("a job id in %s", response.body()).isTrue();
        return m.group(1);
    }
}
