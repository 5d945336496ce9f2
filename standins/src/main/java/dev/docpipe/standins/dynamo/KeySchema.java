package dev.docpipe.standins.dynamo;

import java.util.ArrayList;
import java.util.List;

/** A table's or an index's key: a hash (partition) attribute and an optional range (sort) attribute. */
record KeySchema(String hashName, String rangeName) {

    boolean hasRange() {
        return rangeName != null;
    }

    boolean isKeyAttribute(String name) {
        return name.equals(hashName) || name.equals(rangeName);
    }

    List<String> names() {
        List<String> names = new ArrayList<>(2);
        names.add(hashName);
        if (rangeName != null) {
            names.add(rangeName);
        }
        return names;
    }
}
