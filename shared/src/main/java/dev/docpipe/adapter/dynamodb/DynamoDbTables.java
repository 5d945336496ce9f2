package dev.docpipe.adapter.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The jobs table, as template.yaml declares it: one string hash key {@code pk}, two sparse GSIs and a
 * TTL attribute. Used by tests and local mode; in AWS the template creates the table.
 *
 * <ul>
 *   <li>{@value #BY_OWNER}: {@code gsi1pk = owner#<owner>}, {@code gsi1sk = <job id>} — an owner's history,
 *       newest first (ids are UUIDv7, time-ordered).</li>
 *   <li>{@value #ACTIVE}: {@code gsi2pk = active#<STATUS>#<shard>}, {@code gsi2sk = <updatedAt millis>#<id>} —
 *       present only while a job is queued or running (sparse), spread over
 *       {@link DynamoDbJobStore#ACTIVE_SHARDS} shards so one status value never becomes a hot partition.</li>
 * </ul>
 */
public final class DynamoDbTables {
    public static final String BY_OWNER = "byOwner";
    public static final String ACTIVE = "activeByUpdate";
    public static final String TTL_ATTRIBUTE = "ttl";

    private DynamoDbTables() {
    }

    /** Creates the jobs table unless it exists, waits until it is active and enables TTL. */
    public static void createJobsTable(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.createTable(CreateTableRequest.builder()
                    .tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            stringAttribute("pk"), stringAttribute("gsi1pk"), stringAttribute("gsi1sk"),
                            stringAttribute("gsi2pk"), stringAttribute("gsi2sk"))
                    .keySchema(key("pk", KeyType.HASH))
                    .globalSecondaryIndexes(
                            index(BY_OWNER, "gsi1pk", "gsi1sk"),
                            index(ACTIVE, "gsi2pk", "gsi2sk"))
                    .build());
        } catch (ResourceInUseException alreadyThere) {
            // created by an earlier start or another process: fine
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        TimeToLiveStatus ttl = dynamo.describeTimeToLive(b -> b.tableName(tableName))
                .timeToLiveDescription().timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            dynamo.updateTimeToLive(b -> b.tableName(tableName)
                    .timeToLiveSpecification(t -> t.attributeName(TTL_ATTRIBUTE).enabled(true)));
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }
}
