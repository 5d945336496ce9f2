package dev.docpipe.standins.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * Lambda's SQS event source mapping, emulated: worker threads receive batches from SQS queues,
 * hand each batch to a {@link RequestHandler} as the {@link SQSEvent} Lambda would build, and delete
 * what the handler did not report as failed ({@code ReportBatchItemFailures}). Tests and local
 * mode run the real handler classes through it.
 *
 * <h2>What matches Lambda</h2>
 * <ul>
 *   <li>The event: {@code messageId}, {@code receiptHandle}, {@code body}, {@code md5OfBody},
 *       {@code md5OfMessageAttributes}, {@code attributes} (the message system attributes SQS
 *       returns: {@code ApproximateReceiveCount}, {@code SentTimestamp}, {@code SenderId},
 *       {@code ApproximateFirstReceiveTimestamp}, …), {@code messageAttributes} ({@code stringValue}
 *       or {@code binaryValue}, empty list values, {@code dataType}), {@code eventSource "aws:sqs"},
 *       {@code eventSourceArn} (the queue's {@code QueueArn}) and {@code awsRegion}.</li>
 *   <li>Partial batch response: the messages listed in {@code batchItemFailures} stay; the rest are
 *       deleted. A null response, a null list or an empty list is full success. A null or empty
 *       {@code itemIdentifier}, or one that names no message of the batch, fails the whole batch, as
 *       Lambda documents.</li>
 *   <li>A handler that throws, or runs past the configured function timeout, fails the whole batch:
 *       nothing is deleted and every message returns after its visibility timeout. (Lambda would
 *       kill a timed-out invocation; here it runs to its end and its answer is discarded.)</li>
 *   <li>Failed messages are left to SQS: they become visible again when their visibility timeout
 *       ends, and SQS (ElasticMQ) moves them to the dead-letter queue after {@code maxReceiveCount}
 *       receives. The poller never moves messages itself.</li>
 * </ul>
 *
 * <h2>Where it differs</h2>
 * <ul>
 *   <li>Priority: one mapping drains several queues in order (high before default before low).
 *       Each queue has a receiver thread of its own that keeps at most one received batch waiting
 *       for a worker; a free worker takes the waiting batch of the highest queue, and waits for the
 *       answer of a higher queue's short poll under way before taking a lower one. An empty queue
 *       is long-polled for {@code waitTime}, so a message on any queue is received as soon as it
 *       arrives and an idle mapping costs one request per queue and {@code waitTime}. In AWS each
 *       queue has its own mapping and priority comes from their maximum concurrency instead.</li>
 *   <li>Fairness across tenants within a queue is the queue's, as in AWS: the SQS stand-in's standard
 *       queues deliver by {@code MessageGroupId} as SQS fair queues do. Since a receiver holds at most
 *       one batch ahead of the workers and a handler takes a batch's records in order, a message of a
 *       group with nothing in flight waits for the batches in hand plus at most one more, however many
 *       messages other groups have queued (docs/operations.md, "Fairness across tenants").</li>
 *   <li>A batch that waits for a busy worker has its visibility extended (every half visibility
 *       timeout), so waiting for a worker never counts as a receive.</li>
 *   <li>Values come from ElasticMQ: {@code SenderId} is the client's address ({@code 127.0.0.1}),
 *       not an IAM principal; there is no {@code AWSTraceHeader}.</li>
 *   <li>Concurrency is a fixed number of worker threads; there is no scaling, no throttling and no
 *       batching window (a batch is what one {@code ReceiveMessage} returns, up to the batch size).</li>
 *   <li>{@link Builder#visibilityTimeout(Duration)}, if set, is sent with every receive (Lambda uses
 *       the queue's own).</li>
 *   <li>Optional retry backoff ({@link Builder#retryBackoff(IntFunction)}, off by default): failed
 *       messages get {@code ChangeMessageVisibility} to the returned duration, keyed by their
 *       receive count. Lambda does no such thing (a handler that wants backoff must change the
 *       visibility itself); it exists to keep local retries short.</li>
 *   <li>All invocations share one JVM: static state is shared as in one warm execution environment
 *       that is reused concurrently, which Lambda never does.</li>
 * </ul>
 */
public final class SqsEventSourcePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSourcePoller.class);
    private static final Duration POLL_ERROR_PAUSE = Duration.ofMillis(500);

    private final SqsClient sqs;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final List<String> queueUrls;
    private final int batchSize;
    private final Duration visibilityTimeout;
    private final int waitSeconds;
    private final int concurrency;
    private final String functionName;
    private final Duration functionTimeout;
    private final int memoryLimitMb;
    private final String region;
    private final String accountId;
    private final IntFunction<Duration> retryBackoff;

    private final Map<String, String> arns = new LinkedHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** One per queue, in priority order. */
    private List<Receiver> receivers = List.of();
    private volatile boolean running;
    private boolean started;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedMessages = new AtomicLong();
    private final AtomicLong functionErrors = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong pollErrors = new AtomicLong();

    private SqsEventSourcePoller(Builder b) {
        this.sqs = b.sqs;
        this.handler = b.handler;
        this.queueUrls = List.copyOf(b.queueUrls);
        this.batchSize = b.batchSize;
        this.visibilityTimeout = b.visibilityTimeout;
        this.waitSeconds = (int) b.waitTime.toSeconds();
        this.concurrency = b.concurrency;
        this.functionName = b.functionName;
        this.functionTimeout = b.functionTimeout;
        this.memoryLimitMb = b.memoryLimitMb;
        this.region = b.region;
        this.accountId = b.accountId;
        this.retryBackoff = b.retryBackoff;
    }

    /** A mapping from the queues given to {@link Builder#queueUrls} to {@code handler}. */
    public static Builder builder(SqsClient sqs, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        return new Builder(sqs, handler);
    }

    /**
     * Looks up every queue's ARN (failing fast, as creating a mapping for a missing queue fails)
     * and starts the workers.
     *
     * @throws IllegalStateException when already started or a queue cannot be read
     */
    public synchronized SqsEventSourcePoller start() {
        if (started) {
            throw new IllegalStateException("poller for " + functionName + " was already started");
        }
        List<Receiver> created = new ArrayList<>();
        for (String url : queueUrls) {
            Map<QueueAttributeName, String> attributes;
            try {
                attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(QueueAttributeName.QUEUE_ARN, QueueAttributeName.VISIBILITY_TIMEOUT)).attributes();
            } catch (SdkException e) {
                throw new IllegalStateException("queue " + url + " of " + functionName + " cannot be read", e);
            }
            arns.put(url, attributes.get(QueueAttributeName.QUEUE_ARN));
            created.add(new Receiver(url, visibilityTimeout != null ? visibilityTimeout
                    : Duration.ofSeconds(Long.parseLong(attributes.getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "30")))));
        }
        receivers = List.copyOf(created);
        started = true;
        running = true;
        for (int i = 0; i < concurrency; i++) {
            Thread worker = new Thread(this::work, "sqs-poller-" + functionName + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Receiver r : receivers) {
            Thread receiver = new Thread(r, "sqs-receiver-" + functionName + "-" + queueName(r.url));
            receiver.setDaemon(true);
            receiver.start();
        }
        LOG.info("poller for {} started: {} worker(s), batch size {}, queues {}", functionName, concurrency, batchSize,
                queueUrls.stream().map(SqsEventSourcePoller::queueName).toList());
        return this;
    }

    /**
     * Graceful stop: no new receive starts and no worker takes a new batch; a batch being handled is
     * handled and acknowledged to its end. A long poll under way is not waited for: whatever it, or
     * a batch still waiting for a worker, returns is made visible again at once (its receive count
     * has grown by one), for the next poller of the queue. Waits for as long as the function
     * timeout allows.
     *
     * @return whether every worker finished in time
     */
    public boolean stop() {
        return stop(functionTimeout.plusSeconds(5));
    }

    /** {@link #stop()} waiting at most {@code timeout}. */
    public boolean stop(Duration timeout) {
        update(() -> running = false);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        List<Thread> toJoin;
        synchronized (this) {
            toJoin = List.copyOf(workers);
        }
        for (Thread worker : toJoin) {
            if (worker == Thread.currentThread()) {
                continue;
            }
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            all &= !worker.isAlive();
        }
        if (!all) {
            LOG.warn("poller for {} did not stop within {}", functionName, timeout);
        }
        return all;
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return running;
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        return new Stats(batches.get(), messages.get(), deleted.get(), failedMessages.get(), functionErrors.get(),
                timeouts.get(), pollErrors.get());
    }

    /**
     * Counters since start.
     *
     * @param batches        handler invocations
     * @param messages       messages handed to the handler (a redelivery counts again)
     * @param deleted        messages deleted after success
     * @param failedMessages messages left on their queue: reported in {@code batchItemFailures}, or
     *                       part of a failed invocation
     * @param functionErrors invocations that threw, timed out or answered an invalid batch response
     * @param timeouts       invocations that ran past the function timeout (also function errors)
     * @param pollErrors     failed receive calls
     */
    public record Stats(long batches, long messages, long deleted, long failedMessages, long functionErrors,
                        long timeouts, long pollErrors) {
    }

    /** A worker: takes the next batch in priority order, hands it to the handler, acknowledges it. */
    private void work() {
        while (true) {
            Batch batch;
            try {
                batch = next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            try {
                handle(batch);
            } catch (RuntimeException e) {
                LOG.error("poller for {} failed acknowledging a batch from {}", functionName, queueName(batch.queueUrl), e);
            }
        }
    }

    /**
     * The received batch of the highest-priority queue; while a queue above it is still answering a
     * short poll (its messages may be there already), waits for that answer first. Null once stopped.
     */
    private Batch next() throws InterruptedException {
        lock.lock();
        try {
            while (running) {
                for (Receiver r : receivers) {
                    if (r.pending != null) {
                        Batch b = r.pending;
                        r.pending = null;
                        changed.signalAll();
                        return b;
                    }
                    if (r.probing) {
                        break;
                    }
                }
                changed.await();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One queue's receiver: keeps at most one received batch waiting for a worker. After a batch was
     * taken it short-polls (the queue likely holds more); after an empty answer it long-polls for
     * {@code waitTime}, so an idle queue costs one request per {@code waitTime}. A batch that waits
     * for a busy worker has its visibility extended, so waiting never costs a receive.
     */
    private final class Receiver implements Runnable {
        private final String url;
        private final Duration visibility;
        /** Guarded by {@link #lock}. */
        private Batch pending;
        /** Guarded by {@link #lock}: a short poll is under way. */
        private boolean probing;

        Receiver(String url, Duration visibility) {
            this.url = url;
            this.visibility = visibility;
        }

        @Override
        public void run() {
            boolean probe = true;
            boolean failing = false;
            while (true) {
                if (!awaitTaken(probe)) {
                    return;
                }
                List<Message> received;
                try {
                    received = receive(url, probe ? 0 : waitSeconds);
                } catch (SdkException e) {
                    setProbing(false);
                    if (!running) {
                        return;
                    }
                    pollErrors.incrementAndGet();
                    if (!failing) {
                        LOG.warn("poller for {} cannot receive from {} (retrying every {} ms): {}", functionName,
                                queueName(url), POLL_ERROR_PAUSE.toMillis(), e.toString());
                    }
                    failing = true;
                    pause(POLL_ERROR_PAUSE);
                    probe = true;
                    continue;
                }
                if (failing) {
                    LOG.info("poller for {} receives from {} again", functionName, queueName(url));
                    failing = false;
                }
                probe = !received.isEmpty();
                boolean kept;
                lock.lock();
                try {
                    probing = false;
                    kept = running && !received.isEmpty();
                    if (kept) {
                        pending = new Batch(url, received);
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                if (!kept) {
                    release(url, received);
                    if (!running) {
                        return;
                    }
                }
            }
        }

        /**
         * Waits until no batch of this queue waits for a worker, extending the visibility of one
         * that waits long; then marks whether the next receive is a short poll. False once stopped
         * (a batch still waiting is made visible again).
         */
        private boolean awaitTaken(boolean probe) {
            long heartbeatNanos = Math.max(250_000_000L, visibility.toNanos() / 2);
            while (true) {
                Batch waiting;
                lock.lock();
                try {
                    long left = heartbeatNanos;
                    while (running && pending != null && left > 0) {
                        left = changed.awaitNanos(left);
                    }
                    if (!running) {
                        waiting = pending;
                        pending = null;
                    } else if (pending == null) {
                        probing = probe;
                        return true;
                    } else {
                        waiting = pending;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    lock.unlock();
                }
                if (!running) {
                    if (waiting != null) {
                        release(url, waiting.messages);
                    }
                    return false;
                }
                extend(waiting);
            }
        }

        private void setProbing(boolean value) {
            update(() -> probing = value);
        }

        private void extend(Batch waiting) {
            if (visibility.isZero()) {
                return;
            }
            try {
                changeVisibility(url, waiting.messages, (int) visibility.toSeconds());
            } catch (SdkException e) {
                LOG.debug("{}: could not extend the visibility of a waiting batch from {}: {}", functionName,
                        queueName(url), e.toString());
            }
        }
    }

    /** Changes the dispatch state under the lock and wakes every thread waiting on it. */
    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Messages received after stop, or held when it came: visible again at once for the next poller. */
    private void release(String url, List<Message> received) {
        if (received.isEmpty()) {
            return;
        }
        try {
            changeVisibility(url, received, 0);
        } catch (SdkException e) {
            LOG.debug("{}: could not release {} message(s) to {}: {}", functionName, received.size(), queueName(url),
                    e.toString());
        }
    }

    private void changeVisibility(String url, List<Message> received, int seconds) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < received.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(received.get(i).receiptHandle()).visibilityTimeout(seconds).build());
        }
        sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
    }

    private List<Message> receive(String url, int wait) {
        ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(batchSize)
                .waitTimeSeconds(wait)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All");
        if (visibilityTimeout != null) {
            request.visibilityTimeout((int) visibilityTimeout.toSeconds());
        }
        return sqs.receiveMessage(request.build()).messages();
    }

    private void handle(Batch batch) {
        SQSEvent event = toEvent(batch);
        LocalLambdaContext context = new LocalLambdaContext(functionName, functionTimeout, memoryLimitMb, region, accountId);
        batches.incrementAndGet();
        messages.addAndGet(batch.messages.size());
        long startedNanos = System.nanoTime();
        SQSBatchResponse response;
        try {
            response = handler.handleRequest(event, context);
        } catch (Throwable t) {
            functionErrors.incrementAndGet();
            LOG.warn("{} request {} failed ({} message(s) from {} will be retried): {}", functionName,
                    context.getAwsRequestId(), batch.messages.size(), queueName(batch.queueUrl), t.toString(), t);
            fail(batch, batch.messages);
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            return;
        }
        if (context.timedOut()) {
            functionErrors.incrementAndGet();
            timeouts.incrementAndGet();
            LOG.warn("{} request {} timed out after {} ms (limit {}): its {} message(s) will be retried", functionName,
                    context.getAwsRequestId(), (System.nanoTime() - startedNanos) / 1_000_000, functionTimeout,
                    batch.messages.size());
            fail(batch, batch.messages);
            return;
        }
        Set<String> failedIds = failedIds(response, batch, context);
        if (failedIds == null) {
            functionErrors.incrementAndGet();
            fail(batch, batch.messages);
            return;
        }
        List<Message> succeeded = new ArrayList<>();
        List<Message> failed = new ArrayList<>();
        for (Message m : batch.messages) {
            (failedIds.contains(m.messageId()) ? failed : succeeded).add(m);
        }
        delete(batch.queueUrl, succeeded);
        fail(batch, failed);
        LOG.debug("{} request {}: {} message(s) from {}, {} failed", functionName, context.getAwsRequestId(),
                batch.messages.size(), queueName(batch.queueUrl), failed.size());
    }

    /** The message ids reported failed; null when the response fails the whole batch. */
    private Set<String> failedIds(SQSBatchResponse response, Batch batch, LocalLambdaContext context) {
        if (response == null || response.getBatchItemFailures() == null) {
            return Set.of();
        }
        Set<String> inBatch = new HashSet<>();
        batch.messages.forEach(m -> inBatch.add(m.messageId()));
        Set<String> failed = new HashSet<>();
        for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            String id = f == null ? null : f.getItemIdentifier();
            if (id == null || id.isEmpty() || !inBatch.contains(id)) {
                LOG.warn("{} request {} answered an invalid itemIdentifier {}: the whole batch fails", functionName,
                        context.getAwsRequestId(), id == null ? "null" : "'" + id + "'");
                return null;
            }
            failed.add(id);
        }
        return failed;
    }

    private void delete(String queueUrl, List<Message> done) {
        if (done.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(done.get(i).receiptHandle()).build());
        }
        try {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            deleted.addAndGet(response.successful().size());
            response.failed().forEach(f -> LOG.warn("{}: could not delete a message from {}: {} {}", functionName,
                    queueName(queueUrl), f.code(), f.message()));
        } catch (SdkException e) {
            LOG.warn("{}: could not delete {} message(s) from {} (they will be delivered again): {}", functionName,
                    done.size(), queueName(queueUrl), e.toString());
        }
    }

    private void fail(Batch batch, List<Message> failed) {
        failedMessages.addAndGet(failed.size());
        if (retryBackoff == null || failed.isEmpty()) {
            return;
        }
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < failed.size(); i++) {
            Message m = failed.get(i);
            Duration backoff = retryBackoff.apply(receiveCount(m));
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(m.receiptHandle())
                    .visibilityTimeout((int) Math.max(0, Math.min(43_200, backoff.toSeconds())))
                    .build());
        }
        try {
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(batch.queueUrl).entries(entries));
        } catch (SdkException e) {
            LOG.warn("{}: could not set retry backoff on {}: {}", functionName, queueName(batch.queueUrl), e.toString());
        }
    }

    private SQSEvent toEvent(Batch batch) {
        String arn = arns.get(batch.queueUrl);
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : batch.messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setAttributes(new LinkedHashMap<>(m.attributesAsStrings()));
            r.setMessageAttributes(messageAttributes(m.messageAttributes()));
            r.setMd5OfBody(m.md5OfBody());
            r.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(arn);
            r.setAwsRegion(region);
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, SQSEvent.MessageAttribute> messageAttributes(Map<String, MessageAttributeValue> values) {
        Map<String, SQSEvent.MessageAttribute> attributes = new LinkedHashMap<>();
        values.forEach((name, v) -> {
            SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
            a.setStringValue(v.stringValue());
            if (v.binaryValue() != null) {
                a.setBinaryValue(ByteBuffer.wrap(v.binaryValue().asByteArray()));
            }
            a.setStringListValues(new ArrayList<>(v.stringListValues()));
            a.setBinaryListValues(new ArrayList<>(v.binaryListValues().stream()
                    .map(b -> ByteBuffer.wrap(b.asByteArray())).toList()));
            a.setDataType(v.dataType());
            attributes.put(name, a);
        });
        return attributes;
    }

    private static int receiveCount(Message m) {
        String count = m.attributesAsStrings().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    static String queueName(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Batch(String queueUrl, List<Message> messages) {
    }

    /** Settings of one mapping; {@link #queueUrls} is required. */
    public static final class Builder {
        private final SqsClient sqs;
        private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
        private List<String> queueUrls = List.of();
        private int batchSize = 10;
        private Duration visibilityTimeout;
        private Duration waitTime = Duration.ofSeconds(1);
        private int concurrency = 1;
        private String functionName = "function";
        private Duration functionTimeout = Duration.ofSeconds(60);
        private int memoryLimitMb = 512;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private IntFunction<Duration> retryBackoff;

        private Builder(SqsClient sqs, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            this.sqs = Objects.requireNonNull(sqs, "sqs");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The queues in priority order, highest first. */
        public Builder queueUrls(List<String> urls) {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("at least one queue URL");
            }
            this.queueUrls = List.copyOf(urls);
            return this;
        }

        public Builder queueUrls(String... urls) {
            return queueUrls(List.of(urls));
        }

        /** 1..10 (the default): the most messages one invocation gets. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10) {
                throw new IllegalArgumentException("batch size must be 1..10: " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Visibility timeout sent with each receive (whole seconds); unset: the queue's own. */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            if (visibilityTimeout.isNegative() || visibilityTimeout.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("visibility timeout must be 0 s..12 h: " + visibilityTimeout);
            }
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        /** How long a receiver long-polls its queue while the queue is empty, 1..20 s (default 1 s). */
        public Builder waitTime(Duration waitTime) {
            if (waitTime.toSeconds() < 1 || waitTime.toSeconds() > 20) {
                throw new IllegalArgumentException("wait time must be 1..20 s: " + waitTime);
            }
            this.waitTime = waitTime;
            return this;
        }

        /** Worker threads, each with at most one batch in flight (default 1). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1: " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        public Builder functionName(String functionName) {
            if (functionName == null || functionName.isBlank()) {
                throw new IllegalArgumentException("function name must not be blank");
            }
            this.functionName = functionName;
            return this;
        }

        /** The function's timeout (default 60 s): the context's remaining time, and when a batch counts as timed out. */
        public Builder functionTimeout(Duration functionTimeout) {
            if (functionTimeout.isNegative() || functionTimeout.isZero()) {
                throw new IllegalArgumentException("function timeout must be positive: " + functionTimeout);
            }
            this.functionTimeout = functionTimeout;
            return this;
        }

        public Builder memoryLimitMb(int memoryLimitMb) {
            this.memoryLimitMb = memoryLimitMb;
            return this;
        }

        /** Region in the event's {@code awsRegion} and the context's function ARN (default us-east-1). */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /**
         * Local-only retry backoff: a failed message's visibility is set to
         * {@code backoff.apply(receiveCount)} (clamped to 0 s..12 h). Off by default, as in Lambda.
         */
        public Builder retryBackoff(IntFunction<Duration> backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public SqsEventSourcePoller build() {
            if (queueUrls.isEmpty()) {
                throw new IllegalStateException("queue URLs are required");
            }
            return new SqsEventSourcePoller(this);
        }
    }
}
