package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB attribute values in their wire form ({@code {"S": "x"}}, {@code {"N": "1.5"}}, ...): validation,
 * number normalisation, equality, ordering and size. Items are JSON objects of attribute name to value.
 * Stored values are never mutated; every change works on a copy.
 */
final class AttributeValues {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final Set<String> TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS");
    static final long MAX_ITEM_SIZE = 400 * 1024;

    private AttributeValues() {
    }

    /** The type descriptor of a validated attribute value: S, N, B, BOOL, NULL, L, M, SS, NS or BS. */
    static String type(JsonNode value) {
        return value.fieldNames().next();
    }

    static boolean isScalarKeyType(String type) {
        return type.equals("S") || type.equals("N") || type.equals("B");
    }

    static boolean isSetType(String type) {
        return type.equals("SS") || type.equals("NS") || type.equals("BS");
    }

    // ---------------------------------------------------------------- validation

    /** A validated copy of a request item (attribute name to value), numbers normalised. */
    static ObjectNode validatedItem(JsonNode item, String what) {
        if (item == null || !item.isObject()) {
            throw DynamoException.validation("One or more parameter values were invalid: " + what + " must be a map of attribute values");
        }
        ObjectNode copy = JSON.objectNode();
        for (Map.Entry<String, JsonNode> field : item.properties()) {
            if (field.getKey().isEmpty()) {
                throw DynamoException.validation("One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name");
            }
            copy.set(field.getKey(), validated(field.getValue()));
        }
        return copy;
    }

