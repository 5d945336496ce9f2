package dev.docpipe.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.Config;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import dev.docpipe.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each stage handler, with its real adapters, given the same message twice in a row and four times
 * at once: the job moves through each stage once, each output object is one object, and the job
 * completes once.
 */
class DuplicateMessagesIT {

    @Test
    void everyStageHandlerGivenTheSameMessageTwiceAndConcurrently_advancesTheJobOnce() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger publishes = new AtomicInteger();
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(q -> countingSends(q, sent), b -> countingPublishes(b, publishes),
                (n, h) -> h, null);
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.POSTGRES, true)
                .withHooks(hooks))) {
            for (String f : List.of("parse", "render", "store")) {
                pipeline.stopFunction(f);
            }
            BlobRef doc = new BlobRef(LocalPipeline.BUCKET, "inline/dup/" + UUID.randomUUID());
            pipeline.components().blobs().put(doc, "<h1>Twice</h1><p>same message, one effect</p>".getBytes(StandardCharsets.UTF_8),
                    "text/html", Map.of());
            Job job = pipeline.components().intake().submit(new IntakeRequest("dup", Source.inline(doc.bucket(), doc.key()),
                    "twice.html", null, Priority.DEFAULT, Map.of(), "sha256:" + UUID.randomUUID(), 50, "t")).job();
            assertThat(sent.get()).isEqualTo(1);

            for (Stage stage : Stage.values()) {
                StageMessage message = new StageMessage(job.id(), stage, job.priority(), 1, "t");
                String name = stage.wire();
                int sendsBefore = sent.get();

                SQSBatchResponse first = invoke(pipeline, name, message);
                SQSBatchResponse second = invoke(pipeline, name, message);
                List<SQSBatchResponse> concurrent = invokeConcurrently(pipeline, name, message, 4);

                assertThat(first.getBatchItemFailures()).isEmpty();
                assertThat(second.getBatchItemFailures()).isEmpty();
                assertThat(concurrent).allSatisfy(r -> assertThat(r.getBatchItemFailures()).isEmpty());
                Job now = pipeline.components().store().get(job.id()).orElseThrow();
                if (stage == Stage.STORE) {
                    assertThat(now.status()).isEqualTo(JobStatus.COMPLETED);
                    assertThat(sent.get()).as("no message after the last stage").isEqualTo(sendsBefore);
                } else {
                    assertThat(now.stage().rank()).as("advanced exactly one stage").isEqualTo(stage.rank() + 1);
                    // one send by the winner; the repeats that find the stage passed re-send the next message
                    assertThat(sent.get() - sendsBefore).isBetween(1, 6);
                }
            }
            Job done = pipeline.components().store().get(job.id()).orElseThrow();
            assertThat(done.timestamps()).containsKeys("parse.finished", "render.finished", "store.finished", "completed");
            assertThat(publishes.get()).as("PDF published once").isEqualTo(1);
            assertThat(pipeline.components().blobs().list(LocalPipeline.BUCKET, "pdf/", null, 10)).hasSize(1);
            assertThat(pipeline.components().blobs().list(LocalPipeline.BUCKET, "work/" + job.id() + "/", null, 10))
                    .as("work objects cleaned up after publishing").isEmpty();
        }
    }

    private static SQSBatchResponse invoke(LocalPipeline pipeline, String function, StageMessage message) {
        return pipeline.handler(function).handleRequest(event(message), new LocalLambdaContext(function, Duration.ofMinutes(1), 1024, "us-east-1", "000000000000"));
    }

    private static List<SQSBatchResponse> invokeConcurrently(LocalPipeline pipeline, String function, StageMessage message,
                                                             int copies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<SQSBatchResponse>> calls = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return invoke(pipeline, function, message);
                }));
            }
            go.countDown();
            List<SQSBatchResponse> responses = new ArrayList<>();
            for (Future<SQSBatchResponse> call : calls) {
                responses.add(call.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static SQSEvent event(StageMessage message) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(UUID.randomUUID().toString());
        record.setBody(StageMessageJson.write(message));
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        record.setEventSource("aws:sqs");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    private static StageQueues countingSends(StageQueues real, AtomicInteger sent) {
        return new StageQueues() {
            @Override
            public void send(StageMessage m) {
                sent.incrementAndGet();
                real.send(m);
            }

            @Override
            public void send(StageMessage m, Duration delay) {
                sent.incrementAndGet();
                real.send(m, delay);
            }
        };
    }

    private static Blobs countingPublishes(Blobs real, AtomicInteger publishes) {
        return new ForwardingBlobs(real) {
            @Override
            public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
                if (ref.key().startsWith("pdf/")) {
                    publishes.incrementAndGet();
                }
                super.put(ref, bytes, contentType, metadata);
            }

            @Override
            public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
                if (to.key().startsWith("pdf/")) {
                    publishes.incrementAndGet();
                }
                return super.copy(from, to, contentType, metadata);
            }
        };
    }
}
