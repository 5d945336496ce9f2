package dev.docpipe.standins.dynamo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.n;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static dev.docpipe.standins.dynamo.SdkClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Query on a table with a numeric sort key and on a sparse GSI; Scan. Partition "p" holds 250 items
 * with sk 0..249; the even ones carry the GSI keys, every fifth one has color "red".
 */
class DynamoStandInQueryTest {
    private static final int ITEMS = 250;
    private static DynamoStandIn standIn;
    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void start() {
        standIn = DynamoStandIn.builder().port(0).build().start();
        dynamo = SdkClients.client(standIn);
        table = createTable(dynamo, uniqueName("query"), ScalarAttributeType.N, "gsi1pk");
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", s("p"));
            item.put("sk", n(i));
            item.put("color", s(i % 5 == 0 ? "red" : "blue"));
            item.put("label", s("item-" + i));
            if (i % 2 == 0) {
                item.put("gsi1pk", s("even"));
                item.put("gsi1sk", s(String.format("%04d", ITEMS - i)));
            }
            batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            if (batch.size() == 25) {
                List<WriteRequest> chunk = List.copyOf(batch);
                assertThat(dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, chunk))).unprocessedItems()).isEmpty();
                batch.clear();
            }
        }
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("other"), "sk", n(1), "color", s("red"))));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        standIn.close();
    }

    private static QueryResponse query(Consumer<QueryRequest.Builder> request) {
        return dynamo.query(b -> {
            b.tableName(table);
            request.accept(b);
        });
    }

    private static List<Long> sortKeys(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> Long.parseLong(i.get("sk").n())).toList();
    }

    @Test
    void keyConditions() {
        Map<String, AttributeValue> p = Map.of(":p", s("p"));
        assertThat(query(b -> b.keyConditionExpression("pk = :p").expressionAttributeValues(p)).count()).isEqualTo(ITEMS);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("pk = :p AND sk < :v")
                .expressionAttributeValues(Map.of(":p", s("p"), ":v", n(3)))).items())).containsExactly(0L, 1L, 2L);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("pk = :p AND sk <= :v")
                .expressionAttributeValues(Map.of(":p", s("p"), ":v", n(2)))).items())).containsExactly(0L, 1L, 2L);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("sk > :v AND pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p"), ":v", n(247)))).items())).containsExactly(248L, 249L);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("pk = :p AND sk >= :v")
                .expressionAttributeValues(Map.of(":p", s("p"), ":v", n(248)))).items())).containsExactly(248L, 249L);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("#k = :p AND #s = :v")
                .expressionAttributeNames(Map.of("#k", "pk", "#s", "sk"))
                .expressionAttributeValues(Map.of(":p", s("p"), ":v", n(100)))).items())).containsExactly(100L);
        assertThat(sortKeys(query(b -> b.keyConditionExpression("pk = :p AND sk BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":p", s("p"), ":a", n(10), ":b", n(12)))).items())).containsExactly(10L, 11L, 12L);
        // numeric, not lexicographic, order
        assertThat(sortKeys(query(b -> b.keyConditionExpression("pk = :p AND sk BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":p", s("p"), ":a", n(9), ":b", n(10)))).items())).containsExactly(9L, 10L);
        assertThat(query(b -> b.keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s("nobody")))).items()).isEmpty();
    }

    @Test
    void beginsWithOnStringSortKey() {
        String strings = createTable(dynamo, uniqueName("strings"), ScalarAttributeType.S);
        for (String sk : List.of("a", "ab", "abc", "abd", "b", "é", "z")) {
            dynamo.putItem(b -> b.tableName(strings).item(Map.of("pk", s("x"), "sk", s(sk))));
        }
        QueryResponse prefixed = dynamo.query(b -> b.tableName(strings).keyConditionExpression("pk = :p AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":p", s("x"), ":s", s("ab"))));
        assertThat(prefixed.items()).extracting(i -> i.get("sk").s()).containsExactly("ab", "abc", "abd");
        QueryResponse all = dynamo.query(b -> b.tableName(strings).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("x"))).scanIndexForward(false));
        // UTF-8 byte order: "é" (0xC3 0xA9) sorts after "z"
        assertThat(all.items()).extracting(i -> i.get("sk").s()).containsExactly("é", "z", "b", "abd", "abc", "ab", "a");
    }

    @Test
    void filterProjectionAndLimitCountEvaluatedItems() {
        QueryResponse page = query(b -> b.keyConditionExpression("pk = :p").filterExpression("color = :c")
                .projectionExpression("sk, label").expressionAttributeValues(Map.of(":p", s("p"), ":c", s("red"))).limit(10));
        assertThat(page.scannedCount()).isEqualTo(10);
        assertThat(page.count()).isEqualTo(2);
        assertThat(sortKeys(page.items())).containsExactly(0L, 5L);
        assertThat(page.items().get(0)).containsOnlyKeys("sk", "label");
        assertThat(page.lastEvaluatedKey()).isEqualTo(Map.of("pk", s("p"), "sk", n(9)));
    }

    @Test
    void paginationHasNoGapsOrRepeats() {
        for (boolean forward : new boolean[] {true, false}) {
            List<Long> seen = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            int pages = 0;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = query(b -> b.keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s("p")))
                        .limit(7).scanIndexForward(forward).exclusiveStartKey(from));
                seen.addAll(sortKeys(page.items()));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                pages++;
            } while (start != null);
            assertThat(seen).hasSize(ITEMS).doesNotHaveDuplicates();
            assertThat(seen).isSortedAccordingTo(forward ? Long::compare : (a, b) -> Long.compare(b, a));
            assertThat(pages).isEqualTo(ITEMS / 7 + 1);
        }
        // the SDK paginator walks the same pages
        long total = dynamo.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p"))).limit(40)).items().stream().count();
        assertThat(total).isEqualTo(ITEMS);
    }

    @Test
    void sparseGlobalSecondaryIndex() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = query(b -> b.indexName("gsi1").keyConditionExpression("gsi1pk = :e")
                    .expressionAttributeValues(Map.of(":e", s("even"))).limit(30).scanIndexForward(false).exclusiveStartKey(from));
            items.addAll(page.items());
            if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                assertThat(page.lastEvaluatedKey()).containsOnlyKeys("pk", "sk", "gsi1pk", "gsi1sk");
                start = page.lastEvaluatedKey();
            } else {
                start = null;
            }
        } while (start != null);
        assertThat(items).hasSize(ITEMS / 2);
        // descending gsi1sk = ascending sk
        assertThat(sortKeys(items)).isSorted();
        assertThat(sortKeys(items)).allMatch(sk -> sk % 2 == 0);

        QueryResponse count = query(b -> b.indexName("gsi1").keyConditionExpression("gsi1pk = :e AND gsi1sk > :s")
                .expressionAttributeValues(Map.of(":e", s("even"), ":s", s("0240"))).select(Select.COUNT));
        assertThat(count.count()).isEqualTo(5);
        assertThat(count.hasItems()).isFalse();

        // an item leaves the index when its index key is removed, and joins it when added
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s("p"), "sk", n(0))).updateExpression("REMOVE gsi1pk"));
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s("p"), "sk", n(1)))
                .updateExpression("SET gsi1pk = :e, gsi1sk = :s").expressionAttributeValues(Map.of(":e", s("even"), ":s", s("9999"))));
        List<Map<String, AttributeValue>> after = query(b -> b.indexName("gsi1").keyConditionExpression("gsi1pk = :e")
                .expressionAttributeValues(Map.of(":e", s("even")))).items();
        assertThat(sortKeys(after)).hasSize(ITEMS / 2).doesNotContain(0L).contains(1L);
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s("p"), "sk", n(0)))
                .updateExpression("SET gsi1pk = :e").expressionAttributeValues(Map.of(":e", s("even"))));
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s("p"), "sk", n(1))).updateExpression("REMOVE gsi1pk, gsi1sk"));

        assertThatThrownBy(() -> query(b -> b.indexName("gsi1").keyConditionExpression("gsi1pk = :e").consistentRead(true)
                .expressionAttributeValues(Map.of(":e", s("even"))))).isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Consistent reads are not supported on global secondary indexes");
        assertThatThrownBy(() -> query(b -> b.indexName("nope").keyConditionExpression("gsi1pk = :e")
                .expressionAttributeValues(Map.of(":e", s("even"))))).isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("does not have the specified index");
    }

    @Test
    void indexProjections() {
        String name = uniqueName("projected");
        dynamo.createTable(b -> b.tableName(name).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(SdkClients.attribute("pk", ScalarAttributeType.S), SdkClients.attribute("g", ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                .globalSecondaryIndexes(
                        i -> i.indexName("keys").keySchema(k -> k.attributeName("g").keyType("HASH"))
                                .projection(p -> p.projectionType("KEYS_ONLY")),
                        i -> i.indexName("some").keySchema(k -> k.attributeName("g").keyType("HASH"))
                                .projection(p -> p.projectionType("INCLUDE").nonKeyAttributes("kept"))));
        dynamo.putItem(b -> b.tableName(name).item(Map.of("pk", s("1"), "g", s("x"), "kept", n(1), "dropped", n(2))));
        Map<String, AttributeValue> g = Map.of(":g", s("x"));
        assertThat(dynamo.query(b -> b.tableName(name).indexName("keys").keyConditionExpression("g = :g")
                .expressionAttributeValues(g)).items()).containsExactly(Map.of("pk", s("1"), "g", s("x")));
        assertThat(dynamo.query(b -> b.tableName(name).indexName("some").keyConditionExpression("g = :g")
                .expressionAttributeValues(g)).items()).containsExactly(Map.of("pk", s("1"), "g", s("x"), "kept", n(1)));
        assertThatThrownBy(() -> dynamo.query(b -> b.tableName(name).indexName("keys").keyConditionExpression("g = :g")
                .expressionAttributeValues(g).select(Select.ALL_ATTRIBUTES)))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("projection type is not ALL");
    }

    @Test
    void queryCount() {
        QueryResponse count = query(b -> b.keyConditionExpression("pk = :p").filterExpression("color = :c")
                .expressionAttributeValues(Map.of(":p", s("p"), ":c", s("red"))).select(Select.COUNT));
        assertThat(count.count()).isEqualTo(ITEMS / 5);
        assertThat(count.scannedCount()).isEqualTo(ITEMS);
        assertThat(count.hasItems()).isFalse();
    }

    @Test
    void scan() {
        ScanResponse all = dynamo.scan(b -> b.tableName(table).filterExpression("color = :c")
                .expressionAttributeValues(Map.of(":c", s("red"))));
        assertThat(all.count()).isEqualTo(ITEMS / 5 + 1);
        assertThat(all.scannedCount()).isEqualTo(ITEMS + 1);
        assertThat(all.hasLastEvaluatedKey() && !all.lastEvaluatedKey().isEmpty()).isFalse();

        Set<String> seen = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(table).limit(60).exclusiveStartKey(from));
            page.items().forEach(i -> assertThat(seen.add(i.get("pk").s() + "/" + i.get("sk").n())).isTrue());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(seen).hasSize(ITEMS + 1);

        int segmented = 0;
        for (int segment = 0; segment < 3; segment++) {
            int mine = segment;
            segmented += dynamo.scan(b -> b.tableName(table).segment(mine).totalSegments(3).select(Select.COUNT)).count();
        }
        assertThat(segmented).isEqualTo(ITEMS + 1);
        assertThat(dynamo.scan(b -> b.tableName(table).indexName("gsi1").select(Select.COUNT)).count()).isEqualTo(ITEMS / 2);
    }
}
