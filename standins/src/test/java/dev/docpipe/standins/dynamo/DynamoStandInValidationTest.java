package dev.docpipe.standins.dynamo;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Map;

import static dev.docpipe.standins.dynamo.SdkClients.createTable;
import static dev.docpipe.standins.dynamo.SdkClients.n;
import static dev.docpipe.standins.dynamo.SdkClients.s;
import static dev.docpipe.standins.dynamo.SdkClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Requests real DynamoDB rejects with a ValidationException are rejected the same way. */
class DynamoStandInValidationTest {
    private static DynamoStandIn standIn;
    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void start() {
        standIn = DynamoStandIn.builder().port(0).build().start();
        dynamo = SdkClients.client(standIn);
        table = createTable(dynamo, uniqueName("valid"), ScalarAttributeType.S, "gsi1pk");
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("s"), "a", n(1))));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        standIn.close();
    }

    private static void assertInvalid(ThrowingCallable call, String message) {
        DynamoDbException e = catchThrowableOfType(DynamoDbException.class, call);
        assertThat(e).as("expected a ValidationException containing '%s'", message).isNotNull();
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorMessage()).contains(message);
    }

    private static final Map<String, AttributeValue> KEY = Map.of("pk", s("p"), "sk", s("s"));

    @Test
    void placeholders() {
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v")
                .expressionAttributeValues(Map.of(":v", n(1), ":unused", n(2)))),
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v")
                .expressionAttributeNames(Map.of("#x", "x")).expressionAttributeValues(Map.of(":v", n(1)))),
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v")),
                "An expression attribute value used in expression is not defined; attribute value: :v");
        assertInvalid(() -> dynamo.getItem(b -> b.tableName(table).key(KEY).projectionExpression("#nope")),
                "An expression attribute name used in the document path is not defined; attribute name: #nope");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).expressionAttributeValues(Map.of(":v", n(1)))),
                "ExpressionAttributeValues can only be specified when using expressions");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("attribute_exists(#s)")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of())), "ExpressionAttributeValues must not be empty");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("attribute_exists(status)")),
                "Attribute name is a reserved keyword; reserved keyword: status");
    }

    @Test
    void keys() {
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p")))),
                "Missing the key sk in the item");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", n(1)))),
                "Type mismatch for key sk expected: S actual: N");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(""), "sk", s("x")))),
                "cannot contain an empty string value");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("x"), "gsi1pk", n(1)))),
                "Type mismatch for Index Key gsi1pk Expected: S Actual: N IndexName: gsi1");
        assertInvalid(() -> dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s("p")))),
                "The provided key element does not match the schema");
        assertInvalid(() -> dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s("p"), "sk", s("s"), "a", n(1)))),
                "The provided key element does not match the schema");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET sk = :v")
                .expressionAttributeValues(Map.of(":v", s("t")))),
                "Cannot update attribute sk. This attribute is part of the key");
        assertInvalid(() -> dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p AND sk = :s")
                .expressionAttributeValues(Map.of(":p", s("p"), ":s", n(1)))),
                "Condition parameter type does not match schema type");
    }

    @Test
    void expressionSyntaxAndSemantics() {
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("a = = :v")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Invalid ConditionExpression: Syntax error; token: \"=\"");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("a = :v AND")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Syntax error; token: \"<EOF>\"");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("")), "can not be empty");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("a IN ()")), "Syntax error");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("nosuch(a)")),
                "Invalid function name; function: nosuch");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("size(a)")),
                "The function is not allowed to be used this way in an expression; function: size");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("attribute_exists(:v)")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Operator or function requires a document path");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("a BETWEEN :hi AND :lo")
                .expressionAttributeValues(Map.of(":lo", n(1), ":hi", n(9)))), "requires upper bound to be greater than or equal to lower bound");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY).conditionExpression("a = a")),
                "The first operand must be distinct from the remaining operands");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v, a = :v")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Two document paths overlap with each other");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v REMOVE a.b")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Two document paths overlap with each other");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET a = :v SET b = :v")
                .expressionAttributeValues(Map.of(":v", n(1)))), "The \"SET\" section can only be used once");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("DELETE a :v")
                .expressionAttributeValues(Map.of(":v", n(1)))), "Incorrect operand type for operator or function; operator: DELETE");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("SET b = nothere + :v")
                .expressionAttributeValues(Map.of(":v", n(1)))), "The provided expression refers to an attribute that does not exist in the item");
        assertInvalid(() -> dynamo.updateItem(b -> b.tableName(table).key(KEY).updateExpression("ADD a :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromSs(List.of("x"))))),
                "An operand in the update expression has an incorrect data type");
        assertInvalid(() -> dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .filterExpression("sk = :s").expressionAttributeValues(Map.of(":p", s("p"), ":s", s("s")))),
                "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk");
        assertInvalid(() -> dynamo.query(b -> b.tableName(table).keyConditionExpression("sk = :s")
                .expressionAttributeValues(Map.of(":s", s("s")))), "Query condition missed key schema element: pk");
        assertInvalid(() -> dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p OR sk = :s")
                .expressionAttributeValues(Map.of(":p", s("p"), ":s", s("s")))), "Invalid operator used in KeyConditionExpression: OR");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(KEY)
                .conditionExpression("(".repeat(150) + "a = :v" + ")".repeat(150))
                .expressionAttributeValues(Map.of(":v", n(1)))), "too many nested levels");
        assertInvalid(() -> dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p").limit(0)
                .expressionAttributeValues(Map.of(":p", s("p")))), "Member must have value greater than or equal to 1");
    }

    @Test
    void values() {
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("v"), "set", AttributeValue.fromSs(List.of("a", "a"))))),
                "contains duplicates");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("v"), "num", n("12abc")))),
                "cannot be converted into a number");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("v"), "num", n("1" + "0".repeat(38) + ".1")))),
                "more than 38 significant digits");
        assertInvalid(() -> dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s("p"), "sk", s("v"), "big", s("x".repeat(410 * 1024))))),
                "Item size has exceeded the maximum allowed size");
    }
}
