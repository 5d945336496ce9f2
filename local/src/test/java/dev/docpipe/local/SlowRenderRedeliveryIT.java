package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.config.QueueNames;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A render slower than its queue's visibility timeout, end to end on ElasticMQ: the message is
 * delivered again while the first render still runs, and the stage lease keeps the second delivery
 * from starting a second render.
 */
class SlowRenderRedeliveryIT {
    private static final Duration SLOW_RENDER = Duration.ofSeconds(7);
    private static final int SHORT_VISIBILITY_SECONDS = 2;

    @Test
    void aRedeliveryDuringALongRender_doesNotStartASecondRender() throws Exception {
        AtomicInteger renders = new AtomicInteger();
        AtomicInteger renderDeliveries = new AtomicInteger();
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(q -> q, b -> slowRenders(b, renders),
                (name, h) -> name.equals("render") ? (event, context) -> {
                    renderDeliveries.addAndGet(event.getRecords().size());
                    return h.handleRequest(event, context);
                } : h, null);
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false)
                .withHooks(hooks))) {
            // every queue is derived from its consumer's timeout (render: 6 × 180 s) ...
            SqsClient sqs = pipeline.sqs().client();
            QueueNames names = new QueueNames(QueueNames.DEFAULT_PREFIX);
            String renderDefault = sqs.getQueueUrl(r -> r.queueName(names.stage(Stage.RENDER, Priority.DEFAULT))).queueUrl();
            assertThat(visibility(sqs, renderDefault))
                    .isEqualTo(String.valueOf(FunctionTimeouts.DEPLOYED.visibility(Stage.RENDER).toSeconds()));
            // ... so shorten it by hand to make a render outlast it
            sqs.setQueueAttributes(r -> r.queueUrl(renderDefault).attributes(
                    Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(SHORT_VISIBILITY_SECONDS))));

            BlobRef doc = new BlobRef(LocalPipeline.BUCKET, "inline/slow/" + UUID.randomUUID());
            pipeline.components().blobs().put(doc, "<h1>Slow</h1><p>rendered once</p>".getBytes(StandardCharsets.UTF_8),
                    "text/html", Map.of());
            Job job = pipeline.components().intake().submit(new IntakeRequest("slow", Source.inline(doc.bucket(), doc.key()),
                    "slow.html", null, Priority.DEFAULT, Map.of(), "sha256:" + UUID.randomUUID(), 40, "t")).job();

            Job done = awaitTerminal(pipeline, job, Duration.ofSeconds(90));

            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(renderDeliveries.get()).as("the render message was delivered again during the render")
                    .isGreaterThanOrEqualTo(2);
            assertThat(renders.get()).as("renders started").isEqualTo(1);
            assertThat(pipeline.components().blobs().list(LocalPipeline.BUCKET, "pdf/" + job.id(), null, 10)).hasSize(1);
        }
    }

    /** The render stage's read of the parsed document takes {@link #SLOW_RENDER}: inside the stage's work. */
    private static Blobs slowRenders(Blobs real, AtomicInteger renders) {
        return new ForwardingBlobs(real) {
            @Override
            public Optional<Blob> get(BlobRef ref) {
                if (ref.key().endsWith("/document.xhtml")) {
                    renders.incrementAndGet();
                    try {
                        Thread.sleep(SLOW_RENDER.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.get(ref);
            }
        };
    }

    private static String visibility(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                .attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
    }

    private static Job awaitTerminal(LocalPipeline pipeline, Job job, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Job now = pipeline.components().store().get(job.id()).orElseThrow();
        while (!now.status().isTerminal() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            now = pipeline.components().store().get(job.id()).orElseThrow();
        }
        return now;
    }
}
