package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.port.BlobRef;
import dev.docpipe.testing.InMemoryBlobs;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JobEraser} on fakes: which objects it deletes and which it never touches, and the fast path. */
class JobEraserTest {
    private static final String BUCKET = "docs";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final InMemoryBlobs blobs = new InMemoryBlobs();
    private final JobEraser eraser = new JobEraser(store, fastPath, blobs, BUCKET, clock, Duration.ofDays(30),
            Duration.ofHours(1));

    private Job job(Source source) {
        Job job = Job.newQueued(JobId.newId(clock.instant()), "alice", source, "secret.md", null, Priority.DEFAULT,
                Map.of(), "v1:" + java.util.UUID.randomUUID() + ":def", clock.instant());
        store.createIfAbsent(job);
        fastPath.rememberDedup(job.dedupKey(), job.id(), Duration.ofDays(1));
        fastPath.cacheJob(job, Duration.ofHours(1));
        return job;
    }

    private void put(String key, String content) {
        blobs.put(new BlobRef(BUCKET, key), content.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    }

    private List<String> keys() {
        return blobs.list(BUCKET, "", null, 1000).stream().map(b -> b.ref().key()).toList();
    }

    @Test
    void erase_deletesTheSourceTheOutputAndEveryAliasedUpload_andLeavesOthersObjects() {
        Job job = job(Source.inline(BUCKET, "inline/owner/sha"));
        JobId duplicate = JobId.newId(clock.instant());
        put("inline/owner/sha", "the document");
        put("work/" + job.id() + "/document.xhtml", "x");
        put("work/" + job.id() + "/document.pdf", "p");
        put("pdf/" + job.id() + ".pdf", "p");
        put("webhooks/jobs/" + job.id() + ".json", "{\"callbackUrl\":\"https://example.com/hook\"}");
        put("webhooks/deliveries/" + job.id() + "/event-1.json", "{}");
        put("uploads/default/alice/" + duplicate + "/again.md", "the document");
        put("aliases/" + duplicate, job.id().value());
        put(JobEraser.BACK_REFERENCES + job.id() + "/" + duplicate, "uploads/default/alice/" + duplicate + "/again.md");
        put("uploads/default/alice/other.md", "someone else's");
        put("pdf/" + JobId.newId(clock.instant()) + ".pdf", "another job's");

        Job tombstone = eraser.erase("alice", job.id());

        assertThat(tombstone.status()).isEqualTo(JobStatus.ERASED);
        assertThat(keys()).hasSize(2).noneMatch(k -> k.contains(job.id().value()) || k.contains(duplicate.value())
                || k.startsWith("inline/"));
        assertThat(fastPath.cachedJob(job.id())).contains(tombstone);
        assertThat(fastPath.dedupEntry(job.dedupKey())).isEmpty();
        assertThat(eraser.erase("alice", job.id())).as("again").isEqualTo(tombstone);
    }

    @Test
    void erase_neverTouchesASourceOutsideThePipelinesBucketAndPrefixes_orAUrl() {
        put("elsewhere/doc.md", "not ours to delete");
        Job foreignPrefix = job(Source.s3(BUCKET, "elsewhere/doc.md"));
        Job url = job(Source.url("https://example.com/doc.html"));

        eraser.erase("alice", foreignPrefix.id());
        eraser.erase("alice", url.id());

        assertThat(keys()).containsExactly("elsewhere/doc.md");
        assertThat(store.get(url.id()).orElseThrow().source().location()).isEmpty();
    }

    @Test
    void erase_ofAnotherOwnersJob_isNotFound_andDeletesNothing() {
        Job job = job(Source.inline(BUCKET, "inline/owner/sha"));
        put("inline/owner/sha", "the document");

        assertThatThrownBy(() -> eraser.erase("mallory", job.id())).isInstanceOf(JobNotFoundException.class);

        assertThat(keys()).containsExactly("inline/owner/sha");
        assertThat(store.get(job.id())).contains(job);
        assertThat(fastPath.dedupEntry(job.dedupKey())).contains(job.id());
    }
}
