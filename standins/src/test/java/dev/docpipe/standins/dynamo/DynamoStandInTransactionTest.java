package dev.docpipe.standins.dynamo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.n;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static dev.docpipe.standins.dynamo.SdkClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Transactions, batches and atomicity under concurrency. */
class DynamoStandInTransactionTest {
    private static DynamoStandIn standIn;
    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void start() {
        standIn = DynamoStandIn.builder().port(0).build().start();
        dynamo = SdkClients.client(standIn);
        table = createTable(dynamo, uniqueName("tx"), null);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        standIn.close();
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", s(pk));
    }

    private static Map<String, AttributeValue> get(String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    @Test
    void transactionAppliesAllWrites() {
        String a = uniqueName("a");
        String b = uniqueName("b");
        String c = uniqueName("c");
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s(b), "balance", n(10))));
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s(c), "doomed", s("yes"))));
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s("guard-" + a), "open", AttributeValue.fromBool(true))));

        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", s(a), "v", n(1)))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key(b))
                        .updateExpression("SET balance = balance - :x").conditionExpression("balance >= :x")
                        .expressionAttributeValues(Map.of(":x", n(3)))).build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(c))).build(),
                TransactWriteItem.builder().conditionCheck(k -> k.tableName(table).key(key("guard-" + a))
                        .conditionExpression("#o = :t").expressionAttributeNames(Map.of("#o", "open"))
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true)))).build()));

        assertThat(get(a)).containsEntry("v", n(1));
        assertThat(get(b)).containsEntry("balance", n(7));
        assertThat(get(c)).isNull();

        List<ItemResponse> read = dynamo.transactGetItems(r -> r.transactItems(
                t -> t.get(g -> g.tableName(table).key(key(a))),
                t -> t.get(g -> g.tableName(table).key(key(c))),
                t -> t.get(g -> g.tableName(table).key(key(b)).projectionExpression("balance")))).responses();
        assertThat(read).hasSize(3);
        assertThat(read.get(0).item()).containsEntry("v", n(1));
        assertThat(read.get(1).hasItem()).isFalse();
        assertThat(read.get(2).item()).isEqualTo(Map.of("balance", n(7)));
    }

    @Test
    void cancelledTransactionAppliesNothingAndExplainsEachAction() {
        String fresh = uniqueName("fresh");
        String taken = uniqueName("taken");
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s(taken), "owner", s("someone"))));

        TransactionCanceledException cancelled = catchThrowableOfType(TransactionCanceledException.class, () ->
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", s(fresh), "v", n(1)))
                                .conditionExpression("attribute_not_exists(pk)")).build(),
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", s(taken), "owner", s("me")))
                                .conditionExpression("attribute_not_exists(pk)")
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build())));

        assertThat(cancelled).isNotNull();
        assertThat(cancelled.getMessage()).contains(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]");
        List<CancellationReason> reasons = cancelled.cancellationReasons();
        assertThat(reasons).extracting(CancellationReason::code).containsExactly("None", "ConditionalCheckFailed");
        assertThat(reasons.get(1).message()).isEqualTo("The conditional request failed");
        assertThat(reasons.get(1).item()).isEqualTo(Map.of("pk", s(taken), "owner", s("someone")));
        assertThat(reasons.get(0).hasItem()).isFalse();
        assertThat(get(fresh)).isNull();
        assertThat(get(taken)).containsEntry("owner", s("someone"));
    }

    @Test
    void transactionRuntimeErrorIsAValidationErrorReason() {
        String item = uniqueName("typed");
        dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s(item), "text", s("not a number"))));
        TransactionCanceledException cancelled = catchThrowableOfType(TransactionCanceledException.class, () ->
                dynamo.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().update(u -> u.tableName(table).key(key(item))
                                .updateExpression("SET #t = #t + :one").expressionAttributeNames(Map.of("#t", "text"))
                                .expressionAttributeValues(Map.of(":one", n(1)))).build())));
        assertThat(cancelled.cancellationReasons()).extracting(CancellationReason::code).containsExactly("ValidationError");
    }

    @Test
    void aRepeatedClientRequestTokenIsIdempotent() {
        String item = uniqueName("once");
        String token = uniqueName("token");
        TransactWriteItem create = TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", s(item), "v", n(1)))
                .conditionExpression("attribute_not_exists(pk)")).build();
        dynamo.transactWriteItems(r -> r.clientRequestToken(token).transactItems(create));
        dynamo.transactWriteItems(r -> r.clientRequestToken(token).transactItems(create)); // a retry: succeeds, applies nothing
        assertThat(get(item)).containsEntry("v", n(1));
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.clientRequestToken(uniqueName("token")).transactItems(create)))
                .isInstanceOf(TransactionCanceledException.class);
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.clientRequestToken(token).transactItems(
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(item))).build())))
                .isInstanceOf(IdempotentParameterMismatchException.class);
    }

    @Test
    void twoActionsOnOneItemAreRejected() {
        String item = uniqueName("twice");
        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(key(item))).build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(item))).build())))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("Transaction request cannot include multiple operations on one item")
                .satisfies(e -> assertThat(((DynamoDbException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void batchWriteAndGet() {
        String first = uniqueName("b1");
        String second = uniqueName("b2");
        dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(p -> p.item(Map.of("pk", s(first), "n", n(1)))).build(),
                WriteRequest.builder().putRequest(p -> p.item(Map.of("pk", s(second), "n", n(2)))).build()))));
        var response = dynamo.batchGetItem(r -> r.requestItems(Map.of(table, KeysAndAttributes.builder()
                .keys(key(first), key(second), key("not-there")).projectionExpression("#n")
                .expressionAttributeNames(Map.of("#n", "n")).build())));
        assertThat(response.responses().get(table)).containsExactlyInAnyOrder(Map.of("n", n(1)), Map.of("n", n(2)));
        assertThat(response.unprocessedKeys()).isEmpty();

        dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(
                WriteRequest.builder().deleteRequest(d -> d.key(key(first))).build()))));
        assertThat(get(first)).isNull();
        assertThatThrownBy(() -> dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(
                WriteRequest.builder().deleteRequest(d -> d.key(key(second))).build(),
                WriteRequest.builder().putRequest(p -> p.item(key(second))).build())))))
                .isInstanceOf(DynamoDbException.class).hasMessageContaining("duplicates");
    }

    @Test
    void exactlyOneOfManyConcurrentConditionalPutsWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            for (int round = 0; round < 5; round++) {
                String contested = uniqueName("race");
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger wins = new AtomicInteger();
                AtomicInteger losses = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        go.await();
                        try {
                            dynamo.putItem(r -> r.tableName(table).item(Map.of("pk", s(contested), "winner", n(thread)))
                                    .conditionExpression("attribute_not_exists(pk)"));
                            wins.incrementAndGet();
                        } catch (ConditionalCheckFailedException e) {
                            losses.incrementAndGet();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : futures) {
                    future.get();
                }
                assertThat(wins.get()).isEqualTo(1);
                assertThat(losses.get()).isEqualTo(31);
                assertThat(get(contested)).containsKey("winner");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentIncrementsAreNotLost() throws Exception {
        String counter = uniqueName("counter");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        dynamo.updateItem(r -> r.tableName(table).key(key(counter)).updateExpression("ADD hits :one")
                                .expressionAttributeValues(Map.of(":one", n(1))));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(get(counter)).containsEntry("hits", n(320));
    }
}
