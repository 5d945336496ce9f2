package dev.docpipe.fetch;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP/1.1 the fetcher speaks and parses, against a scripted raw server on 127.0.0.2. */
class UrlFetcherProtocolTest {
    private static final int MAX_BYTES = 16 * 1024;

    private TestNet.CountingResolver resolver;

    @BeforeAll
    static void loopbackAliases() {
        TestNet.assumePretendPublicWorks();
    }

    @BeforeEach
    void resolver() {
        resolver = new TestNet.CountingResolver().map("public.test", TestNet.PRETEND_PUBLIC);
    }

    @Test
    void sendsAMinimalHttp11Request() throws IOException {
        try (LoopbackServer server = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) {
            fetch(server, "/a%20b/c?q=1&r=%C3%A9#frag");

            assertThat(server.requests()).containsExactly("GET /a%20b/c?q=1&r=%C3%A9 HTTP/1.1\r\n"
                    + "Host: public.test:" + server.port() + "\r\n"
                    + "User-Agent: docpipe/1 (+url fetcher)\r\n"
                    + "Accept: text/html, text/markdown, text/plain;q=0.9, */*;q=0.1\r\n"
                    + "Accept-Encoding: identity\r\n"
                    + "Connection: close\r\n"
                    + "\r\n");
        }
    }

