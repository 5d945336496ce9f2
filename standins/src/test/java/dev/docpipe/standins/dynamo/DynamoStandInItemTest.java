package dev.docpipe.standins.dynamo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.n;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static dev.docpipe.standins.dynamo.SdkClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PutItem, GetItem, UpdateItem and DeleteItem with conditions, update expressions and ReturnValues. */
class DynamoStandInItemTest {
    private static DynamoStandIn standIn;
    private static DynamoDbClient dynamo;
    private static String table;
    private String pk;

    @BeforeAll
    static void start() {
        standIn = DynamoStandIn.builder().port(0).build().start();
        dynamo = SdkClients.client(standIn);
        table = createTable(dynamo, uniqueName("items"), null);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        standIn.close();
    }

    @BeforeEach
    void newKey() {
        pk = uniqueName("item");
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("num", n(5));
        item.put("str", s("hello world"));
        item.put("bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2, 3})));
        item.put("flag", AttributeValue.fromBool(true));
        item.put("nothing", AttributeValue.fromNul(true));
        item.put("tags", AttributeValue.fromSs(List.of("red", "green")));
        item.put("nums", AttributeValue.fromNs(List.of("1", "2")));
        item.put("lst", AttributeValue.fromL(List.of(s("a"), n(2))));
        item.put("doc", AttributeValue.fromM(Map.of("innerKey", s("x"), "deep", AttributeValue.fromM(Map.of("n", n(1))))));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private Map<String, AttributeValue> key() {
        return Map.of("pk", s(pk));
    }

    private Map<String, AttributeValue> get() {
        return dynamo.getItem(b -> b.tableName(table).key(key()).consistentRead(true)).item();
    }

    /** Whether an update guarded by {@code condition} goes through. */
    private boolean holds(String condition, Map<String, AttributeValue> values) {
        try {
            dynamo.updateItem(b -> {
                b.tableName(table).key(key()).updateExpression("SET touched = :touched").conditionExpression(condition);
                Map<String, AttributeValue> all = new HashMap<>(values);
                all.put(":touched", n(1));
                b.expressionAttributeValues(all);
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Test
    void putAndGetRoundTripAllTypes() {
        Map<String, AttributeValue> item = get();
        assertThat(item.get("num").n()).isEqualTo("5");
        assertThat(item.get("bin").b().asByteArray()).containsExactly(1, 2, 3);
        assertThat(item.get("flag").bool()).isTrue();
        assertThat(item.get("nothing").nul()).isTrue();
        assertThat(item.get("tags").ss()).containsExactlyInAnyOrder("red", "green");
        assertThat(item.get("lst").l()).containsExactly(s("a"), n(2));
        assertThat(item.get("doc").m().get("deep").m().get("n").n()).isEqualTo("1");
        assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s("absent")))).hasItem()).isFalse();
    }

    @Test
    void getWithProjection() {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key())
                .projectionExpression("num, #m.innerKey, lst[1]").expressionAttributeNames(Map.of("#m", "doc"))).item();
        assertThat(item).containsOnlyKeys("num", "doc", "lst");
        assertThat(item.get("doc").m()).containsOnlyKeys("innerKey");
        assertThat(item.get("lst").l()).containsExactly(n(2));
    }

    @Test
    void comparators() {
        assertThat(holds("num = :v", Map.of(":v", n(5)))).isTrue();
        assertThat(holds("num = :v", Map.of(":v", n("5.0")))).isTrue();
        assertThat(holds("num = :v", Map.of(":v", n(6)))).isFalse();
        assertThat(holds("num <> :v", Map.of(":v", n(6)))).isTrue();
        assertThat(holds("num <> :v", Map.of(":v", n(5)))).isFalse();
        assertThat(holds("num < :v", Map.of(":v", n(6)))).isTrue();
        assertThat(holds("num < :v", Map.of(":v", n(5)))).isFalse();
        assertThat(holds("num <= :v", Map.of(":v", n(5)))).isTrue();
        assertThat(holds("num > :v", Map.of(":v", n(10)))).isFalse();
        assertThat(holds("num > :v", Map.of(":v", n(-10)))).isTrue();
        assertThat(holds("num >= :v", Map.of(":v", n(5)))).isTrue();
        assertThat(holds("str > :v", Map.of(":v", s("hello")))).isTrue();
        assertThat(holds("num BETWEEN :a AND :b", Map.of(":a", n(1), ":b", n(5)))).isTrue();
        assertThat(holds("num BETWEEN :a AND :b", Map.of(":a", n(6), ":b", n(9)))).isFalse();
        assertThat(holds("num IN (:a, :b)", Map.of(":a", s("5"), ":b", n(5)))).isTrue();
        assertThat(holds("num IN (:a, :b)", Map.of(":a", n(1), ":b", n(2)))).isFalse();
        // across types: false for ordering and equality, true for <>
        assertThat(holds("num < :v", Map.of(":v", s("9")))).isFalse();
        assertThat(holds("num = :v", Map.of(":v", s("5")))).isFalse();
        assertThat(holds("num <> :v", Map.of(":v", s("5")))).isTrue();
        // a absent attribute compares false, and <> true
        assertThat(holds("absent = :v", Map.of(":v", n(5)))).isFalse();
        assertThat(holds("absent <> :v", Map.of(":v", n(5)))).isTrue();
    }

