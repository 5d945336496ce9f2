package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.Path;
import dev.docpipe.standins.dynamo.Expressions.UpdateExpression;

import java.util.List;
import java.util.Set;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * One validated single-item write (PutItem, UpdateItem, DeleteItem, or a transaction's Put, Update, Delete
 * or ConditionCheck): all parsing and static checks are done when it is built; {@link #evaluate} then checks
 * the condition against the current item and computes the new one, under the database's write lock.
 */
final class ItemWrite {
    enum Kind { PUT, UPDATE, DELETE, CHECK }

    private static final Set<String> FAILURE_RETURN_VALUES = Set.of("NONE", "ALL_OLD");

    private final Kind kind;
    private final Table table;
    private final ObjectNode key;
    private final ObjectNode newItem;
    private final UpdateExpression update;
    private final Condition condition;
    private final boolean oldItemOnConditionFailure;

    private ItemWrite(Kind kind, Table table, ObjectNode key, ObjectNode newItem, UpdateExpression update,
                      Condition condition, boolean oldItemOnConditionFailure) {
        this.kind = kind;
        this.table = table;
        this.key = key;
        this.newItem = newItem;
        this.update = update;
        this.condition = condition;
        this.oldItemOnConditionFailure = oldItemOnConditionFailure;
    }

    /** The condition failed; {@code current} is the item as it is (null when absent). */
    static final class ConditionFailed extends RuntimeException {
        private final transient ObjectNode current;
        private final boolean includeItem;

        ConditionFailed(ObjectNode current, boolean includeItem) {
            super(DynamoException.CONDITION_FAILED_MESSAGE, null, false, false);
            this.current = current;
            this.includeItem = includeItem;
        }

        /** The item to report: only when ReturnValuesOnConditionCheckFailure is ALL_OLD and the item exists. */
        ObjectNode reportedItem() {
            return includeItem ? current : null;
        }
    }

    // ---------------------------------------------------------------- building

    static ItemWrite put(Table table, JsonNode request) {
        Requests.rejectLegacy(request, "Expected", "ConditionalOperator");
        ObjectNode item = AttributeValues.validatedItem(request.get("Item"), "Item");
        table.validateItem(item, false);
        ExpressionContext context = ExpressionContext.of(request);
        Condition condition = Requests.condition(request, "ConditionExpression", context);
        context.verifyAllUsed();
        return new ItemWrite(Kind.PUT, table, table.keyOf(item), item, null, condition, oldItemOnFailure(request));
    }

    static ItemWrite update(Table table, JsonNode request) {
        Requests.rejectLegacy(request, "Expected", "ConditionalOperator", "AttributeUpdates");
        ObjectNode key = table.validatedKey(request.get("Key"));
        ExpressionContext context = ExpressionContext.of(request);
        String text = Requests.text(request, "UpdateExpression");
        UpdateExpression update = text == null
                ? new UpdateExpression(List.of(), List.of(), List.of(), List.of())
                : ExpressionParser.parseUpdate(text, context);
        for (Path target : update.targets()) {
            if (table.keys().isKeyAttribute(target.topName())) {
                throw DynamoException.validation("One or more parameter values were invalid: Cannot update attribute "
                        + target.topName() + ". This attribute is part of the key");
            }
        }
        Condition condition = Requests.condition(request, "ConditionExpression", context);
        context.verifyAllUsed();
        return new ItemWrite(Kind.UPDATE, table, key, null, update, condition, oldItemOnFailure(request));
    }

    static ItemWrite delete(Table table, JsonNode request) {
        Requests.rejectLegacy(request, "Expected", "ConditionalOperator");
        ObjectNode key = table.validatedKey(request.get("Key"));
        ExpressionContext context = ExpressionContext.of(request);
        Condition condition = Requests.condition(request, "ConditionExpression", context);
        context.verifyAllUsed();
        return new ItemWrite(Kind.DELETE, table, key, null, null, condition, oldItemOnFailure(request));
    }

    /** A transaction's ConditionCheck: a condition on an item, without writing it. */
    static ItemWrite conditionCheck(Table table, JsonNode request) {
        ObjectNode key = table.validatedKey(request.get("Key"));
        ExpressionContext context = ExpressionContext.of(request);
        String text = Requests.requiredText(request, "ConditionExpression", "conditionExpression");
        Condition condition = ExpressionParser.parseCondition(text, "ConditionExpression", context);
        context.verifyAllUsed();
        return new ItemWrite(Kind.CHECK, table, key, null, null, condition, oldItemOnFailure(request));
    }

    private static boolean oldItemOnFailure(JsonNode request) {
        return Requests.choice(request, "ReturnValuesOnConditionCheckFailure", "returnValuesOnConditionCheckFailure",
                "NONE", FAILURE_RETURN_VALUES).equals("ALL_OLD");
    }

    // ---------------------------------------------------------------- evaluating

    Kind kind() {
        return kind;
    }

    Table table() {
        return table;
    }

    ObjectNode key() {
        return key;
    }

    UpdateExpression update() {
        return update;
    }

    StoreKey storeKey() {
        return table.storeKey(key);
    }

    ObjectNode current() {
        return table.get(storeKey());
    }

    /**
     * The item after this write, given the current one (null: absent). Null means deleted; for a
     * ConditionCheck the current item is returned unchanged.
     *
     * @throws ConditionFailed when the condition does not hold
     * @throws DynamoException a ValidationException for an update that cannot apply to this item
     */
    ObjectNode evaluate(ObjectNode current) {
        if (condition != null && !ConditionEvaluator.matches(condition, current != null ? current : JSON.objectNode())) {
            throw new ConditionFailed(current, oldItemOnConditionFailure);
        }
        return switch (kind) {
            case PUT -> newItem;
            case DELETE -> null;
            case CHECK -> current;
            case UPDATE -> {
                ObjectNode updated = UpdateEvaluator.apply(update, current != null ? current : key);
                table.validateItem(updated, true);
                yield updated;
            }
        };
    }

    /** The change to commit after {@link #evaluate}, or null for a ConditionCheck. */
    Database.Change change(ObjectNode result) {
        return switch (kind) {
            case CHECK -> null;
            case DELETE -> Database.Change.delete(table, key);
            default -> Database.Change.put(table, result);
        };
    }
}
