package dev.docpipe.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * End to end over loopback: an HttpServer on 127.0.0.2 (public.test, allowed by the test policy) and a
 * trap on 127.0.0.1 at the same port (refused, as in production). Redirects, limits, timeouts and
 * DNS rebinding.
 */
class UrlFetcherTest {
    private static final int MAX_BYTES = 64 * 1024;
    private static final byte[] HTML = "<html><body><p>café</p></body></html>".getBytes(StandardCharsets.ISO_8859_1);

    private static HttpServer server;
    private static LoopbackServer trap;
    private static int port;
    private static final List<String> served = new CopyOnWriteArrayList<>();
    private static final List<InetAddress> servedOn = new CopyOnWriteArrayList<>();

    private TestNet.CountingResolver resolver;
    private UrlFetcher fetcher;

    @BeforeAll
    static void startServers() throws IOException {
        TestNet.assumePretendPublicWorks();
        for (int attempt = 0; trap == null; attempt++) {
            server = HttpServer.create(new InetSocketAddress(TestNet.PRETEND_PUBLIC, 0), 0);
            port = server.getAddress().getPort();
            try {
                trap = TestNet.trapOnLoopback(port);
            } catch (IOException taken) {
                server.stop(0);
                if (attempt == 20) {
                    throw taken;
                }
            }
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r)));
        server.createContext("/", UrlFetcherTest::handle);
        server.start();
    }

    @AfterAll
    static void stopServers() throws IOException {
        server.stop(0);
        trap.close();
    }

    @BeforeEach
    void fetcher() {
        resolver = new TestNet.CountingResolver()
                .map("public.test", TestNet.PRETEND_PUBLIC)
                .map("other.test", TestNet.PRETEND_PUBLIC)
                .map("sneaky.test", TestNet.LOOPBACK);
        fetcher = new UrlFetcher(TestNet.policy(resolver, Set.of(port), MAX_BYTES, Duration.ofSeconds(5)));
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        served.add(path);
        servedOn.add(exchange.getLocalAddress().getAddress());
        String here = "http://public.test:" + port;
        try (exchange) {
            if (path.equals("/doc")) {
                send(exchange, 200, "text/html; charset=ISO-8859-1", HTML);
            } else if (path.equals("/plain")) {
                send(exchange, 200, "text/plain", "plain".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/redirect-to-loopback")) {
                redirect(exchange, 302, "http://127.0.0.1:" + port + "/");
            } else if (path.equals("/redirect-to-localhost")) {
                redirect(exchange, 302, "http://localhost:" + port + "/");
            } else if (path.equals("/redirect-to-sneaky")) {
                redirect(exchange, 307, "http://sneaky.test:" + port + "/doc");
            } else if (path.equals("/redirect-to-metadata-notation")) {
                redirect(exchange, 301, "http://0xa9fea9fe:" + port + "/latest/meta-data/");
            } else if (path.equals("/redirect-to-file")) {
                redirect(exchange, 302, "file:///etc/passwd");
            } else if (path.equals("/redirect-to-bad-port")) {
                redirect(exchange, 302, "http://public.test:22/");
            } else if (path.equals("/redirect-to-userinfo")) {
                redirect(exchange, 302, "http://user:pass@public.test:" + port + "/doc");
            } else if (path.equals("/redirect-relative")) {
                redirect(exchange, 302, "doc");
            } else if (path.equals("/redirect-other-host")) {
                redirect(exchange, 308, "//other.test:" + port + "/doc");
            } else if (path.equals("/redirect-rebind")) {
                redirect(exchange, 302, "http://rebind.test:" + port + "/doc");
            } else if (path.equals("/redirect-no-location")) {
                exchange.sendResponseHeaders(302, -1);
            } else if (path.equals("/self")) {
                redirect(exchange, 302, here + "/self");
            } else if (path.startsWith("/chain/")) {
                int left = Integer.parseInt(path.substring("/chain/".length()));
                int[] codes = {301, 302, 303, 307, 308};
                if (left == 0) {
                    send(exchange, 200, "text/html", HTML);
                } else {
                    redirect(exchange, codes[left % codes.length], "/chain/" + (left - 1));
                }
            } else if (path.equals("/big")) {
                send(exchange, 200, "text/plain", new byte[MAX_BYTES + 1]);
            } else if (path.equals("/exactly-max")) {
                send(exchange, 200, "text/plain", new byte[MAX_BYTES]);
            } else if (path.equals("/big-chunked")) {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                byte[] piece = new byte[1000];
                for (int i = 0; i < 10 * MAX_BYTES / piece.length; i++) {
                    out.write(piece);
                }
            } else if (path.equals("/chunked")) {
                exchange.getResponseHeaders().set("Content-Type", "text/markdown; charset=\"utf-8\"");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (String piece : List.of("# Title\n", "\n", "para", "graph ", "é\n")) {
                    out.write(piece.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } else if (path.equals("/missing")) {
                send(exchange, 404, "text/html", "<h1>not here</h1>".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/unavailable")) {
                send(exchange, 503, "text/plain", "later".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/no-content")) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                send(exchange, 500, "text/plain", "unknown test path".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    private String url(String path) {
        return "http://public.test:" + port + path;
    }

    @Test
    void fetchesADocument() {
        FetchedDocument doc = fetcher.fetch(url("/doc"));

        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.contentType()).isEqualTo("text/html");
        assertThat(doc.charset()).isEqualTo("ISO-8859-1");
        assertThat(doc.body()).isEqualTo(HTML);
        assertThat(doc.finalUrl()).isEqualTo(url("/doc"));
        assertThat(doc.redirectChain()).isEmpty();
        assertThat(resolver.hosts()).containsExactly("public.test");
    }

    @Test
    void post_sendsBodyAndHeaders_toTheCheckedAddress() {
        served.clear();
        servedOn.clear();
        int status = fetcher.post(url("/doc"), Map.of("docpipe-signature", "t=1,v1=ab"), "application/json",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(200);
        assertThat(served).containsExactly("/doc");
        assertThat(servedOn).containsExactly(TestNet.PRETEND_PUBLIC);
    }

    @Test
    void post_neverFollowsARedirect_itIsTheAnswer() {
        served.clear();
        servedOn.clear();
        assertThat(fetcher.post(url("/redirect-to-loopback"), Map.of(), "application/json", new byte[0])).isEqualTo(302);
        assertThat(fetcher.post(url("/redirect-relative"), Map.of(), "application/json", new byte[0])).isEqualTo(302);
        assertThat(served).containsExactly("/redirect-to-loopback", "/redirect-relative");
        assertThat(trap.connections()).isZero();
    }

    @Test
    void post_toANameResolvingToLoopback_isRefusedBeforeAnyConnection() {
        served.clear();
        servedOn.clear();
        assertThatThrownBy(() -> fetcher.post("http://sneaky.test:" + port + "/doc", Map.of(), "application/json",
                new byte[0])).isInstanceOf(FetchException.class)
                .satisfies(e -> assertThat(((FetchException) e).code()).isEqualTo(ErrorCode.FETCH_BLOCKED));
        assertThat(trap.connections()).isZero();
        assertThat(served).isEmpty();
    }

    @Test
    void post_refusesHeaderValuesThatCouldSplitTheRequest() {
        served.clear();
        servedOn.clear();
        assertThatThrownBy(() -> fetcher.post(url("/doc"), Map.of("x-a", "v\r\nInjected: 1"), "application/json",
                new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(served).isEmpty();
    }

    @Test
    void redirectToLoopback_isRefused_andLoopbackSeesNothing() {
        assertBlocked(url("/redirect-to-loopback"), "address 127.0.0.1 is loopback");
        assertThat(trap.connections()).isZero();
    }

    @Test
    void redirectToLocalhost_isRefused() {
        assertBlocked(url("/redirect-to-localhost"), "host localhost is reserved for loopback");
        assertThat(trap.connections()).isZero();
    }

    @Test
    void redirectToAHostThatResolvesToLoopback_isRefused() {
        assertThatThrownBy(() -> fetcher.fetch(url("/redirect-to-sneaky")))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).endsWith("refused: the URL's host is not allowed")
                            .doesNotContain("loopback").doesNotContain("non-public");
                });
        assertThat(trap.connections()).isZero();
        assertThat(resolver.hosts()).containsExactly("public.test", "sneaky.test");
    }

    @Test
    void redirectRefusal_namesBothEnds() {
        assertThatThrownBy(() -> fetcher.fetch(url("/redirect-to-metadata-notation")))
                .hasMessageStartingWith("redirect from " + url("/redirect-to-metadata-notation")
                        + " to http://0xa9fea9fe:")
                .hasMessageEndingWith("refused: address 169.254.169.254 is the cloud metadata service"
                        + " (169.254.169.254)");
    }

    @Test
    void redirectToAnotherScheme_orPort_orUserInfo_isRefused() {
        assertBlocked(url("/redirect-to-file"), "scheme 'file' is not allowed");
        assertBlocked(url("/redirect-to-bad-port"), "port 22 is not allowed");
        assertBlocked(url("/redirect-to-userinfo"), "contains user info");
    }

    @Test
    void followsRelativeAndSchemeRelativeRedirects() {
        FetchedDocument relative = fetcher.fetch(url("/redirect-relative"));
        assertThat(relative.finalUrl()).isEqualTo(url("/doc"));
        assertThat(relative.redirectChain()).containsExactly(url("/redirect-relative"));

        FetchedDocument otherHost = fetcher.fetch(url("/redirect-other-host"));
        assertThat(otherHost.finalUrl()).isEqualTo("http://other.test:" + port + "/doc");
        assertThat(otherHost.body()).isEqualTo(HTML);
    }

    @Test
    void fiveRedirects_areFollowed() {
        FetchedDocument doc = fetcher.fetch(url("/chain/5"));

        assertThat(doc.finalUrl()).isEqualTo(url("/chain/0"));
        assertThat(doc.redirectChain()).containsExactly(url("/chain/5"), url("/chain/4"), url("/chain/3"),
                url("/chain/2"), url("/chain/1"));
        assertThat(resolver.calls()).as("one lookup per hop").isEqualTo(6);
    }

    @Test
    void sixRedirects_areTooMany() {
        assertBlocked(url("/chain/6"), "too many redirects: more than 5");
        assertThat(served).doesNotContain("/chain/0");
    }

    @Test
    void redirectLoop_isTooMany() {
        assertBlocked(url("/self"), "too many redirects");
    }

    @Test
    void redirectWithoutLocation_fails() {
        assertFailed(url("/redirect-no-location"), "HTTP 302 from " + url("/redirect-no-location")
                + " has no Location header");
    }

    @Test
    void bodyOverTheLimit_isTooLarge() {
        assertCode(url("/big"), ErrorCode.TOO_LARGE, "the limit is " + MAX_BYTES + " bytes");
        assertCode(url("/big-chunked"), ErrorCode.TOO_LARGE, "larger than the limit of " + MAX_BYTES + " bytes");
        assertThat(fetcher.fetch(url("/exactly-max")).body()).hasSize(MAX_BYTES);
    }

    @Test
    void chunkedResponse_isReassembled() {
        FetchedDocument doc = fetcher.fetch(url("/chunked"));

        assertThat(new String(doc.body(), StandardCharsets.UTF_8)).isEqualTo("# Title\n\nparagraph é\n");
        assertThat(doc.contentType()).isEqualTo("text/markdown");
        assertThat(doc.charset()).isEqualTo("utf-8");
    }

    @Test
    void errorStatus_failsWithTheStatus_a4xxForGood_a5xxForNow() {
        assertFailed(url("/missing"), "HTTP 404 from " + url("/missing"));
        assertFailed(url("/unavailable"), "HTTP 503");
        assertThatThrownBy(() -> fetcher.fetch(url("/missing")))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.isTransient()).isFalse());
        assertThatThrownBy(() -> fetcher.fetch(url("/unavailable")))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.isTransient()).isTrue());
    }

    @Test
    void noContent_isAnEmptyDocument() {
        FetchedDocument doc = fetcher.fetch(url("/no-content"));
        assertThat(doc.status()).isEqualTo(204);
        assertThat(doc.body()).isEmpty();
    }

    @Test
    void unknownHost_failsForGood() {
        assertFailed("http://nowhere.test:" + port + "/", "host nowhere.test not found");
        assertThatThrownBy(() -> fetcher.fetch("http://nowhere.test:" + port + "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.isTransient()).isFalse());
    }

    @Test
    void connectionRefused_fails() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(TestNet.PRETEND_PUBLIC, 0));
            closedPort = s.getLocalPort();
        }
        UrlFetcher f = new UrlFetcher(TestNet.policy(resolver, Set.of(closedPort)));
        assertThatThrownBy(() -> f.fetch("http://public.test:" + closedPort + "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                    assertThat(e.getMessage()).startsWith("could not connect to public.test:" + closedPort);
                });
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void serverThatNeverAnswers_failsWithinTheBudget() throws IOException {
        try (LoopbackServer silent = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, LoopbackServer.silent())) {
            UrlFetcher f = new UrlFetcher(TestNet.policy(resolver, Set.of(silent.port()), MAX_BYTES,
                    Duration.ofMillis(600)));
            long start = System.nanoTime();

            assertThatThrownBy(() -> f.fetch("http://public.test:" + silent.port() + "/"))
                    .isInstanceOfSatisfying(FetchException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                        assertThat(e.getMessage()).contains("timed out after 600 ms");
                    });

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(550),
                    Duration.ofSeconds(3));
            assertThat(silent.connections()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void slowDripBody_isCutOffByTheTotalBudget_notJustPerRead() throws IOException {
        LoopbackServer.Script drip = (socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(50);
            }
        };
        try (LoopbackServer slow = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, drip)) {
            UrlFetcher f = new UrlFetcher(TestNet.policy(resolver, Set.of(slow.port()), MAX_BYTES,
                    Duration.ofMillis(700)));
            long start = System.nanoTime();

            assertThatThrownBy(() -> f.fetch("http://public.test:" + slow.port() + "/"))
                    .isInstanceOfSatisfying(FetchException.class,
                            e -> assertThat(e.getMessage()).contains("timed out after 700 ms"));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void slowDns_isCutOffByTheTotalBudget() {
        HostResolver hanging = host -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        };
        UrlFetcher f = new UrlFetcher(TestNet.policy(hanging, Set.of(port), MAX_BYTES, Duration.ofMillis(500)));
        long start = System.nanoTime();

        assertFailed(f, "http://public.test:" + port + "/doc", "DNS lookup of public.test timed out");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    /**
     * A rebinding resolver: 127.0.0.2 on the first call, 127.0.0.1 afterwards. One lookup per hop, and the
     * connection goes to the address that was checked, never to a fresh answer.
     */
    @Test
    void dnsRebinding_oneLookupPerHop_andTheCheckedAddressIsTheOneConnected() {
        TestNet.CountingResolver rebinding = new TestNet.CountingResolver()
                .answer("rebind.test", call -> List.of(call == 1 ? TestNet.PRETEND_PUBLIC : TestNet.LOOPBACK));
        UrlFetcher f = new UrlFetcher(TestNet.policy(rebinding, Set.of(port)));
        served.clear();
        servedOn.clear();

        FetchedDocument doc = f.fetch("http://rebind.test:" + port + "/doc");

        assertThat(doc.body()).isEqualTo(HTML);
        assertThat(rebinding.calls()).isEqualTo(1);
        assertThat(servedOn).containsExactly(TestNet.PRETEND_PUBLIC);
        assertThat(trap.connections()).isZero();
    }

    @Test
    void dnsRebinding_isCaughtOnTheNextHop() {
        TestNet.CountingResolver rebinding = new TestNet.CountingResolver()
                .map("public.test", TestNet.PRETEND_PUBLIC)
                .answer("rebind.test", call -> List.of(call == 1 ? TestNet.PRETEND_PUBLIC : TestNet.LOOPBACK));
        UrlFetcher f = new UrlFetcher(TestNet.policy(rebinding, Set.of(port)));

        // First hop: rebind.test -> 127.0.0.2 (checked, connected); its redirect names rebind.test again,
        // which now answers 127.0.0.1: refused before connecting.
        assertThatThrownBy(() -> f.fetch("http://rebind.test:" + port + "/redirect-rebind"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).endsWith("refused: the URL's host is not allowed");
                });
        assertThat(rebinding.hosts()).containsExactly("rebind.test", "rebind.test");
        assertThat(trap.connections()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/doc#section", "/doc?#", "/doc"})
    void fragmentIsNeverSent(String path) {
        served.clear();
        fetcher.fetch(url(path));
        assertThat(served).containsExactly("/doc");
    }

    @Test
    void bodyIsNotEchoedInToString() {
        FetchedDocument doc = fetcher.fetch(url("/doc"));
        assertThat(doc.toString()).contains("bytes=" + HTML.length).doesNotContain("café");
        assertThat(Arrays.equals(doc.body(), HTML)).isTrue();
    }

    private void assertBlocked(String url, String message) {
        assertCode(url, ErrorCode.FETCH_BLOCKED, message);
    }

    private void assertFailed(String url, String message) {
        assertFailed(fetcher, url, message);
    }

    private static void assertFailed(UrlFetcher f, String url, String message) {
        assertThatThrownBy(() -> f.fetch(url))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private void assertCode(String url, ErrorCode code, String message) {
        assertThatThrownBy(() -> fetcher.fetch(url))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
