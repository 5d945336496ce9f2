package dev.docpipe.pipeline;

import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.port.BlobRef;
import dev.docpipe.testing.InMemoryBlobs;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UploadIntakeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final InMemoryFastPath fastPath = new InMemoryFastPath();
    private final InMemoryBlobs blobs = new InMemoryBlobs();
    private final RecordingQueues queues = new RecordingQueues();
    private final UploadIntake uploads = new UploadIntake(blobs, new Intake(
            new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1)),
            new JobTransitions(store, fastPath, Duration.ofHours(1)), queues, clock, 1_000_000, Duration.ofDays(7)),
            "docpipe");

    private Job onlyJobOf(String owner) {
        return store.listByOwner(owner, dev.docpipe.port.JobQuery.all(10)).items().get(0);
    }

    @Test
    void priorityAndOwnerComeFromTheKey() {
        blobs.put(new BlobRef("docpipe", "uploads/high/alice/report.md"), "# hi".getBytes(), "text/markdown", Map.of());

        assertThat(uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/high/alice/report.md", "m1"))
                .isEqualTo(UploadIntake.Result.REGISTERED);

        Job job = onlyJobOf("alice");
        assertThat(job.owner()).isEqualTo("alice");
        assertThat(job.priority()).isEqualTo(Priority.HIGH);
        assertThat(job.filename()).isEqualTo("report.md");
        assertThat(job.source().location()).isEqualTo("s3://docpipe/uploads/high/alice/report.md");
    }

    @Test
    void aKeyWhoseNameBreaksTheFileNameRules_getsASanitisedName_neverARawControlCharacter() {
        String key = "uploads/alice/in\r\nvoice\u0000\u009b.md";
        blobs.put(new BlobRef("docpipe", key), "# hi".getBytes(), "text/markdown", Map.of());

        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m1");

        Job job = onlyJobOf("alice");
        assertThat(job.filename()).isEqualTo("in\uFFFD\uFFFDvoice\uFFFD\uFFFD.md");
        assertThat(job.source().location()).isEqualTo("s3://docpipe/" + key);
    }

    @Test
    void aLongOrDottedUploadName_isCutAndCollapsed_andAPlainOneIsKept() {
        blobs.put(new BlobRef("docpipe", "uploads/bob/" + "a".repeat(300) + ".md"), "x".getBytes(), "text/plain", Map.of());
        blobs.put(new BlobRef("docpipe", "uploads/carol/..."), "x".getBytes(), "text/plain", Map.of());
        blobs.put(new BlobRef("docpipe", "uploads/dave/\u202egnp.md"), "x".getBytes(), "text/plain", Map.of());

        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/bob/" + "a".repeat(300) + ".md", "m1");
        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/carol/...", "m2");
        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/dave/\u202egnp.md", "m3");

        assertThat(onlyJobOf("bob").filename()).hasSize(200).isEqualTo("a".repeat(200));
        assertThat(onlyJobOf("carol").filename()).isEqualTo("upload");
        // a bidi control is no control character by the rules: the API takes it, and so does ingest;
        // the dashboard shows it visibly
        assertThat(onlyJobOf("dave").filename()).isEqualTo("\u202egnp.md");
    }

    @Test
    void metadataWinsOverTheKey_andAnOwnerlessKeyHasTheDefaultOwner() {
        blobs.put(new BlobRef("docpipe", "uploads/notes.txt"), "x".getBytes(), "text/plain",
                Map.of("priority", "low", "format", "markdown"));
        blobs.put(new BlobRef("docpipe", "uploads/bob/a.txt"), "y".getBytes(), "text/plain", Map.of("owner", "carol"));

        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/notes.txt", "m1");
        uploads.onEvent("ObjectCreated:CompleteMultipartUpload", "docpipe", "uploads/bob/a.txt", "m2");

        Job notes = store.listByOwner(UploadIntake.DEFAULT_OWNER, dev.docpipe.port.JobQuery.all(5)).items().get(0);
        assertThat(notes.priority()).isEqualTo(Priority.LOW);
        assertThat(notes.format()).isEqualTo(Format.MARKDOWN);
        assertThat(store.listByOwner("carol", dev.docpipe.port.JobQuery.all(5)).items()).hasSize(1);
        assertThat(store.listByOwner("bob", dev.docpipe.port.JobQuery.all(5)).items()).isEmpty();
    }

    @Test
    void eventsOutsideTheBucketOrPrefixOrNotCreations_areIgnored() {
        blobs.put(new BlobRef("docpipe", "work/x/document.xhtml"), "x".getBytes(), "text/plain", Map.of());
        blobs.put(new BlobRef("docpipe", "uploads/alice/a.html"), "x".getBytes(), "text/html", Map.of());

        assertThat(uploads.onEvent("ObjectCreated:Put", "docpipe", "work/x/document.xhtml", "m")).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(uploads.onEvent("ObjectCreated:Put", "elsewhere", "uploads/alice/a.html", "m")).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(uploads.onEvent("ObjectRemoved:Delete", "docpipe", "uploads/alice/a.html", "m")).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/alice/gone.html", "m")).isEqualTo(UploadIntake.Result.IGNORED);
        assertThat(queues.sent()).isEmpty();
    }

    @Test
    void scan_registersSettledUploadsWithoutAnEventOnce() {
        blobs.putAt(new BlobRef("docpipe", "uploads/alice/old.html"), "<p>old</p>".getBytes(), Map.of(),
                clock.instant().minus(Duration.ofMinutes(30)));
        blobs.putAt(new BlobRef("docpipe", "uploads/alice/new.html"), "<p>new</p>".getBytes(), Map.of(), clock.instant());

        assertThat(uploads.scan(null, 10, clock.instant().minus(Duration.ofMinutes(5)))).isNull();
        uploads.scan(null, 10, clock.instant().minus(Duration.ofMinutes(5)));

        assertThat(store.listByOwner("alice", dev.docpipe.port.JobQuery.all(10)).items())
                .extracting(Job::filename).containsExactly("old.html");
        assertThat(queues.sent()).hasSize(1);
    }

    @Test
    void scan_neverRestartsACancelledOrFailedUploadJob_butANewUploadEventOfTheSameBytesDoes() {
        BlobRef ref = new BlobRef("docpipe", "uploads/alice/report.html");
        blobs.putAt(ref, "<p>report</p>".getBytes(), Map.of(), clock.instant().minus(Duration.ofMinutes(30)));
        uploads.onEvent("ObjectCreated:Put", "docpipe", ref.key(), "m1");
        Job job = onlyJobOf("alice");
        new JobTransitions(store, fastPath, Duration.ofHours(1)).apply(job,
                dev.docpipe.job.JobChange.to(dev.docpipe.job.JobStatus.CANCELLED, clock.instant()).build());

        uploads.scan(null, 10, clock.instant());

        assertThat(store.get(job.id()).orElseThrow().status()).isEqualTo(dev.docpipe.job.JobStatus.CANCELLED);
        assertThat(queues.sent()).hasSize(1);

        uploads.onEvent("ObjectCreated:Put", "docpipe", ref.key(), "m2");

        Job again = store.get(job.id()).orElseThrow();
        assertThat(again.status()).isEqualTo(dev.docpipe.job.JobStatus.QUEUED);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(queues.sent()).hasSize(2);
    }

    @Test
    void apiSignedKey_givesTheJobItsPreallocatedId_andOwnerAndPriorityOnlyFromTheKey() {
        JobId id = JobId.newId(clock.instant());
        String key = "uploads/high/alice/" + id.value() + "/report.html";
        blobs.put(new BlobRef("docpipe", key), "# hi".getBytes(), "text/markdown; charset=utf-8",
                Map.of("owner", "mallory", "priority", "low"));

        clock.advance(Duration.ofSeconds(90)); // the upload arrives well after the id was handed out
        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m1");

        Job job = store.get(id).orElseThrow();
        assertThat(job.createdAt()).as("the job dates from its id, as history filters it").isEqualTo(id.createdAt());
        assertThat(job.timestamps().get("queued")).isEqualTo(clock.instant());
        assertThat(store.listByOwner("alice", new dev.docpipe.port.JobQuery(null, null, id.createdAt(),
                id.createdAt().plusSeconds(1), 5, null)).items()).extracting(Job::id).containsExactly(id);
        assertThat(job.owner()).isEqualTo("alice");
        assertThat(job.priority()).isEqualTo(Priority.HIGH);
        assertThat(job.format()).isEqualTo(Format.MARKDOWN);
        assertThat(job.filename()).isEqualTo("report.html");
        assertThat(store.listByOwner("mallory", dev.docpipe.port.JobQuery.all(5)).items()).isEmpty();
    }

    @Test
    void apiSignedKey_duplicatingAnExistingJob_leavesAnAliasToIt() {
        blobs.put(new BlobRef("docpipe", "uploads/alice/first.md"), "same".getBytes(), "text/plain", Map.of());
        uploads.onEvent("ObjectCreated:Put", "docpipe", "uploads/alice/first.md", "m1");
        Job original = onlyJobOf("alice");
        JobId preallocated = JobId.newId(clock.instant());
        String key = "uploads/default/alice/" + preallocated.value() + "/second.md";
        blobs.put(new BlobRef("docpipe", key), "same".getBytes(), "text/markdown", Map.of());

        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m2");

        assertThat(store.get(preallocated)).isEmpty();
        assertThat(new String(blobs.get(uploads.alias(preallocated)).orElseThrow().bytes()))
                .isEqualTo(original.id().value());
        assertThat(uploads.alias(preallocated).key()).isEqualTo("aliases/" + preallocated.value());
    }

    @Test
    void apiSignedKey_reusedForOtherContent_getsAFreshId() {
        JobId id = JobId.newId(clock.instant());
        String key = "uploads/default/alice/" + id.value() + "/a.txt";
        blobs.put(new BlobRef("docpipe", key), "one".getBytes(), "text/plain", Map.of());
        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m1");
        blobs.put(new BlobRef("docpipe", key), "two".getBytes(), "text/plain", Map.of());

        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m2");

        assertThat(store.listByOwner("alice", dev.docpipe.port.JobQuery.all(5)).items()).hasSize(2)
                .extracting(Job::id).contains(id);
        assertThat(store.get(id).orElseThrow().dedupKey()).isNotEqualTo(
                store.listByOwner("alice", dev.docpipe.port.JobQuery.all(5)).items().stream()
                        .filter(j -> !j.id().equals(id)).findFirst().orElseThrow().dedupKey());
        assertThat(blobs.get(uploads.alias(id))).isEmpty();
    }

    @Test
    void keyWithAnInvalidIdSegment_isAnOrdinaryUpload() {
        String key = "uploads/default/alice/not-an-id/a.txt";
        blobs.put(new BlobRef("docpipe", key), "x".getBytes(), "text/plain", Map.of("owner", "carol"));

        uploads.onEvent("ObjectCreated:Put", "docpipe", key, "m1");

        assertThat(store.listByOwner("carol", dev.docpipe.port.JobQuery.all(5)).items()).hasSize(1);
    }
}
