package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Base64;

/**
 * One component of a stored key: a scalar key value (S, N or B) in DynamoDB's sort order, or one of the
 * sentinels used for range bounds ({@link #MIN}, {@link #MAX}) and for an absent sort key ({@link #NONE}).
 * Order: MIN &lt; NONE &lt; values &lt; MAX; values of one key attribute always share a type.
 */
final class KeyValue implements Comparable<KeyValue> {
    private static final int KIND_MIN = 0;
    private static final int KIND_NONE = 1;
    private static final int KIND_VALUE = 2;
    private static final int KIND_MAX = 3;

    static final KeyValue MIN = new KeyValue(KIND_MIN, null, null, null, null);
    static final KeyValue NONE = new KeyValue(KIND_NONE, null, null, null, null);
    static final KeyValue MAX = new KeyValue(KIND_MAX, null, null, null, null);

    private final int kind;
    private final String type;
    private final String string;
    private final BigDecimal number;
    private final byte[] binary;

    private KeyValue(int kind, String type, String string, BigDecimal number, byte[] binary) {
        this.kind = kind;
        this.type = type;
        this.string = string;
        this.number = number;
        this.binary = binary;
    }

    /** From a validated scalar attribute value. */
    static KeyValue of(JsonNode value) {
        String type = AttributeValues.type(value);
        String text = value.get(type).textValue();
        return switch (type) {
            case "S" -> new KeyValue(KIND_VALUE, "S", text, null, null);
            case "N" -> new KeyValue(KIND_VALUE, "N", null, new BigDecimal(text).stripTrailingZeros(), null);
            case "B" -> new KeyValue(KIND_VALUE, "B", null, null, Base64.getDecoder().decode(text));
            default -> throw new IllegalArgumentException("not a key type: " + type);
        };
    }

    boolean isValue() {
        return kind == KIND_VALUE;
    }

    /** Only for a value: whether it starts with {@code prefix} (S or B). */
    boolean startsWith(KeyValue prefix) {
        if (!type.equals(prefix.type)) {
            return false;
        }
        if ("S".equals(type)) {
            return string.startsWith(prefix.string);
        }
        if ("B".equals(type)) {
            return binary.length >= prefix.binary.length
                    && Arrays.equals(binary, 0, prefix.binary.length, prefix.binary, 0, prefix.binary.length);
        }
        return false;
    }

    @Override
    public int compareTo(KeyValue other) {
        if (kind != other.kind) {
            return Integer.compare(kind, other.kind);
        }
        if (kind != KIND_VALUE) {
            return 0;
        }
        if (!type.equals(other.type)) {
            return type.compareTo(other.type);
        }
        return switch (type) {
            case "S" -> AttributeValues.compareUtf8(string, other.string);
            case "N" -> number.compareTo(other.number);
            default -> Arrays.compareUnsigned(binary, other.binary);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        if (kind != KIND_VALUE) {
            return kind;
        }
        return switch (type) {
            case "S" -> string.hashCode();
            case "N" -> number.hashCode();
            default -> Arrays.hashCode(binary);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KIND_MIN -> "MIN";
            case KIND_NONE -> "NONE";
            case KIND_MAX -> "MAX";
            default -> type + ":" + (string != null ? string : number != null ? number.toPlainString()
                    : Base64.getEncoder().encodeToString(binary));
        };
    }
}
