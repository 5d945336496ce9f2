package dev.docpipe.standins.dynamo;

/**
 * The position of an item in a table or index map. For a table: its hash and range key (range
 * {@link KeyValue#NONE} without a sort key), ties unused. For an index: the index's hash and range key, then the
 * table key as tie-breaker, so that many items can share one index key.
 */
record StoreKey(KeyValue hash, KeyValue range, KeyValue tableHash, KeyValue tableRange) implements Comparable<StoreKey> {

    static StoreKey ofTable(KeyValue hash, KeyValue range) {
        return new StoreKey(hash, range, KeyValue.NONE, KeyValue.NONE);
    }

    /** The first possible key of partition {@code hash} with a range key of at least {@code range}. */
    static StoreKey lowest(KeyValue hash, KeyValue range) {
        return new StoreKey(hash, range, KeyValue.MIN, KeyValue.MIN);
    }

    /** The last possible key of partition {@code hash} with a range key of at most {@code range}. */
    static StoreKey highest(KeyValue hash, KeyValue range) {
        return new StoreKey(hash, range, KeyValue.MAX, KeyValue.MAX);
    }

    @Override
    public int compareTo(StoreKey other) {
        int c = hash.compareTo(other.hash);
        if (c == 0) {
            c = range.compareTo(other.range);
        }
        if (c == 0) {
            c = tableHash.compareTo(other.tableHash);
        }
        if (c == 0) {
            c = tableRange.compareTo(other.tableRange);
        }
        return c;
    }
}