    @Test
    void functionsAndLogic() {
        assertThat(holds("attribute_exists(num)", Map.of())).isTrue();
        assertThat(holds("attribute_exists(absent)", Map.of())).isFalse();
        assertThat(holds("attribute_not_exists(absent)", Map.of())).isTrue();
        assertThat(holds("attribute_not_exists(num)", Map.of())).isFalse();
        assertThat(holds("attribute_exists(doc.deep.n)", Map.of())).isTrue();
        assertThat(holds("attribute_exists(lst[1])", Map.of())).isTrue();
        assertThat(holds("attribute_exists(lst[2])", Map.of())).isFalse();
        assertThat(holds("attribute_type(tags, :t)", Map.of(":t", s("SS")))).isTrue();
        assertThat(holds("attribute_type(num, :t)", Map.of(":t", s("S")))).isFalse();
        assertThat(holds("begins_with(str, :p)", Map.of(":p", s("hello")))).isTrue();
        assertThat(holds("begins_with(str, :p)", Map.of(":p", s("world")))).isFalse();
        assertThat(holds("contains(str, :p)", Map.of(":p", s("o w")))).isTrue();
        assertThat(holds("contains(tags, :p)", Map.of(":p", s("red")))).isTrue();
        assertThat(holds("contains(tags, :p)", Map.of(":p", s("blue")))).isFalse();
        assertThat(holds("contains(nums, :p)", Map.of(":p", n("2.0")))).isTrue();
        assertThat(holds("contains(lst, :p)", Map.of(":p", n(2)))).isTrue();
        assertThat(holds("size(str) = :n", Map.of(":n", n(11)))).isTrue();
        assertThat(holds("size(tags) > :n", Map.of(":n", n(1)))).isTrue();
        assertThat(holds("size(doc) = :n", Map.of(":n", n(2)))).isTrue();
        assertThat(holds("size(bin) = :n", Map.of(":n", n(3)))).isTrue();
        assertThat(holds("size(num) = :n", Map.of(":n", n(1)))).isFalse();
        // NOT binds tighter than AND, AND tighter than OR
        assertThat(holds("NOT num = :a AND num = :b", Map.of(":a", n(1), ":b", n(5)))).isTrue();
        assertThat(holds("num = :a OR num = :b AND num = :a", Map.of(":a", n(5), ":b", n(1)))).isTrue();
        assertThat(holds("(num = :a OR num = :b) AND num = :b", Map.of(":a", n(5), ":b", n(1)))).isFalse();
        assertThat(holds("not (attribute_exists(absent) or num between :a and :b)", Map.of(":a", n(6), ":b", n(7)))).isTrue();
    }

