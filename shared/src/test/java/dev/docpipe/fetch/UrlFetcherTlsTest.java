package dev.docpipe.fetch;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * https over a connection pinned to the checked address: a TLS server on 127.0.0.2 with a self-signed
 * certificate for {@code public.test} and IP 127.0.0.2, made once per run with the JDK's keytool.
 */
class UrlFetcherTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static Path dir;
    private static SSLContext serverContext;
    private static SSLSocketFactory trusting;
    private static LoopbackServer server;
    private static final List<List<SNIServerName>> sni = new CopyOnWriteArrayList<>();

    private TestNet.CountingResolver resolver;

    @BeforeAll
    static void makeCertificateAndServer() throws Exception {
        TestNet.assumePretendPublicWorks();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "keytool not found next to java");
        dir = Files.createTempDirectory("docpipe-tls-test");
        Path keystore = dir.resolve("server.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=public.test", "-ext", "SAN=dns:public.test,ip:127.0.0.2",
                "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test", keys.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        trusting = clientContext.getSocketFactory();

        SSLServerSocket socket = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket();
        socket.bind(new InetSocketAddress(TestNet.PRETEND_PUBLIC, 0));
        server = LoopbackServer.around(socket, (s, ignored) -> {
            SSLSocket tls = (SSLSocket) s;
            tls.startHandshake();
            sni.add(((ExtendedSSLSession) tls.getSession()).getRequestedServerNames());
            LoopbackServer.readHead(tls.getInputStream());
            tls.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nsecure"
                    .getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
        });
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @BeforeEach
    void resolver() {
        resolver = new TestNet.CountingResolver()
                .map("public.test", TestNet.PRETEND_PUBLIC)
                .map("other.test", TestNet.PRETEND_PUBLIC);
        sni.clear();
    }

    private UrlFetcher fetcher(SSLSocketFactory tls) {
        return new UrlFetcher(TestNet.policy(resolver, Set.of(server.port())), () -> tls);
    }

    @Test
    void https_verifiesTheCertificateAgainstTheHost_andSendsSni() {
        FetchedDocument doc = fetcher(trusting).fetch("https://public.test:" + server.port() + "/doc");

        assertThat(new String(doc.body(), StandardCharsets.US_ASCII)).isEqualTo("secure");
        assertThat(doc.finalUrl()).isEqualTo("https://public.test:" + server.port() + "/doc");
        assertThat(sni).containsExactly(List.of(new SNIHostName("public.test")));
        assertThat(resolver.calls()).isEqualTo(1);
    }

    @Test
    void https_toAnIpLiteral_checksTheIpInTheCertificate_andSendsNoSni() {
        FetchedDocument doc = fetcher(trusting).fetch("https://127.0.0.2:" + server.port() + "/");

        assertThat(doc.status()).isEqualTo(200);
        assertThat(sni).containsExactly(List.of());
        assertThat(resolver.calls()).isZero();
    }

    @Test
    void certificateForAnotherName_isRefused() {
        assertThatThrownBy(() -> fetcher(trusting).fetch("https://other.test:" + server.port() + "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                    assertThat(e.getMessage()).startsWith("TLS with other.test:" + server.port() + " failed")
                            .contains("other.test");
                });
    }

    @Test
    void selfSignedCertificate_isRefusedByTheDefaultTrust() {
        UrlFetcher production = new UrlFetcher(TestNet.policy(resolver, Set.of(server.port())));
        assertThatThrownBy(() -> production.fetch("https://public.test:" + server.port() + "/"))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                    assertThat(e.getMessage()).startsWith("TLS with public.test:" + server.port() + " failed");
                });
    }

    /**
     * A TLS record header promising 16 KiB, then one byte every 50 ms: every single read succeeds, so only
     * the total budget (the watchdog closing the socket) ends the handshake.
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void handshakeDrip_isCutOffByTheTotalBudget() throws IOException {
        LoopbackServer.Script drip = (socket, ignored) -> {
            InputStream in = socket.getInputStream();
            in.readNBytes(5); // the client's first record header: it has spoken
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
            for (int i = 0; i < 0x4000; i++) {
                out.write(0);
                out.flush();
                Thread.sleep(50);
            }
        };
        try (LoopbackServer dripping = LoopbackServer.around(bound(), drip)) {
            UrlFetcher f = new UrlFetcher(TestNet.policy(resolver, Set.of(dripping.port()), 1024,
                    Duration.ofMillis(700)), () -> trusting);
            long start = System.nanoTime();

            assertThatThrownBy(() -> f.fetch("https://public.test:" + dripping.port() + "/"))
                    .isInstanceOfSatisfying(FetchException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                        assertThat(e.getMessage()).contains("timed out after 700 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    private static ServerSocket bound() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(TestNet.PRETEND_PUBLIC, 0));
        return socket;
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void serverThatNeverCompletesTheHandshake_timesOutWithinTheBudget() throws IOException {
        try (LoopbackServer silent = LoopbackServer.start(TestNet.PRETEND_PUBLIC, 0, LoopbackServer.silent())) {
            UrlFetcher f = new UrlFetcher(TestNet.policy(resolver, Set.of(silent.port()), 1024,
                    Duration.ofMillis(600)), () -> trusting);
            long start = System.nanoTime();

            assertThatThrownBy(() -> f.fetch("https://public.test:" + silent.port() + "/"))
                    .isInstanceOfSatisfying(FetchException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FETCH_FAILED);
                        assertThat(e.getMessage()).contains("timed out after 600 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
