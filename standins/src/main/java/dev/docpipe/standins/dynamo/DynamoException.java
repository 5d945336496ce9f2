package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An error reply in DynamoDB's JSON protocol: an HTTP status plus a body carrying {@code __type} and
 * {@code message}, from which the SDK builds its typed exception.
 */
final class DynamoException extends RuntimeException {
    private static final String TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";
    static final String CONDITION_FAILED_MESSAGE = "The conditional request failed";

    private final int status;
    private final String errorType;
    private final ObjectNode extraFields;

    private DynamoException(int status, String errorType, String message, ObjectNode extraFields) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
        this.extraFields = extraFields;
    }

    static DynamoException validation(String message) {
        return new DynamoException(400, "ValidationException", message, null);
    }

    static DynamoException resourceNotFound() {
        return new DynamoException(400, "ResourceNotFoundException", "Requested resource not found", null);
    }

    static DynamoException resourceNotFound(String message) {
        return new DynamoException(400, "ResourceNotFoundException", message, null);
    }

    static DynamoException resourceInUse(String message) {
        return new DynamoException(400, "ResourceInUseException", message, null);
    }

    static DynamoException unknownOperation(String message) {
        return new DynamoException(400, "UnknownOperationException", message, null);
    }

    static DynamoException serialization(String message) {
        return new DynamoException(400, "SerializationException", message, null);
    }

    static DynamoException idempotentParameterMismatch() {
        return new DynamoException(400, "IdempotentParameterMismatchException",
                "The request uses the same client token as a previous, but non-identical request.", null);
    }

    static DynamoException internal(String message) {
        return new DynamoException(500, "InternalServerError", message, null);
    }

    /** {@code oldItem} is included when the request asked for ALL_OLD on a failed condition. */
    static DynamoException conditionalCheckFailed(ObjectNode oldItem) {
        ObjectNode extra = null;
        if (oldItem != null) {
            extra = JsonNodeFactory.instance.objectNode();
            extra.set("Item", oldItem);
        }
        return new DynamoException(400, "ConditionalCheckFailedException", CONDITION_FAILED_MESSAGE, extra);
    }

    /** {@code reasons}: one CancellationReason object per action, in request order. */
    static DynamoException transactionCanceled(List<ObjectNode> reasons) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        ArrayNode array = extra.putArray("CancellationReasons");
        StringBuilder codes = new StringBuilder();
        for (ObjectNode reason : reasons) {
            array.add(reason);
            codes.append(codes.isEmpty() ? "" : ", ").append(reason.path("Code").asText());
        }
        String message = "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]";
        return new DynamoException(400, "TransactionCanceledException", message, extra);
    }

    int status() {
        return status;
    }

    String errorType() {
        return errorType;
    }

    /** The JSON error body. */
    ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("__type", TYPE_PREFIX + errorType);
        body.put("message", getMessage());
        if (extraFields != null) {
            body.setAll(extraFields);
        }
        return body;
    }
}
