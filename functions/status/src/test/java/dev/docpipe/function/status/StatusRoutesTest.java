package dev.docpipe.function.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.QueueMonitor;
import dev.docpipe.port.StageLease;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The routes against in-memory fakes of the ports: the paths the end-to-end test cannot reach. */
class StatusRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final Map<JobId, Job> jobs = new HashMap<>();
    private final AtomicInteger storeReads = new AtomicInteger();
    private boolean storeDown;
    private boolean queuesDown;

    @Test
    void health_withTheStoreAndQueuesDown_is503NamingThem() {
        storeDown = true;
        queuesDown = true;

        ApiResponse r = call("GET", "/health", null, null);

        assertThat(r.status()).isEqualTo(503);
        JsonNode body = body(r);
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        assertThat(body.path("checks").path("store").asText()).isEqualTo("down");
        assertThat(body.path("checks").path("queues").asText()).isEqualTo("down");
        assertThat(body.path("checks").path("bucket").asText()).isEqualTo("ok");
        assertThat(body.path("checks").path("redis").asText()).isEqualTo("disabled");
        assertThat(r.body()).doesNotContain("Exception");
    }

    @Test
    void health_withoutRedisConfigured_isOk() {
        ApiResponse r = call("GET", "/health", null, null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void getJob_cachedButExpired_isNotFound_withoutReadingTheStore() {
        Job j = job("alice");
        Job expired = new Job(j.id(), j.owner(), j.source(), j.filename(), j.format(), j.priority(), j.options(),
                j.dedupKey(), JobStatus.COMPLETED, j.stage(), 100, 1, j.createdAt(), j.updatedAt(), j.timestamps(), null,
                null, NOW.minusSeconds(1));
        cache.put(expired.id(), expired);

        ApiResponse r = call("GET", "/jobs/{id}", expired.id().value(), "alice");

        assertThat(r.status()).isEqualTo(404);
        assertThat(storeReads).hasValue(0);
    }

    @Test
    void getJob_cachedOfAnotherOwner_isNotFound() {
        Job job = job("alice");
        cache.put(job.id(), job);

        assertThat(call("GET", "/jobs/{id}", job.id().value(), "bob").status()).isEqualTo(404);
        assertThat(call("GET", "/jobs/{id}", job.id().value(), "alice").status()).isEqualTo(200);
        assertThat(storeReads).hasValue(0);
    }

    @Test
    void getJob_whenTheStoreIsDown_is503WithoutInternalNames() {
        storeDown = true;

        ApiResponse r = call("GET", "/jobs/{id}", JobId.newId(NOW).value(), "alice");

        assertThat(r.status()).isEqualTo(503);
        assertThat(body(r).path("error").path("code").asText()).isEqualTo("store_unavailable");
    }

    @Test
    void otherMethods_are405_unknownRoutes_404() {
        assertThat(call("POST", "/stats", null, "alice").status()).isEqualTo(405);
        assertThat(call("GET", "/nothing", null, "alice").status()).isEqualTo(404);
        assertThat(call("GET", "/stats", null, null).status()).isEqualTo(403);
    }

    @Test
    void dashboardPage_needsNoKey_isHtml_underAStrictPolicyAllowingTheBucket() {
        ApiResponse r = call("GET", "/", null, null);

        assertThat(r.status()).isEqualTo(200);
        JsonNode headers = ApiGatewayEvents.toEvent(r, "req-1").path("headers");
        assertThat(headers.path("Content-Type").asText()).isEqualTo("text/html; charset=utf-8");
        assertThat(headers.path("X-Content-Type-Options").asText()).isEqualTo("nosniff");
        assertThat(headers.path("Content-Security-Policy").asText()).isEqualTo("default-src 'none'; script-src 'self'; "
                + "style-src 'self'; img-src 'self' data:; connect-src 'self' https://example.invalid; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(r.body()).contains("<script src=\"assets/app.js\" defer></script>")
                .contains("<link rel=\"stylesheet\" href=\"assets/app.css\">");
    }

    @Test
    void dashboardPage_hasNoInlineScriptStyleOrHandlers_thatThePolicyWouldBlock() {
        String page = call("GET", "/", null, null).body();

        assertThat(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        assertThat(page).doesNotContainPattern("<style[\\s>]");
        assertThat(page).doesNotContainPattern("\\sstyle=");
        assertThat(page).doesNotContainPattern("\\son[a-z]+=");
        assertThat(page).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void dashboardAssets_areServedWithTheirContentTypes_withoutAKey() {
        ApiResponse js = call("GET", "/assets/{file}", Map.of("file", "app.js"), "/assets/app.js", null);
        ApiResponse css = call("GET", "/assets/{file}", Map.of("file", "app.css"), "/assets/app.css", null);

        assertThat(js.status()).isEqualTo(200);
        assertThat(js.headers()).containsEntry("Content-Type", "text/javascript; charset=utf-8")
                .containsKey("Content-Security-Policy");
        assertThat(js.body()).contains("x-api-key").contains("sessionStorage");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers()).containsEntry("Content-Type", "text/css; charset=utf-8")
                .containsKey("Content-Security-Policy");
        assertThat(css.body()).contains(":focus-visible");
    }

    @Test
    void dashboardAsset_withoutAResource_isRoutedByItsPath() {
        ApiResponse css = call("GET", null, Map.of(), "/assets/app.css", null);

        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers()).containsEntry("Content-Type", "text/css; charset=utf-8");
    }

    @Test
    void dashboard_unknownAssets_are404_otherMethods405() {
        for (String name : List.of("nope.js", "index.html", "..%2Fapp.js", "APP.JS")) {
            ApiResponse r = call("GET", "/assets/{file}", Map.of("file", name), "/assets/" + name, null);
            assertThat(r.status()).as(name).isEqualTo(404);
            assertThat(body(r).path("error").path("code").asText()).isEqualTo("not_found");
            assertThat(r.headers()).doesNotContainKey("Content-Security-Policy");
        }
        assertThat(call("GET", null, Map.of(), "/assets/app.js/x", null).status()).isEqualTo(404);
        ApiResponse post = call("POST", "/", null, null);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET");
    }

    @Test
    void dashboardScript_usesOnlyElementIdsThePageHas() throws Exception {
        String page = call("GET", "/", null, null).body();
        String script = call("GET", "/assets/{file}", Map.of("file", "app.js"), "/assets/app.js", null).body();

        java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\\$\\('([\\w-]+)'\\)").matcher(script);
        List<String> used = new java.util.ArrayList<>();
        while (ids.find()) {
            used.add(ids.group(1));
        }
        assertThat(used).hasSizeGreaterThan(20);
        assertThat(used).allSatisfy(id -> assertThat(page).as(id).contains("id=\"" + id + "\""));
    }

    // --- fakes

    private final Map<JobId, Job> cache = new HashMap<>();

    private ApiResponse call(String method, String route, String id, String owner) {
        return call(method, route, id == null ? Map.of() : Map.of("id", id), route, owner);
    }

    private ApiResponse call(String method, String route, Map<String, String> pathParameters, String path, String owner) {
        Config config = Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t"));
        Components c = new Components(config, Clock.fixed(NOW, ZoneOffset.UTC), store(), fastPath(), blobs(), null);
        StatusRoutes routes = new StatusRoutes(new StatusService(c, monitor()));
        ApiRequest request = new ApiRequest(method, route, path, pathParameters, Map.of(), Map.of(), null, owner, "req-1");
        return ApiGatewayEvents.handle(request, routes);
    }

    private static JsonNode body(ApiResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Job job(String owner) {
        JobId id = JobId.newId(NOW);
        return Job.newQueued(id, owner, Source.s3("b", "uploads/x.html"), "x.html", null, Priority.DEFAULT, Map.of(),
                "v1:" + id.value(), NOW);
    }

    private QueueMonitor monitor() {
        return new QueueMonitor() {
            @Override
            public List<QueueLoad> loads() {
                probe();
                return List.of();
            }

            @Override
            public void probe() {
                if (queuesDown) {
                    throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "queue unavailable");
                }
            }
        };
    }

    private FastPath fastPath() {
        if (cache.isEmpty()) {
            return new NoFastPath();
        }
        NoFastPath none = new NoFastPath();
        return new FastPath() {
            public DedupClaim claimDedup(String dedupKey, JobId candidate, Duration ttl) {
                return none.claimDedup(dedupKey, candidate, ttl);
            }

            public void rememberDedup(String dedupKey, JobId id, Duration ttl) {
            }

            public void forgetDedup(String dedupKey) {
            }

            public Optional<Job> cachedJob(JobId id) {
                return Optional.ofNullable(cache.get(id));
            }

            public void cacheJob(Job job, Duration ttl) {
                cache.put(job.id(), job);
            }

            public void evictJob(JobId id) {
                cache.remove(id);
            }

            public Stats stats() {
                return new Stats(0, 0, 0);
            }
        };
    }

    private Blobs blobs() {
        return new Blobs() {
            public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
            }

            public Optional<Blob> get(BlobRef ref) {
                return Optional.empty();
            }

            public Optional<BlobInfo> head(BlobRef ref) {
                return Optional.empty();
            }

            public void delete(BlobRef ref) {
            }

            public List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit) {
                return List.of();
            }

            public URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata) {
                return URI.create("https://example.invalid/put");
            }

            public URI presignGet(BlobRef ref, Duration expiry) {
                return URI.create("https://example.invalid/get");
            }
        };
    }

    private JobStore store() {
        return new JobStore() {
            public CreateResult createIfAbsent(Job job) {
                throw new UnsupportedOperationException();
            }

            public Optional<Job> get(JobId id) {
                storeReads.incrementAndGet();
                if (storeDown) {
                    throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store unavailable");
                }
                return Optional.ofNullable(jobs.get(id));
            }

            public Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change) {
                throw new UnsupportedOperationException();
            }

            public Page<Job> listByOwner(String owner, JobQuery query) {
                return new Page<>(List.of(), null);
            }

            public List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit) {
                return List.of();
            }

            public Map<JobStatus, Long> countByStatus(String owner) {
                return Map.of();
            }

            public Job erase(JobId id, Instant at, Instant keepUntil) {
                throw new UnsupportedOperationException();
            }

            public boolean delete(JobId id) {
                return false;
            }

            public int deleteExpired(int limit) {
                return 0;
            }

            public boolean claimStage(JobId id, StageLease lease, Instant now) {
                throw new UnsupportedOperationException();
            }

            public void releaseStage(JobId id, String holder) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
