package dev.docpipe.standins.dynamo;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helpers: real AWS SDK v2 clients pointed at a stand-in, and table/value shorthands. */
final class SdkClients {
    private SdkClients() {
    }

    static DynamoDbClient client(DynamoStandIn standIn) {
        return clientFor(standIn.endpoint());
    }

    static DynamoDbClient clientFor(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    /**
     * Creates a pay-per-request table with a string hash key {@code pk}, an optional sort key {@code sk}
     * of the given type, and string-keyed GSIs named after their hash attribute ("gsi1pk" -> index "gsi1").
     */
    static String createTable(DynamoDbClient client, String name, ScalarAttributeType sortType, String... gsiHashKeys) {
        List<AttributeDefinition> definitions = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        definitions.add(attribute("pk", ScalarAttributeType.S));
        keys.add(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build());
        if (sortType != null) {
            definitions.add(attribute("sk", sortType));
            keys.add(KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
        }
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (String hash : gsiHashKeys) {
            String prefix = hash.replace("pk", "");
            definitions.add(attribute(hash, ScalarAttributeType.S));
            definitions.add(attribute(prefix + "sk", ScalarAttributeType.S));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(prefix)
                    .keySchema(KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(prefix + "sk").keyType(KeyType.RANGE).build())
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build());
        }
        client.createTable(b -> {
            b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(definitions).keySchema(keys);
            if (!indexes.isEmpty()) {
                b.globalSecondaryIndexes(indexes);
            }
        });
        return name;
    }

    static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }
}