    @Test
    void chunkedBody_withExtensionsAndTrailers() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n7\r\n, world\r\nA\r\n0123456789\r\n0\r\nX-Checksum: abc\r\n\r\n";
        try (LoopbackServer server = serve(response)) {
            assertThat(body(fetch(server, "/"))).isEqualTo("hello, world0123456789");
        }
    }

    @Test
    void bodyReadToClose_whenNoLengthIsGiven() throws IOException {
        try (LoopbackServer server = serve("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>until close</p>")) {
            FetchedDocument doc = fetch(server, "/");
            assertThat(body(doc)).isEqualTo("<p>until close</p>");
            assertThat(doc.charset()).isNull();
        }
    }

    @Test
    void bareLineFeeds_andInterimResponses_areAccepted() throws IOException {
        String response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\nLink: </s.css>\n\n"
                + "HTTP/1.1 200 OK\nContent-Length: 3\n\nyes";
        try (LoopbackServer server = serve(response)) {
            FetchedDocument doc = fetch(server, "/");
            assertThat(doc.status()).isEqualTo(200);
            assertThat(body(doc)).isEqualTo("yes");
        }
    }

    @Test
    void contentType_isSplitIntoMediaTypeAndCharset() throws IOException {
        try (LoopbackServer server = serve("HTTP/1.1 200 OK\r\nContent-Type: Text/HTML ; Charset=\"Shift_JIS\""
                + "\r\nContent-Length: 0\r\n\r\n")) {
            FetchedDocument doc = fetch(server, "/");
            assertThat(doc.contentType()).isEqualTo("text/html");
            assertThat(doc.charset()).isEqualTo("Shift_JIS");
        }
        try (LoopbackServer server = serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            FetchedDocument doc = fetch(server, "/");
            assertThat(doc.contentType()).isNull();
            assertThat(doc.charset()).isNull();
        }
    }

    @Test
    void gzipBody_isDecoded_evenThoughIdentityWasAsked() throws IOException {
        byte[] gz = gzip("<html>compressed</html>".getBytes(StandardCharsets.US_ASCII));
        try (LoopbackServer server = serveBytes(head("Content-Encoding: gzip\r\nContent-Length: " + gz.length), gz)) {
            assertThat(body(fetch(server, "/"))).isEqualTo("<html>compressed</html>");
        }
    }

    @Test
    void gzipBomb_isTooLarge() throws IOException {
        byte[] gz = gzip(new byte[MAX_BYTES * 50]);
        assertThat(gz.length).isLessThan(MAX_BYTES);
        try (LoopbackServer server = serveBytes(head("Content-Encoding: gzip\r\nContent-Length: " + gz.length), gz)) {
            assertCode(server, ErrorCode.TOO_LARGE, "larger than the limit");
        }
    }

    @Test
    void unsupportedCodings_fail() throws IOException {
        try (LoopbackServer server = serve("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx")) {
            assertCode(server, ErrorCode.FETCH_FAILED, "unsupported content-encoding 'br'");
        }
        try (LoopbackServer server = serve("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")) {
            assertCode(server, ErrorCode.FETCH_FAILED, "unsupported transfer-encoding 'gzip, chunked'");
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void declaredLengthOverTheLimit_isTooLarge_withoutWaitingForTheBody() throws IOException {
        LoopbackServer.Script promiseAndStall = (socket, request) -> {
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(10_000);
        };
        try (LoopbackServer server = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, promiseAndStall)) {
            long start = System.nanoTime();
            assertCode(server, ErrorCode.TOO_LARGE, "is 99999999999 bytes; the limit is " + MAX_BYTES + " bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void endlessBodies_stopAtTheLimit() throws IOException {
        LoopbackServer.Script endlessChunks = (socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("400\r\n" + "x".repeat(0x400) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(chunk);
            }
        };
        LoopbackServer.Script endlessStream = (socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(new byte[4096]);
            }
        };
        for (LoopbackServer.Script script : new LoopbackServer.Script[] {endlessChunks, endlessStream}) {
            try (LoopbackServer server = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, script)) {
                long start = System.nanoTime();
                assertCode(server, ErrorCode.TOO_LARGE, "larger than the limit of " + MAX_BYTES + " bytes");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void endlessHeaders_fail() throws IOException {
        LoopbackServer.Script endless = (socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        };
        try (LoopbackServer server = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, endless)) {
            assertCode(server, ErrorCode.FETCH_FAILED, "headers exceed 65536 bytes");
        }
    }

    @Test
    void malformedResponses_fail() throws IOException {
        String[][] cases = {
                {"SSH-2.0-OpenSSH_9.6\r\n", "bad status line 'SSH-2.0-OpenSSH_9.6'"},
                {"HTTP/2 200\r\n\r\n", "bad status line"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "got 5 of 10 bytes"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "conflicting Content-Length"},
                {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc", "chunked body ended early"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n", "chunk not followed by CRLF"},
                {"HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", "bad header line"},
                {"HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n", "folded header line"},
                {"HTTP/1.1 200 OK\r\nContent-Len", "headers ended early"},
                {"", "no response from public.test:"},
                {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "unrequested protocol switch"},
                {"HTTP/1.1 304 Not Modified\r\n\r\n", "unexpected HTTP 304 (not a redirect)"},
        };
        for (String[] c : cases) {
            try (LoopbackServer server = serve(c[0])) {
                assertCode(server, ErrorCode.FETCH_FAILED, c[1]);
            }
        }
    }

    @Test
    void redirectLocations_areResolvedLikeBrowsersDo() throws IOException {
        String[][] cases = {
                {"/dir/page?x=1", "?page=2", "/dir/page?page=2"},
                {"/dir/page", "other", "/dir/other"},
                {"/dir/page", "../up", "/up"},
                {"/dir/page", "/abs path/é", "/abs%20path/%C3%A9"},
                {"/dir/page?x=1", "other?y=2#frag", "/dir/other?y=2"},
                {"/dir/page", "HTTP://PUBLIC.TEST:{port}/Up?Q", "/Up?Q"},
        };
        for (String[] c : cases) {
            LoopbackServer.Script script = (socket, request) -> {
                String location = c[1].replace("{port}", String.valueOf(socket.getLocalPort()));
                String reply = request.startsWith("GET " + c[0] + " ")
                        ? "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
                socket.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
            };
            try (LoopbackServer server = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, script)) {
                FetchedDocument doc = fetch(server, c[0]);
                assertThat(doc.finalUrl()).as(c[1]).isEqualTo("http://public.test:" + server.port() + c[2]);
                assertThat(server.requests().get(1)).startsWith("GET " + c[2] + " HTTP/1.1\r\n");
            }
        }
    }

    @Test
    void eachHopUsesAFreshConnection() throws IOException {
        LoopbackServer.Script script = (socket, request) -> {
            String reply = request.startsWith("GET /first ")
                    ? "HTTP/1.1 301 Moved\r\nLocation: /second\r\nContent-Length: 5\r\n\r\nmoved"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone";
            socket.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
        };
        try (LoopbackServer server = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, script)) {
            assertThat(body(fetch(server, "/first"))).isEqualTo("done");
            assertThat(server.connections()).isEqualTo(2);
            assertThat(resolver.calls()).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private FetchedDocument fetch(LoopbackServer server, String pathAndMore) {
        return fetcher(server).fetch("http://public.test:" + server.port() + pathAndMore);
    }

    private UrlFetcher fetcher(LoopbackServer server) {
        return new UrlFetcher(TestNet.policy(resolver, Set.of(server.port()), MAX_BYTES, Duration.ofSeconds(5)));
    }

    private void assertCode(LoopbackServer server, ErrorCode code, String message) {
        assertThatThrownBy(() -> fetch(server, "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private static LoopbackServer serve(String raw) throws IOException {
        return LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, LoopbackServer.reply(raw));
    }

    private static LoopbackServer serveBytes(String head, byte[] body) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(body);
        return LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, LoopbackServer.reply(all.toByteArray()));
    }

    private static String head(String headers) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + headers + "\r\n\r\n";
    }

    private static String body(FetchedDocument doc) {
        return new String(doc.body(), StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
