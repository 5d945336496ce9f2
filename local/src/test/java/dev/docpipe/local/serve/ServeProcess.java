package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar local/target/docpipe-local.jar serve …} as a child process, as a user starts it:
 * the shaded jar (failsafe runs after {@code package}), its own JVM, its banner on stdout. Talks to
 * it only over HTTP and the S3 API.
 */
final class ServeProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path data;
    final int port;
    final int s3Port;
    final int sqsPort;
    final Path stdout;
    private final List<String> extraArgs;
    private Process process;
    private int starts;

    ServeProcess(Path data, Path logs, List<String> extraArgs) throws IOException {
        this.data = data;
        this.port = freePort();
        this.s3Port = freePort();
        this.sqsPort = freePort();
        this.stdout = logs;
        this.extraArgs = extraArgs;
    }

    static Path jar() {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        return module.resolve("target/docpipe-local.jar");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the process and waits for its ready line; returns everything it printed so far. */
    String start() throws Exception {
        starts++;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(), "serve", "--data", data.toString(), "--port", String.valueOf(port),
                "--s3-port", String.valueOf(s3Port), "--sqs-port", String.valueOf(sqsPort)));
        command.addAll(extraArgs);
        Path out = stdout.resolveSibling(stdout.getFileName() + "." + starts);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        // generous: a machine running several builds at once has taken over 100 s to start serve
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (System.nanoTime() < deadline) {
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            if (printed.contains("docpipe serve: ready in") && printed.contains("Ctrl-C stops.")) { // the whole banner
                return printed;
            }
            if (!process.isAlive()) {
                throw new AssertionError("serve exited with " + process.exitValue() + " before it was ready:\n" + printed);
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("serve was not ready within 240 s:\n" + Files.readString(out, StandardCharsets.UTF_8));
    }

    Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no cleanup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("serve did not stop within 90 s of SIGTERM");
        }
        return process.exitValue();
    }

    String key() throws IOException {
        return JSON.readTree(data.resolve("api-keys.json").toFile()).path("keys").get(0).path("value").asText();
    }

    URI api(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("x-api-key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("x-api-key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return json(response.body());
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** Every job of the key's owner, through the paged history. */
    List<JsonNode> jobs(String key) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = get("/jobs?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), key);
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /jobs -> " + r.statusCode() + " " + r.body());
            }
            JsonNode page = json(r);
            page.path("items").forEach(all::add);
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    /** A plain S3 client for the printed endpoint and credentials, as any S3 tool would use it. */
    S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + s3Port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