    @Test
    void conditionalPutAndDelete() {
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(key()).conditionExpression("attribute_not_exists(pk)")))
                .isInstanceOf(ConditionalCheckFailedException.class)
                .hasMessageContaining("The conditional request failed");
        ConditionalCheckFailedException failure = (ConditionalCheckFailedException) org.assertj.core.api.Assertions.catchThrowable(() ->
                dynamo.deleteItem(b -> b.tableName(table).key(key()).conditionExpression("num = :v")
                        .expressionAttributeValues(Map.of(":v", n(1)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(failure.item()).containsEntry("num", n(5));
        assertThat(get()).isNotNull().containsKey("num");

        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table).key(key()).conditionExpression("num = :v")
                .expressionAttributeValues(Map.of(":v", n(5))).returnValues(ReturnValue.ALL_OLD)).attributes();
        assertThat(old).containsEntry("str", s("hello world"));
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key())).hasItem()).isFalse();
        // deleting what is not there is fine, and returns nothing
        assertThat(dynamo.deleteItem(b -> b.tableName(table).key(key()).returnValues(ReturnValue.ALL_OLD)).hasAttributes()).isFalse();

        Map<String, AttributeValue> replaced = dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(pk), "v", n(1)))
                .conditionExpression("attribute_not_exists(pk)").returnValues(ReturnValue.ALL_OLD)).attributes();
        assertThat(replaced).isEmpty();
        Map<String, AttributeValue> previous = dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(pk), "v", n(2)))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        assertThat(previous).isEqualTo(Map.of("pk", s(pk), "v", n(1)));
    }

    @Test
    void updateExpressions() {
        Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(table).key(key())
                .updateExpression("SET num = num + :one, newNum = if_not_exists(newNum, :zero) - :one, str = if_not_exists(str, :x), "
                        + "lst = list_append(lst, :more), #m.innerKey = :y "
                        + "REMOVE flag, #m.deep ADD tags :tag, tally :one DELETE nums :two")
                .expressionAttributeNames(Map.of("#m", "doc"))
                .expressionAttributeValues(Map.of(":one", n(1), ":zero", n(0), ":x", s("unused default"),
                        ":more", AttributeValue.fromL(List.of(s("c"))), ":y", s("y"),
                        ":tag", AttributeValue.fromSs(List.of("blue", "red")), ":two", AttributeValue.fromNs(List.of("2"))))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertThat(updated.get("num")).isEqualTo(n(6));
        assertThat(updated.get("newNum")).isEqualTo(n(-1));
        assertThat(updated.get("str")).isEqualTo(s("hello world"));
        assertThat(updated.get("lst").l()).containsExactly(s("a"), n(2), s("c"));
        assertThat(updated.get("doc").m()).containsOnlyKeys("innerKey").containsEntry("innerKey", s("y"));
        assertThat(updated).doesNotContainKey("flag");
        assertThat(updated.get("tags").ss()).containsExactlyInAnyOrder("red", "green", "blue");
        assertThat(updated.get("tally")).isEqualTo(n(1));
        assertThat(updated.get("nums").ns()).containsExactly("1");
        assertThat(get()).isEqualTo(updated);

        // DELETE emptying a set removes the attribute; REMOVE of list elements uses the original indexes
        dynamo.updateItem(b -> b.tableName(table).key(key()).updateExpression("DELETE nums :all REMOVE lst[0], lst[2]")
                .expressionAttributeValues(Map.of(":all", AttributeValue.fromNs(List.of("1", "7")))));
        assertThat(get()).doesNotContainKey("nums");
        assertThat(get().get("lst").l()).containsExactly(n(2));
        dynamo.updateItem(b -> b.tableName(table).key(key()).updateExpression("SET lst[0] = :z, lst[7] = :end")
                .expressionAttributeValues(Map.of(":z", s("z"), ":end", s("end"))));
        assertThat(get().get("lst").l()).containsExactly(s("z"), s("end"));

        // decimal arithmetic keeps precision
        dynamo.updateItem(b -> b.tableName(table).key(key()).updateExpression("SET price = :a ADD price2 :a")
                .expressionAttributeValues(Map.of(":a", n("0.1"))));
        dynamo.updateItem(b -> b.tableName(table).key(key()).updateExpression("SET price = price + :b ADD price2 :b")
                .expressionAttributeValues(Map.of(":b", n("0.2"))));
        assertThat(get().get("price")).isEqualTo(n("0.3"));
        assertThat(get().get("price2")).isEqualTo(n("0.3"));
    }

    @Test
    void updateReturnValues() {
        var request = (java.util.function.Function<ReturnValue, Map<String, AttributeValue>>) rv ->
                dynamo.updateItem(b -> b.tableName(table).key(key()).updateExpression("SET num = num + :one, fresh = :one")
                        .expressionAttributeValues(Map.of(":one", n(1))).returnValues(rv)).attributes();
        assertThat(request.apply(ReturnValue.NONE)).isEmpty();
        assertThat(request.apply(ReturnValue.UPDATED_OLD)).isEqualTo(Map.of("num", n(6), "fresh", n(1)));
        assertThat(request.apply(ReturnValue.UPDATED_NEW)).isEqualTo(Map.of("num", n(8), "fresh", n(1)));
        assertThat(request.apply(ReturnValue.ALL_OLD)).containsEntry("num", n(8)).containsKey("str");
        assertThat(request.apply(ReturnValue.ALL_NEW)).containsEntry("num", n(10)).containsKey("str");
    }

    @Test
    void updateCreatesMissingItemUnlessTheConditionFails() {
        Map<String, AttributeValue> fresh = Map.of("pk", s(pk + "-new"));
        Map<String, AttributeValue> created = dynamo.updateItem(b -> b.tableName(table).key(fresh)
                .updateExpression("ADD hits :one").expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertThat(created).isEqualTo(Map.of("pk", s(pk + "-new"), "hits", n(1)));

        Map<String, AttributeValue> other = Map.of("pk", s(pk + "-other"));
        ConditionalCheckFailedException failure = (ConditionalCheckFailedException) org.assertj.core.api.Assertions.catchThrowable(() ->
                dynamo.updateItem(b -> b.tableName(table).key(other).updateExpression("SET a = :one")
                        .conditionExpression("attribute_exists(pk)").expressionAttributeValues(Map.of(":one", n(1)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(failure).isNotNull();
        assertThat(failure.hasItem()).isFalse();
        assertThat(dynamo.getItem(b -> b.tableName(table).key(other)).hasItem()).isFalse();
    }

    @Test
    void numbersAreNormalised() {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(pk), "a", n("001.500"), "b", n("-0"), "c", n("1E+3"))));
        Map<String, AttributeValue> item = get();
        assertThat(item.get("a").n()).isEqualTo("1.5");
        assertThat(item.get("b").n()).isEqualTo("0");
        assertThat(item.get("c").n()).isEqualTo("1000");
    }
}
