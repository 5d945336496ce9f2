package dev.docpipe.adapter.dynamodb;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.StageMessage;
import dev.docpipe.testing.InMemoryFastPath;
import dev.docpipe.testing.LaggingIndexes;
import dev.docpipe.testing.RecordingQueues;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobStatus;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.JobStoreContract;
import dev.docpipe.testing.DynamoDb;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against the DynamoDB-protocol stand-in, plus the table's shape. */
class DynamoDbJobStoreIT extends JobStoreContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    protected final DynamoDbClient dynamo = client();
    private String table;

    /** The DynamoDB implementation under test: the project's stand-in here, moto in a subclass. */
    protected DynamoDbClient client() {
        return DynamoDb.client();
    }

    protected URI endpoint() {
        return DynamoDb.server().endpoint();
    }

    @Override
    protected JobStore newStore(MutableClock clock) {
        table = "docpipe-jobs-" + TABLES.incrementAndGet();
        DynamoDbTables.createJobsTable(dynamo, table);
        return new DynamoDbJobStore(dynamo, table, clock);
    }

    @Test
    void table_hasTheTwoIndexesAndTtl() {
        TableDescription t = dynamo.describeTable(b -> b.tableName(table)).table();

        assertThat(t.globalSecondaryIndexes()).extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder(DynamoDbTables.BY_OWNER, DynamoDbTables.ACTIVE);
        assertThat(dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().attributeName())
                .isEqualTo(DynamoDbTables.TTL_ATTRIBUTE);
        DynamoDbTables.createJobsTable(dynamo, table); // idempotent
    }

    @Test
    void activeIndex_isSparse_aFinishedJobLeavesIt() {
        Job job = store.createIfAbsent(Jobs.queued("kim", clock.instant())).job();
        assertThat(activeIndexEntries()).isEqualTo(1);

        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, clock.instant())
                .expiresAt(clock.instant().plus(Duration.ofDays(1))).build());

        assertThat(activeIndexEntries()).isZero();
        Map<String, AttributeValue> dedup = dynamo.getItem(b -> b.tableName(table)
                .key(JobItems.dedupKey(job.dedupKey()))).item();
        assertThat(dedup.get(DynamoDbTables.TTL_ATTRIBUTE).n())
                .as("the dedup item expires with its job")
                .isEqualTo(Long.toString(JobItems.ttlSeconds(clock.instant().plus(Duration.ofDays(1)))));
    }

    @Test
    void activeIndex_spreadsOneStatusOverShards() {
        for (int i = 0; i < 64; i++) {
            store.createIfAbsent(Jobs.queued("lee", clock.instant()));
        }
        int shardsUsed = 0;
        for (int shard = 0; shard < DynamoDbJobStore.ACTIVE_SHARDS; shard++) {
            String partition = JobItems.activePartition(JobStatus.QUEUED, shard);
            int count = dynamo.query(b -> b.tableName(table).indexName(DynamoDbTables.ACTIVE)
                    .keyConditionExpression("gsi2pk = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(partition)))).count();
            shardsUsed += count > 0 ? 1 : 0;
            assertThat(count).as("jobs in shard %d", shard).isLessThan(64);
        }
        assertThat(shardsUsed).isGreaterThanOrEqualTo(DynamoDbJobStore.ACTIVE_SHARDS - 2);
    }

    @Test
    void createIfAbsent_itemOver400KB_isRefusedAsTooLargeAndLeavesTheDedupKeyFree() {
        Job small = Jobs.queued("max", clock.instant());
        Job huge = Job.newQueued(JobId.newId(clock.instant()), small.owner(), small.source(), "x".repeat(410 * 1024),
                small.format(), small.priority(), small.options(), small.dedupKey(), clock.instant());

        assertThatThrownBy(() -> store.createIfAbsent(huge))
                .isInstanceOfSatisfying(DocpipeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));

        assertThat(store.get(huge.id())).isEmpty();
        assertThat(store.createIfAbsent(small).created()).as("nothing of the refused transaction was written").isTrue();
    }

    @Test
    void conditionalWrites_returnTheItemThatFailedTheCondition_onEveryKindOfWrite() {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("probe#1"));
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("v", AttributeValue.fromN("1"));
        dynamo.putItem(b -> b.tableName(table).item(item));
        String never = "attribute_not_exists(pk)";

        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(never)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> assertThat(e.item()).isEqualTo(item));
        assertThatThrownBy(() -> dynamo.updateItem(b -> b.tableName(table).key(key).updateExpression("SET v = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2"))).conditionExpression(never)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> assertThat(e.item()).isEqualTo(item));
        assertThatThrownBy(() -> dynamo.deleteItem(b -> b.tableName(table).key(key).conditionExpression(never)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> assertThat(e.item()).isEqualTo(item));
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression(never)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class,
                        e -> assertThat(e.hasItem()).as("no item unless asked for").isFalse());

        List<TransactWriteItem> actions = List.of(
                TransactWriteItem.builder().put(x -> x.tableName(table).item(item).conditionExpression(never)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                TransactWriteItem.builder().update(x -> x.tableName(table).key(key).updateExpression("SET v = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2"))).conditionExpression(never)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                TransactWriteItem.builder().delete(x -> x.tableName(table).key(key).conditionExpression(never)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                TransactWriteItem.builder().conditionCheck(x -> x.tableName(table).key(key).conditionExpression(never)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        for (TransactWriteItem action : actions) {
            Map<String, AttributeValue> otherKey = Map.of("pk", AttributeValue.fromS("probe#other"));
            assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(action,
                    TransactWriteItem.builder().put(x -> x.tableName(table).item(otherKey)).build())))
                    .as("transaction with %s", action)
                    .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                        assertThat(e.cancellationReasons()).extracting(CancellationReason::code)
                                .containsExactly("ConditionalCheckFailed", "None");
                        assertThat(e.cancellationReasons().get(0).item()).isEqualTo(item);
                    });
            assertThat(dynamo.getItem(b -> b.tableName(table).key(otherKey)).hasItem())
                    .as("the other action of a cancelled transaction").isFalse();
        }
    }

    @Test
    void sweeper_withALaggingActiveIndex_leavesJobsThatMovedOnAlone() {
        Job advanced = store.createIfAbsent(Jobs.queued("ivy", clock.instant())).job();
        Job finished = store.createIfAbsent(Jobs.queued("ivy", clock.instant())).job();
        Job stuck = store.createIfAbsent(Jobs.queued("ivy", clock.instant())).job();
        for (Job j : List.of(advanced, finished, stuck)) {
            store.transition(j.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.PARSE).build());
        }
        clock.advance(Duration.ofMinutes(20));
        LaggingIndexes lag = new LaggingIndexes();
        try (DynamoDbClient lagging = DynamoDb.newClient(endpoint(), lag)) {
            JobStore laggingStore = new DynamoDbJobStore(lagging, table, clock);
            Instant cutoff = clock.instant().minus(Duration.ofMinutes(15));
            assertThat(laggingStore.findStale(JobStatus.RUNNING, cutoff, 10)).hasSize(3);
            lag.freeze();
            store.transition(advanced.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.RENDER).build());
            store.transition(finished.id(), JobStatus.RUNNING, 1, JobChange.to(JobStatus.COMPLETED, clock.instant())
                    .result(new JobResult("s3://b/k.pdf", 1, 10)).build());

            assertThat(laggingStore.findStale(JobStatus.RUNNING, cutoff, 10)).as("stale by the table, not by the index")
                    .extracting(Job::id).containsExactly(stuck.id());

            RecordingQueues queues = new RecordingQueues();
            Sweeper.Report report = new Sweeper(new JobTransitions(laggingStore, new InMemoryFastPath(), Duration.ofHours(1)),
                    queues, clock, new Sweeper.Settings(Duration.ofMinutes(5), Duration.ofMinutes(15), 3, 100, Duration.ofDays(7)))
                    .sweep();
            assertThat(queues.sent()).extracting(StageMessage::jobId).containsExactly(stuck.id());
            assertThat(report.redriven()).isEqualTo(1);
            assertThat(store.get(advanced.id()).orElseThrow().stage()).isEqualTo(Stage.RENDER);
            assertThat(store.get(finished.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Test
    void history_withALaggingOwnerIndex_showsEachJobAsTheTableHasIt() {
        Job kept = store.createIfAbsent(Jobs.queued("uma", clock.instant())).job();
        Job cancelled = store.createIfAbsent(Jobs.queued("uma", clock.instant())).job();
        Job deleted = store.createIfAbsent(Jobs.queued("uma", clock.instant())).job();
        LaggingIndexes lag = new LaggingIndexes();
        try (DynamoDbClient lagging = DynamoDb.newClient(endpoint(), lag)) {
            JobStore laggingStore = new DynamoDbJobStore(lagging, table, clock);
            assertThat(laggingStore.listByOwner("uma", JobQuery.all(10)).items()).hasSize(3);
            lag.freeze();
            store.transition(cancelled.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, clock.instant()).build());
            store.delete(deleted.id());

            List<Job> listed = laggingStore.listByOwner("uma", JobQuery.all(10)).items();

            assertThat(listed).extracting(Job::id).containsExactlyInAnyOrder(kept.id(), cancelled.id());
            assertThat(listed).filteredOn(j -> j.id().equals(cancelled.id())).singleElement()
                    .extracting(Job::status).isEqualTo(JobStatus.CANCELLED);
        }
    }

    private int activeIndexEntries() {
        return dynamo.scan(b -> b.tableName(table).indexName(DynamoDbTables.ACTIVE)).count();
    }
}