    /** A validated copy of one attribute value, numbers normalised as DynamoDB stores them. */
    static JsonNode validated(JsonNode value) {
        if (value == null || !value.isObject() || value.size() == 0) {
            throw DynamoException.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (value.size() > 1) {
            throw DynamoException.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }
        String type = type(value);
        JsonNode content = value.get(type);
        ObjectNode out = JSON.objectNode();
        switch (type) {
            case "S" -> out.put("S", requireText(content));
            case "N" -> out.put("N", normalizeNumber(requireText(content)));
            case "B" -> out.put("B", canonicalBase64(requireText(content)));
            case "BOOL" -> {
                if (!content.isBoolean()) {
                    throw invalidValue();
                }
                out.put("BOOL", content.booleanValue());
            }
            case "NULL" -> {
                if (!content.isBoolean() || !content.booleanValue()) {
                    throw DynamoException.validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                out.put("NULL", true);
            }
            case "L" -> {
                if (!content.isArray()) {
                    throw invalidValue();
                }
                ArrayNode list = out.putArray("L");
                content.forEach(element -> list.add(validated(element)));
            }
            case "M" -> {
                if (!content.isObject()) {
                    throw invalidValue();
                }
                ObjectNode map = out.putObject("M");
                content.properties().forEach(e -> map.set(e.getKey(), validated(e.getValue())));
            }
            case "SS", "NS", "BS" -> out.set(type, validatedSet(type, content));
            default -> throw DynamoException.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        return out;
    }

    private static ArrayNode validatedSet(String type, JsonNode content) {
        if (!content.isArray()) {
            throw invalidValue();
        }
        if (content.isEmpty()) {
            String kind = switch (type) {
                case "SS" -> "string";
                case "NS" -> "number";
                default -> "binary";
            };
            throw DynamoException.validation("One or more parameter values were invalid: An " + kind + " set  may not be empty");
        }
        ArrayNode elements = JSON.arrayNode();
        Set<Object> seen = new HashSet<>();
        for (JsonNode element : content) {
            String text = requireText(element);
            String stored = switch (type) {
                case "NS" -> normalizeNumber(text);
                case "BS" -> canonicalBase64(text);
                default -> text;
            };
            if (!seen.add(setKey(type, stored))) {
                throw DynamoException.validation("One or more parameter values were invalid: Input collection "
                        + content + " contains duplicates.");
            }
            elements.add(stored);
        }
        return elements;
    }

    private static String requireText(JsonNode content) {
        if (content == null || !content.isTextual()) {
            throw invalidValue();
        }
        return content.textValue();
    }

    private static DynamoException invalidValue() {
        return DynamoException.validation("One or more parameter values were invalid: malformed AttributeValue");
    }

    /**
     * Validates a number and returns it as DynamoDB stores it: at most 38 significant digits, magnitude
     * between 1E-130 and 1E+126, leading and trailing zeros trimmed.
     */
    static String normalizeNumber(String text) {
        BigDecimal number;
        try {
            number = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw DynamoException.validation("A value provided cannot be converted into a number");
        }
        return format(number);
    }

    static String format(BigDecimal number) {
        if (number.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = number.stripTrailingZeros();
        if (stripped.precision() > 38) {
            throw DynamoException.validation("Attempting to store more than 38 significant digits in a Number");
        }
        long exponent = (long) stripped.precision() - stripped.scale() - 1;
        if (exponent > 125) {
            throw DynamoException.validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (exponent < -130) {
            throw DynamoException.validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        return stripped.toPlainString();
    }

    private static String canonicalBase64(String text) {
        return Base64.getEncoder().encodeToString(decodeBase64(text));
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException again) {
                throw DynamoException.validation("One or more parameter values were invalid: invalid base64 binary value");
            }
        }
    }

    // ---------------------------------------------------------------- accessors and constructors

    static BigDecimal number(JsonNode value) {
        return new BigDecimal(value.get("N").textValue());
    }

    static byte[] bytes(JsonNode value) {
        return Base64.getDecoder().decode(value.get("B").textValue());
    }

    static ObjectNode string(String s) {
        return JSON.objectNode().put("S", s);
    }

    static ObjectNode number(BigDecimal n) {
        return JSON.objectNode().put("N", format(n));
    }

    static ObjectNode number(long n) {
        return JSON.objectNode().put("N", Long.toString(n));
    }

    /** A hashable identity of one set element, so that 1 and 1.0, or equal byte strings, collide. */
    static Object setKey(String setType, String element) {
        return switch (setType) {
            case "NS" -> new BigDecimal(element).stripTrailingZeros();
            case "BS" -> ByteBuffer.wrap(Base64.getDecoder().decode(element));
            default -> element;
        };
    }

    // ---------------------------------------------------------------- equality and ordering

    /** DynamoDB equality: same type and same value; sets compare as sets, numbers numerically. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return false;
        }
        JsonNode x = a.get(type);
        JsonNode y = b.get(type);
        return switch (type) {
            case "S", "BOOL", "NULL" -> x.equals(y);
            case "N" -> number(a).compareTo(number(b)) == 0;
            case "B" -> Arrays.equals(bytes(a), bytes(b));
            case "SS", "NS", "BS" -> setOf(type, x).equals(setOf(type, y));
            case "L" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!equal(x.get(i), y.get(i))) {
                        yield false;
                    }
                }
                yield true;
            }
            case "M" -> {
                if (x.size() != y.size()) {
                    yield false;
                }
                for (Map.Entry<String, JsonNode> field : x.properties()) {
                    if (!equal(field.getValue(), y.get(field.getKey()))) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> false;
        };
    }

    static Set<Object> setOf(String setType, JsonNode elements) {
        Set<Object> set = new HashSet<>();
        elements.forEach(e -> set.add(setKey(setType, e.textValue())));
        return set;
    }

    /**
     * Orders two values of the same scalar type (S by UTF-8 bytes, N numerically, B bytewise).
     * Null when they cannot be ordered: different types, a missing value, or a non-scalar type.
     */
    static Integer compare(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return null;
        }
        String type = type(a);
        if (!type.equals(type(b))) {
            return null;
        }
        return switch (type) {
            case "S" -> compareUtf8(a.get("S").textValue(), b.get("S").textValue());
            case "N" -> number(a).compareTo(number(b));
            case "B" -> Arrays.compareUnsigned(bytes(a), bytes(b));
            default -> null;
        };
    }

    /** Orders strings as their UTF-8 encodings would order bytewise, i.e. by code point. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ---------------------------------------------------------------- size

    /** The item size as DynamoDB counts it: attribute names plus values, in bytes. */
    static long itemSize(ObjectNode item) {
        long size = 0;
        for (Map.Entry<String, JsonNode> field : item.properties()) {
            size += utf8Length(field.getKey()) + valueSize(field.getValue());
        }
        return size;
    }

    static long valueSize(JsonNode value) {
        String type = type(value);
        JsonNode content = value.get(type);
        return switch (type) {
            case "S" -> utf8Length(content.textValue());
            case "N" -> numberSize(content.textValue());
            case "B" -> Base64.getDecoder().decode(content.textValue()).length;
            case "BOOL", "NULL" -> 1;
            case "SS" -> {
                long sum = 0;
                for (JsonNode e : content) {
                    sum += utf8Length(e.textValue());
                }
                yield sum;
            }
            case "NS" -> {
                long sum = 0;
                for (JsonNode e : content) {
                    sum += numberSize(e.textValue());
                }
                yield sum;
            }
            case "BS" -> {
                long sum = 0;
                for (JsonNode e : content) {
                    sum += Base64.getDecoder().decode(e.textValue()).length;
                }
                yield sum;
            }
            case "L" -> {
                long sum = 3;
                for (JsonNode e : content) {
                    sum += 1 + valueSize(e);
                }
                yield sum;
            }
            case "M" -> {
                long sum = 3;
                for (Map.Entry<String, JsonNode> field : content.properties()) {
                    sum += 1 + utf8Length(field.getKey()) + valueSize(field.getValue());
                }
                yield sum;
            }
            default -> 0;
        };
    }

    private static long numberSize(String number) {
        int digits = 0;
        for (int i = 0; i < number.length(); i++) {
            if (Character.isDigit(number.charAt(i))) {
                digits++;
            }
        }
        return (digits + 1) / 2 + 1;
    }

    static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
