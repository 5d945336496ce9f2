package dev.docpipe.standins.dynamo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.n;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data directories (restart, crash, torn journal, lock) and the TTL sweep. */
class DynamoStandInPersistenceTest {

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", s(pk));
    }

    private static Map<String, AttributeValue> get(DynamoDbClient dynamo, String table, String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(pk))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    @Test
    void stateSurvivesCloseAndReopen(@TempDir Path dir) {
        try (DynamoStandIn first = DynamoStandIn.builder().dataDirectory(dir).build().start();
             DynamoDbClient dynamo = SdkClients.client(first)) {
            createTable(dynamo, "jobs", null, "gsi1pk");
            dynamo.updateTimeToLive(b -> b.tableName("jobs").timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
            dynamo.putItem(b -> b.tableName("jobs").item(Map.of("pk", s("a"), "v", n(1), "gsi1pk", s("g"), "gsi1sk", s("1"))));
            dynamo.putItem(b -> b.tableName("jobs").item(Map.of("pk", s("b"), "v", n(2))));
            dynamo.updateItem(b -> b.tableName("jobs").key(key("a")).updateExpression("ADD v :one")
                    .expressionAttributeValues(Map.of(":one", n(1))));
            dynamo.deleteItem(b -> b.tableName("jobs").key(key("b")));
            dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                    .put(p -> p.tableName("jobs").item(Map.of("pk", s("c"), "v", n(3)))).build()));
            createTable(dynamo, "dropped", null);
            dynamo.deleteTable(b -> b.tableName("dropped"));
        }
        try (DynamoStandIn second = DynamoStandIn.builder().dataDirectory(dir).build().start();
             DynamoDbClient dynamo = SdkClients.client(second)) {
            assertThat(dynamo.listTables().tableNames()).containsExactly("jobs");
            assertThat(get(dynamo, "jobs", "a")).containsEntry("v", n(2));
            assertThat(get(dynamo, "jobs", "b")).isNull();
            assertThat(get(dynamo, "jobs", "c")).containsEntry("v", n(3));
            assertThat(dynamo.query(b -> b.tableName("jobs").indexName("gsi1").keyConditionExpression("gsi1pk = :g")
                    .expressionAttributeValues(Map.of(":g", s("g")))).count()).isEqualTo(1);
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("jobs")).timeToLiveDescription().timeToLiveStatus())
                    .isEqualTo(TimeToLiveStatus.ENABLED);
        }
    }

    @Test
    void writesSurviveAKilledProcessAndATornJournalTail(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DynamoStandIn.class.getName(), "--port", "0", "--data-dir", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("DynamoStandIn listening on ")) {
                line = out.readLine(); // a logging backend may write to stdout too
            }
            assertThat(line).startsWith("DynamoStandIn listening on ");
            URI endpoint = URI.create(line.substring("DynamoStandIn listening on ".length()).trim());
            try (DynamoDbClient dynamo = SdkClients.clientFor(endpoint)) {
                createTable(dynamo, "crash", null);
                for (int i = 0; i < 20; i++) {
                    int value = i;
                    dynamo.putItem(b -> b.tableName("crash").item(Map.of("pk", s("k" + value), "v", n(value))));
                }
            }
        } finally {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no snapshot
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Path journal = dir.resolve("journal.jsonl");
        assertThat(Files.size(journal)).isPositive();
        Files.writeString(journal, "{\"seq\":999,\"op\":\"Write\",\"changes\":[{\"table\":\"cra", StandardOpenOption.APPEND);

        try (DynamoStandIn reopened = DynamoStandIn.builder().dataDirectory(dir).journalCompactionBytes(Long.MAX_VALUE).build().start();
             DynamoDbClient dynamo = SdkClients.client(reopened)) {
            for (int i = 0; i < 20; i++) {
                assertThat(get(dynamo, "crash", "k" + i)).containsEntry("v", n(i));
            }
            dynamo.putItem(b -> b.tableName("crash").item(Map.of("pk", s("after"), "v", n(99))));
        }
        // the torn line was cut off, so the write after it is readable again
        try (DynamoStandIn again = DynamoStandIn.builder().dataDirectory(dir).build().start();
             DynamoDbClient dynamo = SdkClients.client(again)) {
            assertThat(get(dynamo, "crash", "after")).containsEntry("v", n(99));
            assertThat(dynamo.scan(b -> b.tableName("crash")).count()).isEqualTo(21);
        }
    }

    @Test
    void journalIsCompactedWhenItGrows(@TempDir Path dir) throws Exception {
        try (DynamoStandIn standIn = DynamoStandIn.builder().dataDirectory(dir).journalCompactionBytes(2048).build().start();
             DynamoDbClient dynamo = SdkClients.client(standIn)) {
            createTable(dynamo, "big", ScalarAttributeType.N);
            for (int i = 0; i < 100; i++) {
                int value = i;
                dynamo.putItem(b -> b.tableName("big").item(Map.of("pk", s("p"), "sk", n(value), "pad", s("x".repeat(50)))));
            }
            assertThat(Files.size(dir.resolve("journal.jsonl"))).isLessThan(4096);
            assertThat(Files.exists(dir.resolve("snapshot.json"))).isTrue();
        }
        try (DynamoStandIn standIn = DynamoStandIn.builder().dataDirectory(dir).build().start();
             DynamoDbClient dynamo = SdkClients.client(standIn)) {
            assertThat(dynamo.query(b -> b.tableName("big").keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("p")))).count()).isEqualTo(100);
        }
    }

    @Test
    void aDataDirectoryServesOneServerAtATime(@TempDir Path dir) {
        try (DynamoStandIn first = DynamoStandIn.builder().dataDirectory(dir).build().start()) {
            assertThatThrownBy(() -> DynamoStandIn.builder().dataDirectory(dir).build().start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already in use");
            assertThat(first.port()).isPositive();
        }
        DynamoStandIn.builder().dataDirectory(dir).build().start().close();
    }

    @Test
    void ttlSweepDeletesExpiredItemsWhenEnabled() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        try (DynamoStandIn standIn = DynamoStandIn.builder().ttlSweepInterval(Duration.ofMillis(50)).build().start();
             DynamoDbClient dynamo = SdkClients.client(standIn)) {
            createTable(dynamo, "ttl", null);
            dynamo.updateTimeToLive(b -> b.tableName("ttl").timeToLiveSpecification(t -> t.attributeName("expires").enabled(true)));
            dynamo.putItem(b -> b.tableName("ttl").item(Map.of("pk", s("old"), "expires", n(now - 10))));
            dynamo.putItem(b -> b.tableName("ttl").item(Map.of("pk", s("young"), "expires", n(now + 3600))));
            dynamo.putItem(b -> b.tableName("ttl").item(Map.of("pk", s("text"), "expires", s(Long.toString(now - 10)))));
            dynamo.putItem(b -> b.tableName("ttl").item(Map.of("pk", s("ancient"), "expires", n(now - 6L * 365 * 24 * 3600))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (get(dynamo, "ttl", "old") != null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(get(dynamo, "ttl", "old")).isNull();
            assertThat(get(dynamo, "ttl", "young")).isNotNull();
            assertThat(get(dynamo, "ttl", "text")).isNotNull();
            assertThat(get(dynamo, "ttl", "ancient")).isNotNull();
        }
    }

    @Test
    void expiredItemsStayWithoutTheSweep() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        try (DynamoStandIn standIn = DynamoStandIn.builder().build().start();
             DynamoDbClient dynamo = SdkClients.client(standIn)) {
            createTable(dynamo, "ttl", null);
            dynamo.updateTimeToLive(b -> b.tableName("ttl").timeToLiveSpecification(t -> t.attributeName("expires").enabled(true)));
            dynamo.putItem(b -> b.tableName("ttl").item(Map.of("pk", s("old"), "expires", n(now - 10))));
            Thread.sleep(300);
            assertThat(get(dynamo, "ttl", "old")).isNotNull();
        }
    }
}
