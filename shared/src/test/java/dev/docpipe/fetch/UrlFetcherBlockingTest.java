package dev.docpipe.fetch;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Refused URLs never connect. Traps listen on 127.0.0.1:P and [::1]:P, where each refused URL would have
 * gone; 127.0.0.2:P plays a public server and shows the same setup does connect when allowed.
 */
class UrlFetcherBlockingTest {
    private static LoopbackServer publicServer;
    private static LoopbackServer loopbackTrap;
    private static LoopbackServer ipv6Trap;
    private static int port;

    private TestNet.CountingResolver resolver;
    private UrlFetcher fetcher;

    @BeforeAll
    static void startServers() throws IOException {
        TestNet.assumePretendPublicWorks();
        for (int attempt = 0; loopbackTrap == null; attempt++) {
            publicServer = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, LoopbackServer.reply(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"));
            port = publicServer.port();
            try {
                loopbackTrap = TestNet.trapOnLoopback(port);
            } catch (IOException taken) {
                publicServer.close();
                if (attempt == 20) {
                    throw taken;
                }
            }
        }
        try {
            ipv6Trap = LoopbackServer.start(InetAddress.getByName("::1"), port, LoopbackServer.reply(
                    "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nreached"));
        } catch (IOException noIpv6OrTaken) {
            ipv6Trap = null; // the [::1] case is still refused, just without a trap to prove it
        }
    }

    @AfterAll
    static void stopServers() throws IOException {
        publicServer.close();
        loopbackTrap.close();
        if (ipv6Trap != null) {
            ipv6Trap.close();
        }
    }

    @BeforeEach
    void fetcher() {
        resolver = new TestNet.CountingResolver()
                .map("public.test", TestNet.PRETEND_PUBLIC)
                .map("localhost", TestNet.LOOPBACK)
                .map("loopback.test", TestNet.LOOPBACK)
                .map("mixed.test", TestNet.PRETEND_PUBLIC, TestNet.LOOPBACK);
        fetcher = new UrlFetcher(TestNet.policy(resolver, Set.of(80, port)));
    }

    @Test
    void control_thePretendPublicServerIsReachable() {
        FetchedDocument doc = fetcher.fetch("http://public.test:" + port + "/");
        assertThat(new String(doc.body())).isEqualTo("ok");
        assertThat(publicServer.connections()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1:{port}/                 | address 127.0.0.1 is loopback (127.0.0.0/8)
            http://2130706433:{port}/                | address 127.0.0.1 is loopback
            http://0x7f.1:{port}/                    | address 127.0.0.1 is loopback
            http://127.1:{port}/                     | address 127.0.0.1 is loopback
            http://0177.0.0.1:{port}/                | address 127.0.0.1 is loopback
            http://127.0.0.1.:{port}/                | address 127.0.0.1 is loopback
            http://[::ffff:127.0.0.1]:{port}/        | address 127.0.0.1 is loopback
            http://[::ffff:7f00:1]:{port}/           | address 127.0.0.1 is loopback
            http://[::127.0.0.1]:{port}/             | IPv4-compatible form of 127.0.0.1, which is loopback
            http://[::1]:{port}/                     | address ::1 is loopback
            http://0.0.0.0:{port}/                   | address 0.0.0.0 is 'this network'
            http://0:{port}/                         | address 0.0.0.0 is 'this network'
            http://localhost:{port}/                 | host localhost is reserved for loopback
            http://loopback.test:{port}/             | the URL's host is not allowed
            http://mixed.test:{port}/                | the URL's host is not allowed
            http://user:pass@public.test:{port}/     | contains user info
            http://user:pass@127.0.0.1:{port}/       | contains user info
            ftp://public.test:{port}/                | scheme 'ftp' is not allowed
            gopher://public.test:{port}/_GET%20/     | scheme 'gopher' is not allowed
            https://public.test:1/                   | port 1 is not allowed
            """)
    void refusesWithoutConnecting(String template, String message) {
        String url = template.replace("{port}", String.valueOf(port));
        int before = publicServer.connections();

        assertBlocked(url, message);

        assertThat(loopbackTrap.connections()).as("connections to 127.0.0.1").isZero();
        if (ipv6Trap != null) {
            assertThat(ipv6Trap.connections()).as("connections to [::1]").isZero();
        }
        assertThat(publicServer.connections()).as("connections to 127.0.0.2").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback.test", "mixed.test"})
    void aNameThatResolvesToANonPublicAddress_isOnlyNotAllowed_neverTheAddressClass(String host) {
        assertThatThrownBy(() -> fetcher.fetch("http://" + host + ":" + port + "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).isEqualTo("the URL's host is not allowed");
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void refusesUserInfoAndOtherSchemes_beforeAnyLookup() {
        assertBlocked("http://user:pass@public.test:" + port + "/", "user info");
        assertBlocked("ftp://public.test:" + port + "/", "scheme");
        assertBlocked("gopher://public.test:" + port + "/", "scheme");
        assertBlocked("file:///etc/passwd", "scheme 'file' is not allowed");
        assertBlocked("http://localhost/", "reserved for loopback");
        assertThat(resolver.calls()).isZero();
    }

    /** Literals are checked as the address they denote and never go to the resolver. */
    @Test
    void literalsAreNeverResolved() {
        assertBlocked("http://2130706433:" + port + "/", "loopback");
        assertBlocked("http://[::1]:" + port + "/", "loopback");
        assertThat(resolver.calls()).isZero();
    }

    /**
     * The production policy on the URLs of the brief. None of these may connect anywhere: a refusal comes
     * before any socket is opened (and the literal forms before any lookup).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1/                         | address 127.0.0.1 is loopback
            http://[::1]/                             | address ::1 is loopback
            http://[::ffff:127.0.0.1]/                | address 127.0.0.1 is loopback
            http://169.254.169.254/latest/meta-data/  | address 169.254.169.254 is the cloud metadata service
            http://[fd00:ec2::254]/latest/meta-data/  | address fd00:ec2::254 is unique local
            http://10.0.0.1/                          | address 10.0.0.1 is private
            http://2130706433/                        | address 127.0.0.1 is loopback
            http://0x7f.1/                            | address 127.0.0.1 is loopback
            http://127.1/                             | address 127.0.0.1 is loopback
            file:///etc/passwd                        | scheme 'file' is not allowed
            ftp://example.com/                        | scheme 'ftp' is not allowed
            gopher://example.com/                     | scheme 'gopher' is not allowed
            http://user:pass@example.com/             | contains user info
            http://localhost/                         | host localhost is reserved for loopback
            """)
    void productionPolicyRefuses(String url, String message) {
        UrlFetcher production = new UrlFetcher(FetchPolicy.publicInternetOnly());
        assertThatThrownBy(() -> production.fetch(url))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private void assertBlocked(String url, String message) {
        assertThatThrownBy(() -> fetcher.fetch(url))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
