package dev.docpipe.local;

import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.function.deadletter.DeadLetterHandler;
import dev.docpipe.function.ingest.IngestHandler;
import dev.docpipe.function.parse.ParseHandler;
import dev.docpipe.function.render.RenderHandler;
import dev.docpipe.function.render.RenderService;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.store.StoreHandler;
import dev.docpipe.function.sweeper.SweeperHandler;
import dev.docpipe.function.webhook.WebhookHandler;
import dev.docpipe.function.webhook.WebhookService;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageQueues;
import dev.docpipe.port.WebhookQueue;
import dev.docpipe.port.Webhooks;
import dev.docpipe.webhook.WebhookPolicy;
import dev.docpipe.webhook.WebhookRecords;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each function's SnapStart hook runs before a snapshot reads and never writes: the job store
 * answers only {@code get} (nothing found), the bucket only {@code get}/{@code head}/{@code list}
 * (nothing there), and a queue, a webhook or any other call fails the test. Every call is recorded,
 * so a hook that stops reading at all fails too.
 */
class SnapStartPrimingTest {
    private static final Set<String> STORE_READS = Set.of("get");
    private static final Set<String> BUCKET_READS = Set.of("get", "head", "list");

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> forbidden = Collections.synchronizedList(new ArrayList<>());

    private <T> T recording(Class<T> type, Set<String> allowed) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, m, a) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? type.getSimpleName() : m.invoke(this, a);
            }
            String call = type.getSimpleName() + "." + m.getName();
            calls.add(call);
            if (!allowed.contains(m.getName())) {
                forbidden.add(call);
                throw new AssertionError(call + " must not be called while priming");
            }
            return m.getReturnType() == Optional.class ? Optional.empty()
                    : m.getReturnType() == List.class ? List.of() : null;
        }));
    }

    private Components quiet() {
        Config config = Config.from(Map.of("DOCPIPE_JOBS_TABLE", "jobs", "DOCPIPE_BUCKET", "docpipe"));
        return SnapStartPriming.quiet(new Components(config, Clock.systemUTC(), recording(JobStore.class, STORE_READS),
                new NoFastPath(), recording(Blobs.class, BUCKET_READS), recording(StageQueues.class, Set.of()),
                Metrics.none(), recording(Webhooks.class, Set.of())));
    }

    @Test
    void parse_readsTheStoreOnce_andConvertsWithoutIo() {
        ParseHandler.prime(quiet());

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get");
    }

    @Test
    void render_rendersAndReadsTheStoreOnce() {
        Components c = quiet();
        RenderService service = new RenderService(c.blobs(), new WorkKeys(c.config().bucket()),
                new PdfRenderer(new RenderLimits(c.config().maxPages(), c.config().renderTimeout())));

        RenderHandler.prime(c, service);

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get");
    }

    @Test
    void store_readsAJobAndAPdfThatAreNotThere() {
        StoreHandler.prime(quiet());

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get", "Blobs.head");
    }

    @Test
    void deadletter_readsTheStoreOnce() {
        DeadLetterHandler.prime(quiet());

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get");
    }

    @Test
    void ingest_handlesS3sTestEvent_andOnlyReads() {
        IngestHandler.prime(quiet());

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get", "Blobs.head");
    }

    @Test
    void sweeper_onlyReads_neverSweeps() {
        SweeperHandler.prime(quiet());

        assertThat(forbidden).isEmpty();
        assertThat(calls).containsExactly("JobStore.get", "Blobs.list");
    }

    @Test
    void webhook_readsAbsentRecords_andSendsNothing() {
        WebhookService service = new WebhookService(new WebhookRecords(recording(Blobs.class, BUCKET_READS), "docpipe"),
                recording(WebhookQueue.class, Set.of()), new UrlFetcher(FetchPolicy.publicInternetOnly()),
                WebhookPolicy.from(Map.of()), Clock.systemUTC(), Metrics.none());

        WebhookHandler.prime(service);

        assertThat(forbidden).isEmpty();
        assertThat(calls).isNotEmpty().allMatch(call -> call.equals("Blobs.get"));
    }

    @Test
    void aFailingHook_isLogged_notThrown() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        var resource = SnapStartPriming.register("test", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("store unreachable");
        });

        resource.beforeCheckpoint(null);

        assertThat(runs).hasValue(1);
    }

}
