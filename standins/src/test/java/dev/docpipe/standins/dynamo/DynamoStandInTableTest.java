package dev.docpipe.standins.dynamo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.CRC32;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static dev.docpipe.standins.dynamo.SdkClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table lifecycle, TTL settings and the wire protocol itself. */
class DynamoStandInTableTest {
    private static DynamoStandIn standIn;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void start() {
        standIn = DynamoStandIn.builder().port(0).build().start();
        dynamo = SdkClients.client(standIn);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        standIn.close();
    }

    @Test
    void endpointIsLoopbackWithTheBoundPort() {
        assertThat(standIn.port()).isPositive();
        assertThat(standIn.endpoint()).isEqualTo(URI.create("http://127.0.0.1:" + standIn.port()));
    }

    @Test
    void tableLifecycle() {
        String name = createTable(dynamo, uniqueName("life"), ScalarAttributeType.N, "gsi1pk");
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));

        TableDescription table = dynamo.describeTable(b -> b.tableName(name)).table();
        assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly("pk:HASH", "sk:RANGE");
        assertThat(table.attributeDefinitions()).hasSize(4);
        assertThat(table.globalSecondaryIndexes()).singleElement().satisfies(gsi -> {
            assertThat(gsi.indexName()).isEqualTo("gsi1");
            assertThat(gsi.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
            assertThat(gsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
            assertThat(gsi.keySchema().get(0).keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(table.itemCount()).isZero();

        dynamo.putItem(b -> b.tableName(name).item(Map.of("pk", s("a"), "sk", AttributeValue.fromN("1"))));
        assertThat(dynamo.describeTable(b -> b.tableName(name)).table().itemCount()).isEqualTo(1);
        assertThat(dynamo.listTables().tableNames()).contains(name);

        assertThatThrownBy(() -> createTable(dynamo, name, null)).isInstanceOf(ResourceInUseException.class);

        dynamo.deleteTable(b -> b.tableName(name));
        dynamo.waiter().waitUntilTableNotExists(b -> b.tableName(name));
        assertThat(dynamo.listTables().tableNames()).doesNotContain(name);
        assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName(name))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName(name).key(Map.of("pk", s("a"), "sk", AttributeValue.fromN("1")))))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Requested resource not found");
    }

    @Test
    void listTablesPages() {
        String prefix = uniqueName("list");
        for (int i = 0; i < 3; i++) {
            createTable(dynamo, prefix + "-" + i, null);
        }
        ListTablesResponse first = dynamo.listTables(b -> b.exclusiveStartTableName(prefix).limit(2));
        assertThat(first.tableNames()).containsExactly(prefix + "-0", prefix + "-1");
        assertThat(first.lastEvaluatedTableName()).isEqualTo(prefix + "-1");
        ListTablesResponse second = dynamo.listTables(b -> b.exclusiveStartTableName(first.lastEvaluatedTableName()));
        assertThat(second.tableNames()).startsWith(prefix + "-2");
    }

    @Test
    void timeToLiveSettings() {
        String name = createTable(dynamo, uniqueName("ttl"), null);
        assertThat(dynamo.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription().timeToLiveStatus())
                .isEqualTo(TimeToLiveStatus.DISABLED);
        dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t.attributeName("expires").enabled(true)));
        var description = dynamo.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription();
        assertThat(description.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(description.attributeName()).isEqualTo("expires");
        assertThatThrownBy(() -> dynamo.updateTimeToLive(b -> b.tableName(name)
                .timeToLiveSpecification(t -> t.attributeName("expires").enabled(true))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("already enabled");
    }

    @Test
    void localSecondaryIndexesAreRejected() {
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName(uniqueName("lsi"))
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(SdkClients.attribute("pk", ScalarAttributeType.S), SdkClients.attribute("sk", ScalarAttributeType.S),
                        SdkClients.attribute("other", ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .localSecondaryIndexes(l -> l.indexName("lsi").keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("other").keyType(KeyType.RANGE)).projection(p -> p.projectionType(ProjectionType.ALL)))))
                .isInstanceOf(DynamoDbException.class)
                .satisfies(e -> assertThat(((DynamoDbException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void wireProtocol() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("X-Amz-Target", "DynamoDB_20120810.RestoreTableFromBackup")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"__type\":\"com.amazonaws.dynamodb.v20120810#UnknownOperationException\"");

        HttpResponse<byte[]> list = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
        CRC32 crc = new CRC32();
        crc.update(list.body());
        assertThat(list.headers().firstValue("x-amz-crc32")).hasValue(Long.toString(crc.getValue()));

        HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(standIn.endpoint())
                .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("SerializationException");
    }
}
