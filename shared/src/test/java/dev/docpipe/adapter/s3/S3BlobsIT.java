package dev.docpipe.adapter.s3;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs.Blob;
import dev.docpipe.port.Blobs.BlobInfo;
import dev.docpipe.standins.s3.S3StandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link S3Blobs} over the S3 protocol, against the s3proxy stand-in (signed requests, presigned URLs). */
class S3BlobsIT {
    private static final String BUCKET = "docpipe-blobs-it";
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static S3StandIn server;
    private static S3Client s3;
    private static S3Presigner presigner;
    private static S3Blobs blobs;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = S3StandIn.shared();
        server.createBucket(BUCKET);
        s3 = server.newClient();
        presigner = server.newPresigner();
        blobs = new S3Blobs(s3, presigner);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        presigner.close();
        s3.close();
    }

    @Test
    void put_thenGetAndHead_returnBytesSizeUnquotedMd5EtagContentTypeAndMetadata() {
        BlobRef ref = ref("docs/report.html");
        byte[] bytes = "<h1>report</h1>".getBytes(StandardCharsets.UTF_8);
        Instant before = Instant.now().minusSeconds(5);

        // s3proxy (Jetty) drops the blank in "text/html; charset=utf-8"; S3 keeps the header verbatim.
        blobs.put(ref, bytes, "text/html;charset=utf-8", Map.of("owner", "key-1", "priority", "high"));

        Blob blob = blobs.get(ref).orElseThrow();
        assertThat(blob.bytes()).isEqualTo(bytes);
        assertInfo(blob.info(), ref, bytes);
        BlobInfo head = blobs.head(ref).orElseThrow();
        assertInfo(head, ref, bytes);
        assertThat(head.lastModified()).isAfter(before);
    }

    private static void assertInfo(BlobInfo info, BlobRef ref, byte[] bytes) {
        assertThat(info.ref()).isEqualTo(ref);
        assertThat(info.size()).isEqualTo(bytes.length);
        assertThat(info.etag()).isEqualTo(md5Hex(bytes)).doesNotContain("\"");
        assertThat(info.contentType()).isEqualTo("text/html;charset=utf-8");
        assertThat(info.metadata()).isEqualTo(Map.of("owner", "key-1", "priority", "high"));
    }

    @Test
    void put_overwrites() {
        BlobRef ref = ref("docs/twice.txt");
        blobs.put(ref, bytes("first"), "text/plain", Map.of("v", "1"));

        blobs.put(ref, bytes("second"), "text/plain", Map.of());

        Blob blob = blobs.get(ref).orElseThrow();
        assertThat(blob.bytes()).isEqualTo(bytes("second"));
        assertThat(blob.info().metadata()).isEmpty();
    }

    @Test
    void emptyObject_roundTrips() {
        BlobRef ref = ref("docs/empty.bin");

        blobs.put(ref, new byte[0], "application/octet-stream", null);

        assertThat(blobs.get(ref).orElseThrow().bytes()).isEmpty();
        assertThat(blobs.head(ref).orElseThrow().etag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void missingObject_isEmpty_forGetAndHead() {
        BlobRef ref = ref("docs/never-written.txt");

        assertThat(blobs.get(ref)).isEmpty();
        assertThat(blobs.head(ref)).isEmpty();
    }

    @Test
    void delete_removesTheObject_andDeletingAMissingObjectIsFine() {
        BlobRef ref = ref("docs/doomed.txt");
        blobs.put(ref, bytes("bye"), "text/plain", Map.of());

        blobs.delete(ref);
        blobs.delete(ref);

        assertThat(blobs.get(ref)).isEmpty();
        assertThat(blobs.head(ref)).isEmpty();
    }

    @Test
    void list_pagesThroughAPrefixInKeyOrder_withStartAfter() {
        String prefix = "list-" + UUID.randomUUID() + "/";
        List<String> keys = IntStream.range(0, 30).mapToObj(i -> String.format("%sdoc-%02d.txt", prefix, i)).toList();
        for (String key : keys) {
            blobs.put(ref(key), bytes(key), "text/plain", Map.of());
        }
        blobs.put(ref(prefix.substring(0, prefix.length() - 1) + "x/outside.txt"), bytes("no"), "text/plain", Map.of());
        blobs.put(ref("aaa-before-everything.txt"), bytes("no"), "text/plain", Map.of());

        List<String> seen = new ArrayList<>();
        String startAfter = null;
        int pages = 0;
        while (true) {
            List<BlobInfo> page = blobs.list(BUCKET, prefix, startAfter, 7);
            if (page.isEmpty()) {
                break;
            }
            pages++;
            assertThat(page.size()).isLessThanOrEqualTo(7);
            page.forEach(info -> {
                assertThat(info.size()).isEqualTo(info.ref().key().length());
                assertThat(info.etag()).isEqualTo(md5Hex(bytes(info.ref().key())));
                assertThat(info.lastModified()).isNotNull();
            });
            page.stream().map(info -> info.ref().key()).forEach(seen::add);
            startAfter = page.getLast().ref().key();
        }

        assertThat(seen).containsExactlyElementsOf(keys);
        assertThat(pages).isEqualTo(5);
        assertThat(blobs.list(BUCKET, prefix, keys.get(27), 100)).extracting(i -> i.ref().key())
                .containsExactly(keys.get(28), keys.get(29));
        assertThat(blobs.list(BUCKET, prefix, null, 1000)).hasSize(30);
    }

    @Test
    void list_ofAnEmptyPrefix_isEmpty() {
        assertThat(blobs.list(BUCKET, "nothing-here/", null, 10)).isEmpty();
    }

    @Test
    void presignedPut_acceptsAnUploadWithTheSignedContentType_thenGetSeesIt() throws Exception {
        BlobRef ref = ref("uploads/presigned.md");
        URI url = blobs.presignPut(ref, TEN_MINUTES, "text/markdown");
        byte[] body = bytes("# uploaded through a presigned URL");

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "text/markdown")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Blob blob = blobs.get(ref).orElseThrow();
        assertThat(blob.bytes()).isEqualTo(body);
        assertThat(blob.info().contentType()).isEqualTo("text/markdown");
        assertThat(blob.info().etag()).isEqualTo(md5Hex(body));
    }

    @Test
    void presignedPut_withAnotherContentType_isForbidden() throws Exception {
        BlobRef ref = ref("uploads/wrong-type.md");
        URI url = blobs.presignPut(ref, TEN_MINUTES, "text/markdown");

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "text/html")
                .PUT(HttpRequest.BodyPublishers.ofString("<script>")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(blobs.head(ref)).isEmpty();
    }

    @Test
    void presignedGet_returnsTheObject() throws Exception {
        BlobRef ref = ref("results/out.pdf");
        byte[] pdf = bytes("%PDF-1.7 pretend");
        blobs.put(ref, pdf, "application/pdf", Map.of());

        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(blobs.presignGet(ref, TEN_MINUTES)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(pdf);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/pdf");
    }

    @Test
    void presignedGet_withATamperedSignature_isForbidden() throws Exception {
        BlobRef ref = ref("results/guarded.pdf");
        blobs.put(ref, bytes("secret"), "application/pdf", Map.of());
        String url = blobs.presignGet(ref, TEN_MINUTES).toString();
        int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        char flipped = url.charAt(at) == '0' ? '1' : '0';
        URI tampered = URI.create(url.substring(0, at) + flipped + url.substring(at + 1));

        assertThat(get(tampered).statusCode()).isEqualTo(403);
    }

    @Test
    void presignedGet_forAnotherKey_isForbidden() throws Exception {
        blobs.put(ref("results/a.pdf"), bytes("a"), "application/pdf", Map.of());
        blobs.put(ref("results/b.pdf"), bytes("b"), "application/pdf", Map.of());
        URI forA = blobs.presignGet(ref("results/a.pdf"), TEN_MINUTES);
        URI swapped = URI.create(forA.toString().replace("/results/a.pdf?", "/results/b.pdf?"));

        assertThat(swapped).isNotEqualTo(forA);
        assertThat(get(swapped).statusCode()).isEqualTo(403);
    }

    @Test
    void presignedUrls_expire() throws Exception {
        BlobRef ref = ref("results/short-lived.pdf");
        blobs.put(ref, bytes("soon gone"), "application/pdf", Map.of());
        URI getUrl = blobs.presignGet(ref, Duration.ofSeconds(1));
        URI putUrl = blobs.presignPut(ref("uploads/late.txt"), Duration.ofSeconds(1), "text/plain");

        Thread.sleep(2_500);

        assertThat(get(getUrl).statusCode()).isEqualTo(403);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(putUrl).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("late")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(blobs.head(ref("uploads/late.txt"))).isEmpty();
    }

    @Test
    void keysWithSpacesUnicodeAndReservedCharacters_roundTrip_includingPresignedUrls() throws Exception {
        String key = "uploads/high/my report (final) ü 文档 #1+2=3 & 100%.html";
        BlobRef ref = ref(key);
        byte[] body = bytes("<p>ünïcödé</p>");

        blobs.put(ref, body, "text/html", Map.of("title", "plain ascii"));

        assertThat(blobs.get(ref).orElseThrow().bytes()).isEqualTo(body);
        assertThat(blobs.head(ref).orElseThrow().size()).isEqualTo(body.length);
        assertThat(blobs.list(BUCKET, "uploads/high/my report", null, 10)).extracting(i -> i.ref().key()).containsExactly(key);
        assertThat(get(blobs.presignGet(ref, TEN_MINUTES)).statusCode()).isEqualTo(200);

        BlobRef uploaded = ref("uploads/ünïcödé upload 文档.txt");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(blobs.presignPut(uploaded, TEN_MINUTES, "text/plain"))
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("hi")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(blobs.get(uploaded).orElseThrow().bytes()).isEqualTo(bytes("hi"));

        blobs.delete(ref);
        assertThat(blobs.head(ref)).isEmpty();
    }

    @Test
    void getFromAMissingBucket_isStoreUnavailable_notAbsent() {
        assertThatThrownBy(() -> blobs.get(new BlobRef("no-such-bucket-" + UUID.randomUUID(), "a.txt")))
                .isInstanceOfSatisfying(DocpipeException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    @Test
    void unreachableStore_isStoreUnavailable_forEveryOperation() throws IOException {
        URI nobody = URI.create("http://127.0.0.1:" + closedPort());
        try (S3Client down = S3Client.builder()
                .endpointOverride(nobody)
                .region(S3StandIn.REGION)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(5)))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            S3Blobs unreachable = new S3Blobs(down, presigner);
            BlobRef ref = ref("docs/x.txt");

            assertUnavailable(() -> unreachable.put(ref, bytes("x"), "text/plain", Map.of()));
            assertUnavailable(() -> unreachable.get(ref));
            assertUnavailable(() -> unreachable.head(ref));
            assertUnavailable(() -> unreachable.delete(ref));
            assertUnavailable(() -> unreachable.list(BUCKET, "docs/", null, 10));
        }
    }

    @Test
    void wrongCredentials_areStoreUnavailable_notAbsent() {
        try (S3Client intruder = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(S3StandIn.REGION)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "wrong")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            S3Blobs denied = new S3Blobs(intruder, presigner);
            BlobRef ref = ref("docs/report.html");
            blobs.put(ref, bytes("x"), "text/plain", Map.of());

            assertUnavailable(() -> denied.get(ref));
        }
    }

    @Test
    void fromEnvironment_takesEndpointRegionAndCredentialsFromTheSdkStandardSettings() throws Exception {
        // The same lookups as AWS_ENDPOINT_URL_S3 / AWS_REGION / AWS_ACCESS_KEY_ID, as system properties.
        Map<String, String> settings = Map.of(
                "aws.endpointUrlS3", server.endpoint().toString(),
                "aws.region", "eu-central-1",
                "aws.accessKeyId", server.accessKey(),
                "aws.secretAccessKey", server.secretKey());
        settings.forEach(System::setProperty);
        try {
            S3Blobs fromEnv = S3Blobs.fromEnvironment(true);
            BlobRef ref = ref("env/configured.txt");

            fromEnv.put(ref, bytes("configured"), "text/plain", Map.of());

            assertThat(blobs.get(ref).orElseThrow().bytes()).isEqualTo(bytes("configured"));
            URI presigned = fromEnv.presignGet(ref, TEN_MINUTES);
            assertThat(presigned.toString()).startsWith(server.endpoint() + "/" + BUCKET + "/env/configured.txt?");
            assertThat(get(presigned).body()).isEqualTo("configured");
        } finally {
            settings.keySet().forEach(System::clearProperty);
        }
    }

    private static void assertUnavailable(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(DocpipeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).isEqualTo("object storage unavailable");
                    assertThat(e.getCause()).isNotNull();
                });
    }

    /** A port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(URI url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static BlobRef ref(String key) {
        return new BlobRef(BUCKET, key);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
