package dev.docpipe.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Config;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes and poison messages, end to end: faults are injected between a state write and the next
 * send (including ingest's first parse message, which only the sweeper can recover), and between a
 * successful handler and the acknowledgement; a message that always fails goes to its dead-letter
 * queue and fails its job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureModesIT {
    private final AtomicBoolean faults = new AtomicBoolean();
    private final Set<String> sendsFailedOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> acksLostOnce = ConcurrentHashMap.newKeySet();
    private final AtomicInteger injectedSendFaults = new AtomicInteger();
    private final AtomicInteger injectedAckFaults = new AtomicInteger();
    private final Set<String> cleanUpsCut = ConcurrentHashMap.newKeySet();
    private final AtomicInteger injectedCleanUpFaults = new AtomicInteger();
    private final Map<String, AtomicInteger> publishes = new ConcurrentHashMap<>();
    private LocalPipeline pipeline;
    private S3Client s3;

    @BeforeAll
    void start() {
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(this::crashBeforeSend, this::countPublishes,
                this::loseAcknowledgements, null);
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false)
                .withRedrive(3, FunctionTimeouts.DEPLOYED).withHooks(hooks)
                .withSettings(Map.of("DOCPIPE_QUEUED_TIMEOUT_SECONDS", "3"))
                .withSweepInterval(Duration.ofSeconds(1)));
        s3 = pipeline.s3().newClient();
    }

    @AfterAll
    void stop() {
        s3.close();
        pipeline.close();
    }

    /** The first send of each (job, stage) message fails: the state was written, the next message is lost. */
    private StageQueues crashBeforeSend(StageQueues real) {
        return new StageQueues() {
            @Override
            public void send(StageMessage m) {
                maybeCrash(m);
                real.send(m);
            }

            @Override
            public void send(StageMessage m, Duration delay) {
                maybeCrash(m);
                real.send(m, delay);
            }

            private void maybeCrash(StageMessage m) {
                if (faults.get() && sendsFailedOnce.add(m.jobId() + "/" + m.stage())) {
                    injectedSendFaults.incrementAndGet();
                    throw new IllegalStateException("injected crash between the state write and the send");
                }
            }
        };
    }

    /** The first successful invocation of each message is not acknowledged: SQS delivers it again. */
    private RequestHandler<SQSEvent, SQSBatchResponse> loseAcknowledgements(String function,
                                                                            RequestHandler<SQSEvent, SQSBatchResponse> real) {
        if (function.equals("deadletter")) {
            return real;
        }
        return (event, context) -> {
            SQSBatchResponse response = real.handleRequest(event, context);
            if (faults.get() && event.getRecords().stream().anyMatch(r -> acksLostOnce.add(r.getMessageId()))) {
                injectedAckFaults.incrementAndGet();
                throw new IllegalStateException("injected crash after the send, before the acknowledgement");
            }
            return response;
        };
    }

    /** Counts PDF publishes; the store stage's first clean-up of each job dies part-way (after one delete). */
    private Blobs countPublishes(Blobs real) {
        return new ForwardingBlobs(real) {
            @Override
            public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
                if (ref.key().startsWith("pdf/")) {
                    publishes.computeIfAbsent(ref.key(), k -> new AtomicInteger()).incrementAndGet();
                }
                super.put(ref, bytes, contentType, metadata);
            }

            @Override
            public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
                if (to.key().startsWith("pdf/")) {
                    publishes.computeIfAbsent(to.key(), k -> new AtomicInteger()).incrementAndGet();
                }
                return super.copy(from, to, contentType, metadata);
            }

            @Override
            public void delete(BlobRef ref) {
                super.delete(ref);
                cutCleanUp(ref);
            }

            /** The clean-up dies after its first delete, as a multi-object delete cut short by a crash might. */
            @Override
            public void deleteAll(List<BlobRef> refs) {
                if (refs.isEmpty()) {
                    return;
                }
                super.delete(refs.get(0));
                cutCleanUp(refs.get(0));
                super.deleteAll(refs.subList(1, refs.size()));
            }

            private void cutCleanUp(BlobRef deleted) {
                if (faults.get() && deleted.key().startsWith("work/") && cleanUpsCut.add(deleted.key().split("/")[1])) {
                    injectedCleanUpFaults.incrementAndGet();
                    throw new IllegalStateException("injected crash in the middle of the store stage's clean-up");
                }
            }
        };
    }

    private Job await(dev.docpipe.job.JobId id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Job job = pipeline.components().store().get(id).orElseThrow();
        while (!job.status().isTerminal() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            job = pipeline.components().store().get(id).orElseThrow();
        }
        return job;
    }

    @Test
    void crashesBetweenWriteAndSendAndBetweenSendAndAck_everyJobStillCompletesWithOnePdf() throws Exception {
        faults.set(true);
        try {
            List<String> keys = List.of("a", "b", "c", "d", "e").stream().map(n -> "uploads/crash/" + n + ".html").toList();
            for (String key : keys) {
                s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key),
                        RequestBody.fromString("<h1>" + key + "</h1><p>survives crashes " + key + "</p>"));
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            List<Job> jobs;
            do {
                Thread.sleep(300);
                jobs = pipeline.components().store().listByOwner("crash", dev.docpipe.port.JobQuery.all(20)).items();
            } while ((jobs.size() < keys.size() || !jobs.stream().allMatch(j -> j.status().isTerminal()))
                    && Instant.now().isBefore(deadline));

            assertThat(jobs).hasSize(keys.size());
            assertThat(jobs).allSatisfy(j -> assertThat(j.status()).as("%s: %s", j.filename(), j.error()).isEqualTo(JobStatus.COMPLETED));
            for (Job j : jobs) {
                assertThat(publishes.get("pdf/" + j.id() + ".pdf")).as("publishes of %s", j.filename()).hasValue(1);
            }
            assertThat(injectedSendFaults.get()).as("send faults injected").isGreaterThanOrEqualTo(3 * keys.size());
            assertThat(injectedAckFaults.get()).as("acknowledgement faults injected").isGreaterThanOrEqualTo(keys.size());
            assertThat(injectedCleanUpFaults.get()).as("clean-ups cut short").isEqualTo(keys.size());
            List<String> ids = jobs.stream().map(j -> j.id().value()).toList();
            List<String> leftovers = s3.listObjectsV2(b -> b.bucket(LocalPipeline.BUCKET).prefix("work/")).contents()
                    .stream().map(S3Object::key).filter(k -> ids.contains(k.split("/")[1])).toList();
            assertThat(leftovers).as("work objects of completed jobs").isEmpty();
        } finally {
            faults.set(false);
        }
    }

    @Test
    void aPoisonMessage_reachesTheDeadLetterQueueAndFailsItsJobWithTheReason() throws Exception {
        Job job = pipeline.components().intake().submit(new IntakeRequest("poison",
                Source.s3("no-such-bucket", "uploads/poison/x.html"), "x.html", null, Priority.HIGH, Map.of(),
                "etag:poison-" + System.nanoTime(), 10, "t")).job();

        Job failed = await(job.id(), Duration.ofMinutes(1));

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ErrorCode.RETRIES_EXHAUSTED);
        assertThat(failed.error().message()).startsWith("the parse stage gave up after")
                .contains("store_unavailable");
    }
}
