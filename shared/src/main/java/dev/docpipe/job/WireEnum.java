package dev.docpipe.job;

import java.util.Locale;

/** Parsing of the lower-case wire names of the domain's closed enums. */
final class WireEnum {
    private WireEnum() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, ErrorCode code, String field) {
        if (value != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
        }
        throw new InvalidValueException(code, field, String.valueOf(value), type.getEnumConstants());
    }

    static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
