package dev.docpipe.adapter.dynamodb;

import dev.docpipe.job.Job;
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
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against the DynamoDB-protocol stand-in, plus the table's shape. */
class DynamoDbJobStoreIT extends JobStoreContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    protected final DynamoDbClient dynamo = client();
    private String table;

    /** The DynamoDB implementation under test: the project's stand-in here, moto in a subclass. */
    protected DynamoDbClient client() {
        return DynamoDb.client();
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

    private int activeIndexEntries() {
        return dynamo.scan(b -> b.tableName(table).indexName(DynamoDbTables.ACTIVE)).count();
    }
}
