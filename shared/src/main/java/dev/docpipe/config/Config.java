package dev.docpipe.config;

import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.RenderOptions;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting docpipe reads, read from the environment once and validated at start. Region and
 * endpoints of AWS services are not here: the SDK reads {@code AWS_REGION} and
 * {@code AWS_ENDPOINT_URL[_<SERVICE>]} itself, so AWS, LocalStack and the stand-ins differ only in env.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>DOCPIPE_JOB_STORE</td><td>dynamodb</td><td>{@code dynamodb} or {@code postgres}</td></tr>
 *   <tr><td>DOCPIPE_JOBS_TABLE</td><td>(required for dynamodb)</td><td>DynamoDB table name</td></tr>
 *   <tr><td>DOCPIPE_DATABASE_URL</td><td>(postgres: this or the secret)</td><td>JDBC URL, credentials included</td></tr>
 *   <tr><td>DOCPIPE_DATABASE_SECRET_ARN</td><td>(postgres: this or the URL)</td><td>Secrets Manager secret whose
 *       SecretString is {@code {"url": "jdbc:postgresql://…"}}, read at run time (see {@link DatabaseSecret})</td></tr>
 *   <tr><td>DOCPIPE_DATABASE_POOL_SIZE</td><td>2</td><td>connections per JVM</td></tr>
 *   <tr><td>DOCPIPE_REDIS_URL</td><td>(none: no fast path)</td><td>{@code redis://} or {@code rediss://} URI</td></tr>
 *   <tr><td>DOCPIPE_REDIS_MODE</td><td>standalone</td><td>{@code standalone} (one redis-server or a primary
 *       endpoint) or {@code cluster} (a Redis Cluster: ElastiCache Serverless is always {@code cluster})</td></tr>
 *   <tr><td>DOCPIPE_REDIS_TIMEOUT_MS</td><td>100</td><td>per-command timeout before falling back to the store</td></tr>
 *   <tr><td>DOCPIPE_STATUS_CACHE_KEY</td><td>(none: a random key per process)</td><td>secret (at least 32
 *       characters) that signs cached jobs, the same for every function; Redis never sees it</td></tr>
 *   <tr><td>DOCPIPE_RETENTION_DAYS</td><td>30</td><td>days a finished job is kept</td></tr>
 *   <tr><td>DOCPIPE_DEDUP_TTL_SECONDS</td><td>86400</td><td>lifetime of a dedup claim in the fast path</td></tr>
 *   <tr><td>DOCPIPE_STATUS_CACHE_TTL_SECONDS</td><td>3600</td><td>lifetime of a cached job status</td></tr>
 *   <tr><td>DOCPIPE_BUCKET</td><td>docpipe</td><td>the bucket: {@code uploads/} (watched), {@code inline/}, {@code work/}, {@code pdf/}</td></tr>
 *   <tr><td>DOCPIPE_QUEUE_PREFIX</td><td>docpipe-</td><td>prefix of every queue name</td></tr>
 *   <tr><td>DOCPIPE_QUEUE_GROUPING</td><td>owner</td><td>{@code owner}: stage messages carry the owner as
 *       {@code MessageGroupId} (SQS fair queues); {@code none}: no group id (read by {@code SqsStageQueues})</td></tr>
 *   <tr><td>DOCPIPE_MAX_DOCUMENT_BYTES</td><td>10485760</td><td>larger documents fail as {@code too_large}</td></tr>
 *   <tr><td>DOCPIPE_MAX_PAGES</td><td>500</td><td>longer PDFs fail as {@code too_many_pages}</td></tr>
 *   <tr><td>DOCPIPE_RENDER_TIMEOUT_SECONDS</td><td>60</td><td>slower renders fail as {@code render_timeout}</td></tr>
 *   <tr><td>DOCPIPE_QUEUED_TIMEOUT_SECONDS</td><td>300</td><td>a queued job older than this is re-driven by the sweeper</td></tr>
 *   <tr><td>DOCPIPE_STAGE_TIMEOUT_SECONDS</td><td>900</td><td>a running stage older than this is re-driven</td></tr>
 *   <tr><td>DOCPIPE_MAX_REDRIVES</td><td>3</td><td>re-drives before a job fails as {@code retries_exhausted}</td></tr>
 *   <tr><td>DOCPIPE_DEFAULT_OPTIONS</td><td>(none)</td><td>render options every job gets unless it sets them itself,
 *       as a URL-encoded form ({@code paper=letter&pdfa=off}); validated at start</td></tr>
 * </table>
 */
public record Config(
        StoreKind jobStore,
        String jobsTable,
        String databaseUrl,
        String databaseSecretArn,
        int databasePoolSize,
        String redisUrl,
        RedisFastPath.Mode redisMode,
        Duration redisTimeout,
        String statusCacheKey,
        Duration retention,
        Duration dedupTtl,
        Duration statusCacheTtl,
        String bucket,
        String queuePrefix,
        long maxDocumentBytes,
        int maxPages,
        Duration renderTimeout,
        Duration queuedTimeout,
        Duration stageTimeout,
        int maxRedrives,
        Map<String, String> defaultOptions) {

    public Config {
        defaultOptions = Map.copyOf(defaultOptions == null ? Map.of() : defaultOptions);
    }

    public enum StoreKind { DYNAMODB, POSTGRES }

    public static Config fromEnv() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        StoreKind kind = r.choice("DOCPIPE_JOB_STORE", StoreKind.DYNAMODB);
        String table = kind == StoreKind.DYNAMODB ? r.required("DOCPIPE_JOBS_TABLE") : r.optional("DOCPIPE_JOBS_TABLE");
        String dbUrl = r.optional("DOCPIPE_DATABASE_URL");
        String dbSecret = r.optional("DOCPIPE_DATABASE_SECRET_ARN");
        if (kind == StoreKind.POSTGRES && (dbUrl == null) == (dbSecret == null)) {
            throw new ConfigException(dbUrl == null
                    ? "DOCPIPE_DATABASE_URL or DOCPIPE_DATABASE_SECRET_ARN is required but neither is set"
                    : "DOCPIPE_DATABASE_URL and DOCPIPE_DATABASE_SECRET_ARN are both set: set one");
        }
        if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("DOCPIPE_DATABASE_URL must be a JDBC URL starting with jdbc:postgresql://");
        }
        String redis = r.optional("DOCPIPE_REDIS_URL");
        if (redis != null && !(redis.startsWith("redis://") || redis.startsWith("rediss://"))) {
            throw new ConfigException("DOCPIPE_REDIS_URL must start with redis:// or rediss://");
        }
        String cacheKey = r.optional("DOCPIPE_STATUS_CACHE_KEY");
        if (cacheKey != null && cacheKey.length() < 32) {
            throw new ConfigException("DOCPIPE_STATUS_CACHE_KEY must have at least 32 characters");
        }
        return new Config(kind, table, dbUrl, dbSecret,
                r.integer("DOCPIPE_DATABASE_POOL_SIZE", 2, 1, 200),
                redis,
                r.choice("DOCPIPE_REDIS_MODE", RedisFastPath.Mode.STANDALONE),
                Duration.ofMillis(r.integer("DOCPIPE_REDIS_TIMEOUT_MS", 100, 1, 10_000)),
                cacheKey,
                Duration.ofDays(r.integer("DOCPIPE_RETENTION_DAYS", 30, 1, 3650)),
                Duration.ofSeconds(r.integer("DOCPIPE_DEDUP_TTL_SECONDS", 86_400, 1, 31_536_000)),
                Duration.ofSeconds(r.integer("DOCPIPE_STATUS_CACHE_TTL_SECONDS", 3_600, 1, 31_536_000)),
                r.optionalOr("DOCPIPE_BUCKET", "docpipe"),
                r.optionalOr("DOCPIPE_QUEUE_PREFIX", QueueNames.DEFAULT_PREFIX),
                r.integer("DOCPIPE_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024, 1, Integer.MAX_VALUE),
                r.integer("DOCPIPE_MAX_PAGES", 500, 1, 100_000),
                Duration.ofSeconds(r.integer("DOCPIPE_RENDER_TIMEOUT_SECONDS", 60, 1, 900)),
                Duration.ofSeconds(r.integer("DOCPIPE_QUEUED_TIMEOUT_SECONDS", 300, 1, 86_400)),
                Duration.ofSeconds(r.integer("DOCPIPE_STAGE_TIMEOUT_SECONDS", 900, 1, 86_400)),
                r.integer("DOCPIPE_MAX_REDRIVES", 3, 0, 100),
                defaultOptions(r.optional("DOCPIPE_DEFAULT_OPTIONS")));
    }

    private static Map<String, String> defaultOptions(String form) {
        try {
            return RenderOptions.parse(RenderOptions.fromForm(form)).toMap();
        } catch (DocpipeException e) {
            throw new ConfigException("DOCPIPE_DEFAULT_OPTIONS: " + e.getMessage());
        }
    }

    public QueueNames queueNames() {
        return new QueueNames(queuePrefix);
    }

    public Optional<String> redis() {
        return Optional.ofNullable(redisUrl);
    }

    /** The secret that signs cached jobs, if configured. */
    public Optional<byte[]> statusCacheKeyBytes() {
        return Optional.ofNullable(statusCacheKey).map(k -> k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Secrets (passwords in URLs) masked. */
    @Override
    public String toString() {
        return "Config[jobStore=" + jobStore.name().toLowerCase(Locale.ROOT)
                + ", jobsTable=" + jobsTable
                + ", databaseUrl=" + mask(databaseUrl)
                + ", databaseSecretArn=" + databaseSecretArn
                + ", databasePoolSize=" + databasePoolSize
                + ", redisUrl=" + mask(redisUrl)
                + ", redisMode=" + redisMode
                + ", redisTimeout=" + redisTimeout
                + ", statusCacheKey=" + (statusCacheKey == null ? null : "****")
                + ", retention=" + retention
                + ", dedupTtl=" + dedupTtl
                + ", statusCacheTtl=" + statusCacheTtl
                + ", bucket=" + bucket
                + ", queuePrefix=" + queuePrefix
                + ", maxDocumentBytes=" + maxDocumentBytes
                + ", maxPages=" + maxPages
                + ", renderTimeout=" + renderTimeout
                + ", queuedTimeout=" + queuedTimeout
                + ", stageTimeout=" + stageTimeout
                + ", maxRedrives=" + maxRedrives
                + ", defaultOptions=" + defaultOptions + "]";
    }

    static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = url.replaceAll("(?i)(password=)[^&]*", "$1****");
        int scheme = masked.indexOf("://");
        int at = masked.indexOf('@', Math.max(scheme, 0));
        if (scheme >= 0 && at > scheme) {
            String userInfo = masked.substring(scheme + 3, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                masked = masked.substring(0, scheme + 3) + userInfo.substring(0, colon) + ":****" + masked.substring(at);
            } else if (masked.startsWith("redis")) {
                masked = masked.substring(0, scheme + 3) + "****" + masked.substring(at);
            }
        }
        return masked;
    }

    /** Reads variables and fails naming the variable. */
    private record Reader(Map<String, String> env) {
        String optional(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        String optionalOr(String name, String fallback) {
            String v = optional(name);
            return v == null ? fallback : v;
        }

        String required(String name) {
            String v = optional(name);
            if (v == null) {
                throw new ConfigException(name + " is required but not set");
            }
            return v;
        }

        int integer(String name, int fallback, int min, int max) {
            String v = optional(name);
            if (v == null) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(v);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException(name + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
        }

        <E extends Enum<E>> E choice(String name, E fallback) {
            String v = optional(name);
            if (v == null) {
                return fallback;
            }
            for (E e : fallback.getDeclaringClass().getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            StringBuilder accepted = new StringBuilder();
            for (E e : fallback.getDeclaringClass().getEnumConstants()) {
                accepted.append(accepted.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
            }
            throw new ConfigException(name + " must be one of " + accepted + ", got '" + v + "'");
        }
    }

}
