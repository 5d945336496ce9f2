package dev.docpipe.adapter.redis;

import dev.docpipe.adapter.json.JobJson;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link FastPath} on Redis (ElastiCache in AWS, a local redis-server in tests and local mode).
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code docpipe:dedup:<dedupKey>} → the job id (string) that owns the dedup key, with the TTL
 *       the caller gives ({@code SET NX PX} to claim, {@code SET PX} to remember, {@code DEL} to forget);</li>
 *   <li>{@code docpipe:job:<jobId>} → {@code <version>|<mac>|<job JSON>} ({@link JobJson#write(Job)}), with the
 *       caller's TTL (write-through status cache).</li>
 * </ul>
 *
 * <p>Every command touches one key (the Lua script below reads and writes only {@code KEYS[1]}), so
 * every command is single-slot on a Redis Cluster without hash tags: nothing ever needs two keys in one slot.
 *
 * <h2>Standalone or cluster</h2>
 * {@link Mode#STANDALONE} uses lettuce's {@link RedisClient} (one server, or a primary endpoint);
 * {@link Mode#CLUSTER} uses {@link RedisClusterClient}, which learns the slot map from the node in the URI,
 * sends each command to the master of its key's slot, follows {@code MOVED}/{@code ASK}, and refreshes the
 * map when a node goes or a redirect shows it is stale. ElastiCache Serverless is cluster mode only (and
 * TLS only: a {@code rediss://} URI). While a slot's master is down with no replica to take over, the
 * commands for its keys fail (or the whole cluster answers {@code CLUSTERDOWN}) and fall back like any
 * other Redis failure.
 *
 * <h2>The status cache is no authority</h2>
 * Whoever can write to Redis must not be able to change what the API tells a tenant. Every cached job is
 * signed (HMAC-SHA256 with a key Redis never sees: {@code DOCPIPE_STATUS_CACHE_KEY}, or a random key of
 * this process when none is configured); an entry that fails the check, or is the JSON of another job, is a
 * miss and is deleted, and the caller reads the store. A signed entry can only be replaced by an entry
 * of the same job, so the owner a cache hit shows is the one the store had.
 *
 * <p>Writes only move forward: the version ({@code attempt, phase, updatedAt}: queued before running
 * before finished, stages in order, a new attempt after everything of the one before) is compared by a Lua
 * script in Redis, which keeps the entry if it holds a newer state. A reader that warms the cache with
 * what it read a moment ago can therefore never put a state older than the one a writer cached since.
 *
 * <h2>Never the source of truth, never in the way</h2>
 * One lettuce {@link RedisClient} and one connection per instance (build one per JVM). Commands fail at
 * once while the connection is down ({@code REJECT_COMMANDS}) and time out after the command timeout
 * when Redis is slow; lettuce reconnects by itself (backoff capped at {@value #MAX_RECONNECT_DELAY_MS} ms).
 * No method throws because of Redis: a failed call answers {@link DedupClaim.Unavailable}, empty or
 * nothing, counts a fallback, and the caller goes to the store. A degradation is logged as one WARN per
 * log interval with the number of fallbacks, and one INFO when Redis answers again. The same hits, misses
 * and fallbacks go to {@link Metrics} ({@code fastpath_hits/misses{op=dedup|status}}, {@code fastpath_fallbacks}).
 *
 * <p>Redis need not be up at construction: lettuce cannot reconnect a connection it never had, so
 * until the first connect succeeds a call starts a connect attempt (at most one per
 * {@value #CONNECT_RETRY_MS} ms, waiting at most the command timeout for it) and otherwise falls back
 * at once.
 *
 * <h2>Edge cases</h2>
 * <ul>
 *   <li>A claim whose {@code SET NX} loses but whose {@code GET} then finds no key (it expired or was
 *       forgotten in between) answers {@code Unavailable}, counted as a miss: the store decides.</li>
 *   <li>A value that does not parse (a dedup value that is no job id, a cached job that is no job
 *       JSON, or the JSON of another job) is a miss and is deleted. The delete is not conditional: if
 *       a writer replaced the value in between, that newer entry is lost, which costs one store read.</li>
 *   <li>Arguments are not Redis failures: a null argument or a TTL under one millisecond throws
 *       ({@link NullPointerException}, {@link IllegalArgumentException}) before Redis is touched.</li>
 * </ul>
 */
public final class RedisFastPath implements FastPath, AutoCloseable {
    /** Command timeout for {@link #connect(String)}: a fast path slower than this is no fast path. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    /**
     * The longest a cache entry of an unfinished job (queued, running) lives. Every transition writes the entry
     * anew, so a polling client still mostly hits; and should the write of the next state be lost (the
     * process killed between the store's write and the cache's, a write timing out), the stale state answers
     * for no longer than this.
     */
    public static final Duration UNFINISHED_ENTRY_TTL = Duration.ofSeconds(5);
    /** At most one WARN per this interval while Redis is unusable. */
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(30);

    /** Which lettuce client talks to the URI. */
    public enum Mode {
        /** One redis-server (or a replication group's primary endpoint): {@link RedisClient}. */
        STANDALONE,
        /** A Redis Cluster (ElastiCache Serverless, cluster-mode ElastiCache): {@link RedisClusterClient}. */
        CLUSTER
    }

    static final String DEDUP_PREFIX = "docpipe:dedup:";
    static final String JOB_PREFIX = "docpipe:job:";
    /** Sets KEYS[1] to ARGV[2] with TTL ARGV[3] ms unless it holds a newer version than ARGV[1]; 1 if set. */
    static final String CACHE_FORWARD = """
            local current = redis.call('GET', KEYS[1])
            local version = current and string.match(current, '^(%d+)|')
            if version and #version == #ARGV[1] and version > ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1""";
    private static final String MAC_ALGORITHM = "HmacSHA256";
    static final long CONNECT_TIMEOUT_MS = 500;
    static final long CONNECT_RETRY_MS = 1000;
    static final long MAX_RECONNECT_DELAY_MS = 1000;
    /** Cluster mode: the slot map is also re-read this often, besides after redirects and lost nodes. */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RedisFastPath.class);
    private static final DedupClaim CLAIMED = new DedupClaim.Claimed();
    private static final DedupClaim UNAVAILABLE = new DedupClaim.Unavailable();

    private final RedisURI uri;
    private final Duration commandTimeout;
    private final ClientResources resources;
    /** Given to {@link #resources}, which leaves a timer it did not create running: stopped by {@link #close()}. */
    private final SleepingTimer timer;
    private final AbstractRedisClient client;
    private final Mode mode;
    private final OutageLog outages;
    private final Logger log;
    private final String target;
    private final Metrics metrics;
    private final SecretKeySpec cacheKey;
    private final boolean sharedCacheKey;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();

    private final Object connectLock = new Object();
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterCommands<String, String> commands;
    private CompletableFuture<RedisClusterCommands<String, String>> connecting;
    private long nextConnectAttempt;
    private String lastConnectError = "the first connect attempt has not finished";
    private volatile boolean closed;

    /**
     * A fast path on {@code redisUri} (e.g. {@code redis://host:6379}, {@code rediss://…} for TLS)
     * with {@link #DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if the URI is malformed (an unreachable server is no error)
     */
    public static RedisFastPath connect(String redisUri) {
        return connect(redisUri, DEFAULT_TIMEOUT);
    }

    /**
     * A fast path on {@code redisUri} whose commands give up after {@code commandTimeout}.
     *
     * @throws IllegalArgumentException if the URI is malformed (an unreachable server is no error)
     */
    public static RedisFastPath connect(String redisUri, Duration commandTimeout) {
        return connect(redisUri, commandTimeout, Metrics.none());
    }

    /**
     * Like {@link #connect(String, Duration)}, counting hits, misses and fallbacks in {@code metrics}; cached
     * jobs are signed with a random key of this process (only this process can read them back).
     */
    public static RedisFastPath connect(String redisUri, Duration commandTimeout, Metrics metrics) {
        return connect(redisUri, commandTimeout, metrics, null);
    }

    /**
     * @param cacheKey the key that signs cached jobs, shared by every process that reads what the others
     *                 cache (at least 32 bytes); null for a random key of this process
     */
    public static RedisFastPath connect(String redisUri, Duration commandTimeout, Metrics metrics, byte[] cacheKey) {
        return connect(Mode.STANDALONE, redisUri, commandTimeout, metrics, cacheKey);
    }

    /** Like {@link #connect(String, Duration, Metrics, byte[])} with the client of {@code mode}. */
    public static RedisFastPath connect(Mode mode, String redisUri, Duration commandTimeout, Metrics metrics,
                                        byte[] cacheKey) {
        return new RedisFastPath(mode, redisUri, commandTimeout, Clock.systemUTC(), DEFAULT_LOG_INTERVAL, LOG,
                metrics, cacheKey);
    }

    /** For tests: the clock and interval of the degradation log. */
    public RedisFastPath(String redisUri, Duration commandTimeout, Clock clock, Duration logInterval) {
        this(redisUri, commandTimeout, clock, logInterval, LOG);
    }

    RedisFastPath(String redisUri, Duration commandTimeout, Clock clock, Duration logInterval, Logger log) {
        this(redisUri, commandTimeout, clock, logInterval, log, Metrics.none());
    }

    RedisFastPath(String redisUri, Duration commandTimeout, Clock clock, Duration logInterval, Logger log,
                  Metrics metrics) {
        this(redisUri, commandTimeout, clock, logInterval, log, metrics, null);
    }

    RedisFastPath(String redisUri, Duration commandTimeout, Clock clock, Duration logInterval, Logger log,
                  Metrics metrics, byte[] cacheKey) {
        this(Mode.STANDALONE, redisUri, commandTimeout, clock, logInterval, log, metrics, cacheKey);
    }

    RedisFastPath(Mode mode, String redisUri, Duration commandTimeout, Clock clock, Duration logInterval, Logger log,
                  Metrics metrics, byte[] cacheKey) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (cacheKey != null && cacheKey.length < 32) {
            throw new IllegalArgumentException("the status cache key must have at least 32 bytes");
        }
        this.sharedCacheKey = cacheKey != null;
        byte[] key = cacheKey;
        if (key == null) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        }
        this.cacheKey = new SecretKeySpec(key, MAC_ALGORITHM);
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(logInterval, "logInterval");
        this.commandTimeout = positive(commandTimeout, "commandTimeout");
        this.log = Objects.requireNonNull(log, "log");
        this.uri = RedisURI.create(redisUri);
        this.uri.setTimeout(commandTimeout);
        this.target = uri.getHost() + ":" + uri.getPort();
        this.outages = new OutageLog(log, clock, logInterval, target);
        this.timer = new SleepingTimer("lettuce-timer");
        this.resources = DefaultClientResources.builder()
                .timer(timer)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofMillis(MAX_RECONNECT_DELAY_MS),
                        2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS))
                .keepAlive(true)
                .build();
        if (mode == Mode.CLUSTER) {
            RedisClusterClient cluster = RedisClusterClient.create(resources, uri);
            // lettuce opens a node's connection at the first command for one of its slots, and
            // REJECT_COMMANDS would reject that command: commands wait for a node's connection instead,
            // at most the command timeout (TimeoutOptions), as they would for a slow server
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .build())
                    .build());
            this.client = cluster;
        } else {
            RedisClient standalone = RedisClient.create(resources);
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socket)
                    .build());
            this.client = standalone;
        }
        // Init time, not request time: give the first connect up to the connect timeout.
        startConnect(Duration.ofMillis(CONNECT_TIMEOUT_MS));
    }

    @Override
    public DedupClaim claimDedup(String dedupKey, JobId candidate, Duration ttl) {
        String key = DEDUP_PREFIX + Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(candidate, "candidate");
        long px = millis(ttl);
        RedisClusterCommands<String, String> redis = commands();
        if (redis == null) {
            return notConnected(UNAVAILABLE);
        }
        try {
            if ("OK".equals(redis.set(key, candidate.value(), SetArgs.Builder.nx().px(px)))) {
                return used(misses, DEDUP, CLAIMED);
            }
            String holder = redis.get(key);
            if (holder == null) {
                return used(misses, DEDUP, UNAVAILABLE);
            }
            if (!JobId.isValid(holder)) {
                redis.del(key);
                log.warn("deleted corrupt dedup entry {} ({} chars)", key, holder.length());
                return used(misses, DEDUP, UNAVAILABLE);
            }
            return used(hits, DEDUP, new DedupClaim.Existing(new JobId(holder)));
        } catch (RuntimeException e) {
            return failed(e, UNAVAILABLE);
        }
    }

    @Override
    public void rememberDedup(String dedupKey, JobId id, Duration ttl) {
        String key = DEDUP_PREFIX + Objects.requireNonNull(dedupKey, "dedupKey");
        String value = Objects.requireNonNull(id, "id").value();
        long px = millis(ttl);
        write(redis -> redis.set(key, value, SetArgs.Builder.px(px)));
    }

    @Override
    public void forgetDedup(String dedupKey) {
        String key = DEDUP_PREFIX + Objects.requireNonNull(dedupKey, "dedupKey");
        write(redis -> redis.del(key));
    }

    @Override
    public Optional<Job> cachedJob(JobId id) {
        String key = JOB_PREFIX + Objects.requireNonNull(id, "id").value();
        RedisClusterCommands<String, String> redis = commands();
        if (redis == null) {
            return notConnected(Optional.empty());
        }
        try {
            String json = redis.get(key);
            if (json == null) {
                return used(misses, STATUS, Optional.empty());
            }
            Optional<Job> job = verify(json, id);
            if (job.isEmpty()) {
                redis.del(key);
                // with a per-process key, another process's entry is expected to fail the check
                log.atLevel(sharedCacheKey ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.DEBUG)
                        .log("job {}: deleted a status cache entry that is corrupt or not signed by us ({} chars)",
                                id, json.length());
                return used(misses, STATUS, job);
            }
            return used(hits, STATUS, job);
        } catch (RuntimeException e) {
            return failed(e, Optional.empty());
        }
    }

    /**
     * Caches {@code job} for {@code ttl}, or for at most {@link #UNFINISHED_ENTRY_TTL} while it is unfinished: a
     * write that is lost (the process killed between the store's write and this one, a timeout under load)
     * leaves the older unfinished state answering for seconds, not for the whole {@code ttl}. A finished state
     * is never replaced by an older one.
     */
    @Override
    public void cacheJob(Job job, Duration ttl) {
        String key = JOB_PREFIX + Objects.requireNonNull(job, "job").id().value();
        String version = version(job);
        String signed = version + "|" + JobJson.write(job);
        String value = version + "|" + mac(signed) + "|" + signed.substring(version.length() + 1);
        String px = Long.toString(millis(entryTtl(job, ttl)));
        write(redis -> redis.eval(CACHE_FORWARD, ScriptOutputType.INTEGER, new String[]{key}, version, value, px));
    }

    /** How long an entry of {@code job} lives: {@code ttl} once it is finished, at most a few seconds before. */
    static Duration entryTtl(Job job, Duration ttl) {
        return job.status().isTerminal() || ttl.compareTo(UNFINISHED_ENTRY_TTL) <= 0 ? ttl : UNFINISHED_ENTRY_TTL;
    }

    /**
     * Orders the states of one job: attempt, then phase (queued, running in each stage, finished), then the
     * update time. Fixed width, so Redis compares it as a string.
     */
    public static String version(Job job) {
        int phase = switch (job.status()) {
            case QUEUED -> 0;
            case RUNNING -> 1 + job.stage().rank();
            case COMPLETED, FAILED, CANCELLED -> 9;
            case ERASED -> 10; // after every other state of its attempt: nothing cached later can replace it
        };
        return String.format("%010d%02d%013d", job.attempt(), phase, job.updatedAt().toEpochMilli());
    }

    private String mac(String signed) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(cacheKey);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The job of a cache entry that is signed by our key, of job {@code expected}, at the version it claims. */
    private Optional<Job> verify(String value, JobId expected) {
        int first = value.indexOf('|');
        int second = first < 0 ? -1 : value.indexOf('|', first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        String version = value.substring(0, first);
        String signed = version + value.substring(second);
        byte[] claimed = value.substring(first + 1, second).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(claimed, mac(signed).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return parse(value.substring(second + 1), expected).filter(job -> version(job).equals(version));
    }

    @Override
    public void evictJob(JobId id) {
        String key = JOB_PREFIX + Objects.requireNonNull(id, "id").value();
        write(redis -> redis.del(key));
    }

    @Override
    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), fallbacks.sum());
    }

    /** Closes the connection and the client; later calls fall back. Never throws. */
    @Override
    public void close() {
        closed = true;
        StatefulConnection<String, String> open;
        synchronized (connectLock) {
            lastConnectError = "closed";
            open = connection;
            commands = null;
            connection = null;
        }
        try {
            if (open != null) {
                open.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.warn("closing the Redis client for {} failed: {}", target, describe(e));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            timer.stop();
        }
    }

    // ---- connection ---------------------------------------------------------------------------

    private RedisClusterCommands<String, String> commands() {
        RedisClusterCommands<String, String> c = commands;
        return c != null || closed ? c : startConnect(commandTimeout);
    }

    /**
     * Starts a connect attempt if none is running and the last one is at least {@link #CONNECT_RETRY_MS}
     * old, and waits up to {@code wait} for it. Other callers meanwhile fall back at once.
     */
    private RedisClusterCommands<String, String> startConnect(Duration wait) {
        CompletableFuture<RedisClusterCommands<String, String>> attempt;
        synchronized (connectLock) {
            long now = System.nanoTime();
            if (commands != null || closed) {
                return commands;
            }
            if (connecting != null || now - nextConnectAttempt < 0) {
                return null;
            }
            nextConnectAttempt = now + TimeUnit.MILLISECONDS.toNanos(CONNECT_RETRY_MS);
            try {
                // the cluster client connects asynchronously only once it has the slot map, which it
                // fetches blocking: its whole connect runs on a thread of its own
                CompletableFuture<? extends StatefulConnection<String, String>> opening = client instanceof RedisClusterClient c
                        ? CompletableFuture.supplyAsync(() -> c.connect(StringCodec.UTF8), Thread.ofVirtual()::start)
                        : ((RedisClient) client).connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
                attempt = opening.handle(this::adopt);
            } catch (RuntimeException e) {
                lastConnectError = describe(e);
                return null;
            }
            if (!attempt.isDone()) {
                connecting = attempt;
            }
        }
        try {
            return attempt.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Completes a connect attempt: keeps the connection (or closes it if we were closed meanwhile). */
    private RedisClusterCommands<String, String> adopt(StatefulConnection<String, String> opened, Throwable error) {
        synchronized (connectLock) {
            connecting = null;
            if (error != null) {
                lastConnectError = describe(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
                log.debug("connect to Redis {} failed: {}", target, lastConnectError);
                return null;
            }
            if (closed) {
                opened.closeAsync();
                return null;
            }
            connection = opened;
            commands = opened instanceof StatefulRedisClusterConnection<String, String> c
                    ? c.sync() : ((StatefulRedisConnection<String, String>) opened).sync();
            log.info("connected to Redis {} ({})", target, mode == Mode.CLUSTER ? "cluster" : "standalone");
            return commands;
        }
    }

    // ---- outcomes -----------------------------------------------------------------------------

    private interface Write {
        void run(RedisClusterCommands<String, String> redis);
    }

    private void write(Write write) {
        RedisClusterCommands<String, String> redis = commands();
        if (redis == null) {
            notConnected(null);
            return;
        }
        try {
            write.run(redis);
            outages.success();
        } catch (RuntimeException e) {
            failed(e, null);
        }
    }

    private static final String DEDUP = "dedup";
    private static final String STATUS = "status";

    private <T> T used(LongAdder counter, String op, T answer) {
        counter.increment();
        metrics.increment(counter == hits ? Metric.FASTPATH_HITS : Metric.FASTPATH_MISSES, op);
        outages.success();
        return answer;
    }

    private <T> T notConnected(T answer) {
        String why;
        synchronized (connectLock) {
            why = closed ? "closed" : "not connected yet (" + lastConnectError + ")";
        }
        return fellBack(why, answer);
    }

    private <T> T failed(RuntimeException e, T answer) {
        return fellBack(describe(e), answer);
    }

    private <T> T fellBack(String why, T answer) {
        fallbacks.increment();
        metrics.increment(Metric.FASTPATH_FALLBACKS);
        outages.fallback(why);
        return answer;
    }

    private static Optional<Job> parse(String json, JobId expected) {
        try {
            Job job = JobJson.read(json);
            return job.id().equals(expected) ? Optional.of(job) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String because = root == e ? "" : " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message) + because;
    }

    private static long millis(Duration ttl) {
        return positive(ttl, "ttl").toMillis();
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
        }
        return d;
    }
}
