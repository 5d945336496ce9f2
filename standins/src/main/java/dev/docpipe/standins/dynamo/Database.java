package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * All tables, behind one read-write lock: reads share it, every write (single item, batch or transaction)
 * holds it exclusively from its condition checks to its commit, which makes each write atomic and all
 * operations linearizable. A commit is journaled before it is applied and before the reply goes out.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final long FIVE_YEARS_SECONDS = 5L * 365 * 24 * 3600;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<String, Table> tables = new TreeMap<>();
    private final ObjectMapper mapper;
    private final Journal journal;
    private boolean closed;

    /** {@code journal} null: state lives only in memory. */
    Database(ObjectMapper mapper, Journal journal) {
        this.mapper = mapper;
        this.journal = journal;
        if (journal != null) {
            journal.recover(this::loadSnapshot, this::replay);
        }
    }

    /** One item change of a commit: {@code item} null deletes the item with {@code key}. */
    record Change(Table table, ObjectNode key, ObjectNode item) {
        static Change put(Table table, ObjectNode item) {
            return new Change(table, table.keyOf(item), item);
        }

        static Change delete(Table table, ObjectNode key) {
            return new Change(table, key, null);
        }
    }

    // ---------------------------------------------------------------- locking

    <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            requireOpen();
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T write(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            requireOpen();
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw DynamoException.internal("the DynamoDB stand-in is shutting down");
        }
    }

    // ---------------------------------------------------------------- tables (call under the lock)

    Table table(String name) {
        Table table = name == null ? null : tables.get(name);
        if (table == null) {
            throw DynamoException.resourceNotFound();
        }
        return table;
    }

    Table findTable(String name) {
        return tables.get(name);
    }

    NavigableMap<String, Table> tables() {
        return tables;
    }

    void createTable(TableDefinition definition) {
        if (tables.containsKey(definition.name())) {
            throw DynamoException.resourceInUse("Table already exists: " + definition.name());
        }
        ObjectNode record = JSON.objectNode().put("op", "CreateTable");
        record.set("table", definition.toJson());
        journal(record);
        tables.put(definition.name(), new Table(definition));
    }

    Table deleteTable(String name) {
        Table table = table(name);
        journal(JSON.objectNode().put("op", "DeleteTable").put("table", name));
        tables.remove(name);
        return table;
    }

    void updateTimeToLive(Table table, String attribute) {
        journal(JSON.objectNode().put("op", "UpdateTimeToLive").put("table", table.name()).put("attribute", attribute));
        table.ttlAttribute(attribute);
    }

    // ---------------------------------------------------------------- item commits (call under the write lock)

    void commit(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        ObjectNode record = JSON.objectNode().put("op", "Write");
        ArrayNode array = record.putArray("changes");
        for (Change change : changes) {
            ObjectNode entry = array.addObject().put("table", change.table().name());
            if (change.item() != null) {
                entry.set("put", change.item());
            } else {
                entry.set("delete", change.key());
            }
        }
        journal(record);
        for (Change change : changes) {
            apply(change.table(), change.key(), change.item());
        }
    }

    private static void apply(Table table, ObjectNode key, ObjectNode item) {
        if (item != null) {
            table.put(item);
        } else {
            table.delete(table.storeKey(key));
        }
    }

    private void journal(ObjectNode record) {
        if (journal == null) {
            return;
        }
        try {
            journal.append(record);
            if (journal.wantsCompaction()) {
                journal.compact(this::writeSnapshot);
            }
        } catch (IOException e) {
            LOG.error("DynamoDB stand-in journal write failed", e);
            throw DynamoException.internal("the stand-in could not write its journal: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- TTL

    /**
     * Deletes items whose TTL attribute is a number of epoch seconds before {@code nowSeconds} (ignoring
     * values more than five years in the past, as DynamoDB does). Returns how many were deleted.
     */
    int sweepExpired(long nowSeconds) {
        return write(() -> {
            List<Change> changes = new ArrayList<>();
            BigDecimal now = BigDecimal.valueOf(nowSeconds);
            BigDecimal oldest = BigDecimal.valueOf(nowSeconds - FIVE_YEARS_SECONDS);
            for (Table table : tables.values()) {
                String attribute = table.ttlAttribute();
                if (attribute == null) {
                    continue;
                }
                for (ObjectNode item : table.entries().values()) {
                    JsonNode ttl = item.get(attribute);
                    if (ttl != null && ttl.has("N")) {
                        BigDecimal expiry = AttributeValues.number(ttl);
                        if (expiry.compareTo(now) < 0 && expiry.compareTo(oldest) >= 0) {
                            changes.add(Change.delete(table, table.keyOf(item)));
                        }
                    }
                }
            }
            commit(changes);
            return changes.size();
        });
    }

    // ---------------------------------------------------------------- persistence

    private void replay(JsonNode record) {
        String op = record.path("op").asText();
        switch (op) {
            case "CreateTable" -> {
                TableDefinition definition = TableDefinition.fromJson(record.get("table"));
                tables.put(definition.name(), new Table(definition));
            }
            case "DeleteTable" -> tables.remove(record.path("table").asText());
            case "UpdateTimeToLive" -> {
                JsonNode attribute = record.get("attribute");
                replayTable(record.path("table").asText())
                        .ttlAttribute(attribute == null || attribute.isNull() ? null : attribute.asText());
            }
            case "Write" -> {
                for (JsonNode change : record.path("changes")) {
                    Table table = replayTable(change.path("table").asText());
                    if (change.has("put")) {
                        table.put((ObjectNode) change.get("put"));
                    } else {
                        table.delete(table.storeKey((ObjectNode) change.get("delete")));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown journal record " + op);
        }
    }

    private Table replayTable(String name) {
        Table table = tables.get(name);
        if (table == null) {
            throw new IllegalStateException("journal refers to unknown table " + name);
        }
        return table;
    }

    private void loadSnapshot(JsonNode snapshot) {
        for (JsonNode entry : snapshot.path("tables")) {
            Table table = new Table(TableDefinition.fromJson(entry.get("definition")));
            JsonNode ttl = entry.get("ttlAttribute");
            table.ttlAttribute(ttl == null || ttl.isNull() ? null : ttl.asText());
            for (JsonNode item : entry.path("items")) {
                table.put((ObjectNode) item);
            }
            tables.put(table.name(), table);
        }
    }

    private void writeSnapshot(JsonGenerator generator) throws IOException {
        generator.writeArrayFieldStart("tables");
        for (Table table : tables.values()) {
            generator.writeStartObject();
            generator.writeFieldName("definition");
            mapper.writeTree(generator, table.definition().toJson());
            generator.writeStringField("ttlAttribute", table.ttlAttribute());
            generator.writeArrayFieldStart("items");
            for (ObjectNode item : table.entries().values()) {
                mapper.writeTree(generator, item);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        generator.writeEndArray();
    }

    /** Stops serving; with a data directory, writes a snapshot and releases the directory. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (journal != null) {
                try {
                    journal.compact(this::writeSnapshot);
                } finally {
                    journal.close();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not write the DynamoDB stand-in snapshot", e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
