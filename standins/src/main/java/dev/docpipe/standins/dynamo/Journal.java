package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Durable state in a data directory:
 * <ul>
 *   <li>{@value #JOURNAL}: one JSON line per committed mutation (a table created or deleted, a TTL setting,
 *       or the item changes of one write or transaction), each with a sequence number. A line is written
 *       with a single write call before the reply is sent, so it survives the process being killed;
 *       with {@code fsync} it is also forced to the disk.</li>
 *   <li>{@value #SNAPSHOT}: the whole state up to a sequence number, written on close and when the journal
 *       grows past a threshold (then the journal is emptied). Replaced atomically.</li>
 *   <li>{@value #LOCK}: held while a server uses the directory.</li>
 * </ul>
 * On open, the snapshot is loaded and the journal lines after its sequence number are replayed. A
 * torn last line (a crash mid-write) is dropped and cut off; damage before the last line is an error.
 */
final class Journal implements AutoCloseable {
    static final String JOURNAL = "journal.jsonl";
    static final String SNAPSHOT = "snapshot.json";
    static final String LOCK = "standin.lock";

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path directory;
    private final ObjectMapper mapper;
    private final boolean fsync;
    private final long compactionThreshold;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel journal;
    private long sequence;

    private Journal(Path directory, ObjectMapper mapper, boolean fsync, long compactionThreshold,
                    FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.mapper = mapper;
        this.fsync = fsync;
        this.compactionThreshold = compactionThreshold;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Takes the directory's lock; fails if another server (in any process) holds it. */
    static Journal open(Path directory, ObjectMapper mapper, boolean fsync, long compactionThreshold) {
        try {
            Files.createDirectories(directory);
            Path lockFile = directory.resolve(LOCK);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("DynamoStandIn data directory " + directory
                        + " is already in use by another DynamoStandIn (lock file " + lockFile + " is held)");
            }
            return new Journal(directory, mapper, fsync, compactionThreshold, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open DynamoStandIn data directory " + directory, e);
        }
    }

    /**
     * Loads the snapshot (if any) into {@code snapshotLoader}, replays the journal records after it into
     * {@code recordApplier}, cuts off a torn tail and opens the journal for appending.
     */
    void recover(Consumer<JsonNode> snapshotLoader, Consumer<JsonNode> recordApplier) {
        try {
            Path snapshotFile = directory.resolve(SNAPSHOT);
            long snapshotSequence = 0;
            if (Files.exists(snapshotFile)) {
                JsonNode snapshot = mapper.readTree(snapshotFile.toFile());
                snapshotSequence = snapshot.path("seq").asLong();
                snapshotLoader.accept(snapshot);
            }
            sequence = snapshotSequence;
            Path journalFile = directory.resolve(JOURNAL);
            long validEnd = 0;
            if (Files.exists(journalFile)) {
                byte[] bytes = Files.readAllBytes(journalFile);
                int lineStart = 0;
                while (lineStart < bytes.length) {
                    int newline = indexOf(bytes, (byte) '\n', lineStart);
                    if (newline < 0) {
                        LOG.warn("dropping a torn last journal line ({} bytes) in {}", bytes.length - lineStart, journalFile);
                        break;
                    }
                    JsonNode record = parse(bytes, lineStart, newline - lineStart);
                    if (record == null) {
                        if (indexOf(bytes, (byte) '\n', newline + 1) >= 0) {
                            throw new IllegalStateException("DynamoStandIn journal " + journalFile
                                    + " is damaged at byte " + lineStart + " (not the last line)");
                        }
                        LOG.warn("dropping an unreadable last journal line in {}", journalFile);
                        break;
                    }
                    long recordSequence = record.path("seq").asLong();
                    if (recordSequence > sequence) {
                        recordApplier.accept(record);
                        sequence = recordSequence;
                    }
                    lineStart = newline + 1;
                    validEnd = lineStart;
                }
            }
            journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            journal.truncate(validEnd);
            journal.position(validEnd);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover DynamoStandIn state from " + directory, e);
        }
    }

    private JsonNode parse(byte[] bytes, int offset, int length) {
        try {
            JsonNode node = mapper.readTree(bytes, offset, length);
            return node != null && node.isObject() && node.has("seq") ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Appends one committed mutation; returns when the line is written (and forced, with fsync). */
    void append(ObjectNode record) throws IOException {
        ObjectNode line = mapper.createObjectNode();
        line.put("seq", sequence + 1);
        line.setAll(record);
        byte[] json = mapper.writeValueAsBytes(line);
        ByteBuffer buffer = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        long start = journal.position();
        try {
            while (buffer.hasRemaining()) {
                journal.write(buffer);
            }
            if (fsync) {
                journal.force(false);
            }
        } catch (IOException e) {
            // never leave a torn line in the middle of the journal: later lines would make it unreadable
            try {
                journal.truncate(start);
                journal.position(start);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        sequence++;
    }

    boolean wantsCompaction() throws IOException {
        return journal.size() > compactionThreshold;
    }

    /** Writes a snapshot of the whole state with {@code writer} and empties the journal. */
    void compact(SnapshotWriter writer) throws IOException {
        Path temporary = directory.resolve(SNAPSHOT + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary);
             JsonGenerator generator = mapper.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("seq", sequence);
            writer.write(generator);
            generator.writeEndObject();
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        journal.truncate(0);
        journal.position(0);
        if (fsync) {
            journal.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }

    /** Writes the fields of the snapshot object after {@code seq}. */
    interface SnapshotWriter {
        void write(JsonGenerator generator) throws IOException;
    }
}
