package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded, in-process server speaking DynamoDB's JSON protocol on 127.0.0.1, for tests and local
 * mode: point the AWS SDK's {@code DynamoDbClient} at {@link #endpoint()} with {@code endpointOverride}.
 * Supports tables with global secondary indexes, item reads and writes with condition/update/projection
 * expressions, Query, Scan, batches, transactions and TTL; see the module README for what it leaves out.
 *
 * <pre>{@code
 * try (DynamoStandIn dynamo = DynamoStandIn.builder().port(0).dataDirectory(dir).build().start()) {
 *     DynamoDbClient client = DynamoDbClient.builder().endpointOverride(dynamo.endpoint())...build();
 * }
 * }</pre>
 *
 * With a data directory, every acknowledged write survives {@link #close()} and a killed process.
 */
public final class DynamoStandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoStandIn.class);
    private static final int THREADS = 16;
    private static final long DEFAULT_COMPACTION_BYTES = 64L * 1024 * 1024;

    private final int requestedPort;
    private final Path dataDirectory;
    private final Duration ttlSweepInterval;
    private final boolean fsync;
    private final long compactionBytes;
    private final ObjectMapper mapper = new ObjectMapper();

    private HttpServer server;
    private ExecutorService workers;
    private ScheduledExecutorService sweeper;
    private Database database;
    private boolean closed;

    private DynamoStandIn(Builder builder) {
        this.requestedPort = builder.port;
        this.dataDirectory = builder.dataDirectory;
        this.ttlSweepInterval = builder.ttlSweepInterval;
        this.fsync = builder.fsync;
        this.compactionBytes = builder.compactionBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads the data directory (if any), binds the port and starts serving. */
    public synchronized DynamoStandIn start() {
        if (server != null) {
            return this;
        }
        if (closed) {
            throw new IllegalStateException("a closed DynamoStandIn cannot be started again; build a new one");
        }
        Journal journal = dataDirectory == null ? null : Journal.open(dataDirectory, mapper, fsync, compactionBytes);
        try {
            database = new Database(mapper, journal);
        } catch (RuntimeException e) {
            closeQuietly(journal);
            throw e;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), requestedPort), 128);
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException("DynamoStandIn could not bind 127.0.0.1:" + requestedPort, e);
        }
        workers = Executors.newFixedThreadPool(THREADS, daemonThreads("dynamo-stand-in-"));
        server.setExecutor(workers);
        server.createContext("/", new DynamoHttpHandler(mapper, new RequestDispatcher(database)));
        server.start();
        if (ttlSweepInterval != null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(daemonThreads("dynamo-stand-in-ttl-"));
            long millis = Math.max(1, ttlSweepInterval.toMillis());
            sweeper.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
        }
        LOG.info("DynamoDB stand-in listening on {}{}", endpoint(),
                dataDirectory == null ? "" : " with data in " + dataDirectory);
        return this;
    }

    private void sweep() {
        try {
            int deleted = database.sweepExpired(System.currentTimeMillis() / 1000);
            if (deleted > 0) {
                LOG.debug("TTL sweep deleted {} expired items", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("TTL sweep failed", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("DynamoStandIn is not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops serving and, with a data directory, writes a snapshot and releases the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (server != null) {
            server.stop(0);
            workers.shutdown();
            try {
                if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    private static void closeQuietly(Journal journal) {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("could not release the data directory", e);
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs a stand-alone server until the process is stopped: {@code [--port N] [--data-dir DIR]
     * [--ttl-sweep-seconds S] [--fsync]}. Prints {@code DynamoStandIn listening on <endpoint>} when ready.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder = builder().port(8000);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> builder.port(Integer.parseInt(args[++i]));
                case "--data-dir" -> builder.dataDirectory(Path.of(args[++i]));
                case "--ttl-sweep-seconds" -> builder.ttlSweepInterval(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--fsync" -> builder.fsync(true);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--port N] [--data-dir DIR] [--ttl-sweep-seconds S] [--fsync]");
            }
        }
        DynamoStandIn standIn = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "dynamo-stand-in-stop"));
        System.out.println("DynamoStandIn listening on " + standIn.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }

    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private Duration ttlSweepInterval;
        private boolean fsync;
        private long compactionBytes = DEFAULT_COMPACTION_BYTES;

        private Builder() {
        }

        /** 0 (the default) picks a free port. Only 127.0.0.1 is bound. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** Persist state here: a restart on the same directory sees every acknowledged write. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Delete items whose TTL attribute (see UpdateTimeToLive) holds epoch seconds in the past, checking
         * this often. Unset: expired items stay, as they may for up to about two days in DynamoDB.
         */
        public Builder ttlSweepInterval(Duration interval) {
            this.ttlSweepInterval = interval;
            return this;
        }

        /** Also force each journal write to the disk (survives power loss, not only a killed process). */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** Compact the journal into a snapshot once it is larger than this (default 64 MB). */
        public Builder journalCompactionBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bytes " + bytes);
            }
            this.compactionBytes = bytes;
            return this;
        }

        public DynamoStandIn build() {
            return new DynamoStandIn(this);
        }
    }
}
