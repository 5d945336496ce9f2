package dev.docpipe.standins.s3;

import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * An S3-protocol server on 127.0.0.1 (s3proxy over its NIO2 blob stores): in memory, or on disk when
 * given a data directory, whose objects then survive {@link #close()} and a new start.
 * Requests must be signed (SigV2 or SigV4) with the configured credentials, so presigned URLs work
 * and tampered or expired ones get 403, as in S3.
 *
 * <p>Unlike s3proxy alone it delivers S3 event notifications: writes that create an object under a
 * watched {@code (bucket, prefix)} are reported to {@link UploadListener}s (for example an
 * {@link S3ToSqsBridge}), whichever S3 client made them.
 *
 * <pre>{@code
 * S3StandIn s3 = S3StandIn.builder().port(0).dataDirectory(null).credentials("test", "test").build().start();
 * s3.createBucket("uploads");
 * s3.addUploadListener("uploads", "uploads/", new S3ToSqsBridge(sqs, ingestQueueUrl, "us-east-1"));
 * }</pre>
 */
public final class S3StandIn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3StandIn.class);
    private static final String HOST = "127.0.0.1";
    /** S3's rule, checked here because s3proxy creates such buckets but then answers NoSuchBucket. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** The region clients of the stand-in sign for; s3proxy accepts any. */
    public static final Region REGION = Region.US_EAST_1;

    private static S3StandIn shared;

    private final int requestedPort;
    private final Path dataDirectory;
    private final String accessKey;
    private final String secretKey;
    private final List<NotifyingBlobStore.Rule> rules = new CopyOnWriteArrayList<>();

    private S3Proxy proxy;
    private BlobStore store;
    private int port;

    private S3StandIn(Builder builder) {
        this.requestedPort = builder.port;
        this.dataDirectory = builder.dataDirectory;
        this.accessKey = builder.accessKey;
        this.secretKey = builder.secretKey;
        this.rules.addAll(builder.rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The per-JVM in-memory server ({@code test}/{@code test}), started on first use and stopped by a
     * shutdown hook. Its Jetty threads are not daemons: a JVM that neither exits nor closes it keeps running.
     */
    public static synchronized S3StandIn shared() {
        if (shared == null) {
            shared = builder().build().start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "s3-stand-in-stop"));
        }
        return shared;
    }

    /**
     * Starts the server; does nothing if it is running. After {@link #close()} it starts again on the
     * port it had (so endpoints handed out stay valid) with the same data directory.
     */
    public synchronized S3StandIn start() {
        if (proxy != null) {
            return this;
        }
        long started = System.nanoTime();
        BlobStore backend = openStore();
        int bindPort = port > 0 ? port : requestedPort;
        S3Proxy server = S3Proxy.builder()
                .blobStore(new NotifyingBlobStore(backend, rules))
                .endpoint(URI.create("http://" + HOST + ":" + bindPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .corsRules(loopbackPages())
                .stopTimeout(0)
                .build();
        try {
            server.start();
            awaitStarted(server);
        } catch (Exception e) {
            stopQuietly(server);
            backend.close();
            throw new IllegalStateException("could not start the S3 stand-in on port " + bindPort, e);
        }
        proxy = server;
        store = backend;
        port = server.getPort();
        LOG.info("S3 stand-in listening on {} ({}) in {} ms", endpoint(),
                dataDirectory == null ? "in memory" : dataDirectory, (System.nanoTime() - started) / 1_000_000);
        return this;
    }

    /**
     * CORS as a bucket rule would grant it: pages served from this machine (the local gateway's
     * dashboard, on another port, so another origin) may GET, HEAD and PUT with pre-signed URLs; the
     * signature still decides. Without it s3proxy refuses the browser's preflight.
     */
    static CrossOriginResourceSharing loopbackPages() {
        return new CrossOriginResourceSharing(List.of("http://127\\.0\\.0\\.1(:\\d+)?", "http://localhost(:\\d+)?"),
                List.of("GET", "HEAD", "PUT"), List.of("*"), List.of("ETag"), "false");
    }

    private BlobStore openStore() {
        if (dataDirectory == null) {
            return new TransientNio2BlobStore();
        }
        try {
            Files.createDirectories(dataDirectory);
            removePartialWrites(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create S3 data directory " + dataDirectory, e);
        }
        return new FilesystemNio2BlobStore(dataDirectory.toAbsolutePath().toString());
    }

    /**
     * Deletes what writes interrupted by a crash left in {@code directory}: s3proxy writes each object to
     * a file named after its key, a dash and a random UUID, and renames it when complete.
     */
    static int removePartialWrites(Path directory) throws IOException {
        List<Path> partial;
        try (var files = Files.walk(directory)) {
            partial = files.filter(Files::isRegularFile)
                    .filter(f -> NotifyingBlobStore.isPartialWrite(f.getFileName().toString())).toList();
        }
        for (Path f : partial) {
            Files.deleteIfExists(f);
        }
        if (!partial.isEmpty()) {
            LOG.info("removed {} partial object write(s) an interrupted run left in {}", partial.size(), directory);
        }
        return partial.size();
    }

    private static void awaitStarted(S3Proxy server) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(server.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start, state " + server.getState());
            }
            Thread.sleep(5);
        }
    }

    /** {@code http://127.0.0.1:<port>}: use it as the endpoint, with path-style addressing. */
    public URI endpoint() {
        return URI.create("http://" + HOST + ":" + port());
    }

    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("the S3 stand-in has not been started");
        }
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Creates the bucket unless it exists. The name must be a valid S3 bucket name. */
    public synchronized void createBucket(String name) {
        if (name == null || !BUCKET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid S3 bucket name: " + name);
        }
        BlobStore running = running();
        if (!running.containerExists(name)) {
            running.createContainer(name);
        }
    }

    /**
     * Reports objects created in {@code bucket} under {@code prefix} ({@code ""} for all) to the
     * listener from now on, like an S3 notification configuration with a prefix filter.
     *
     * @return closing it removes the listener
     */
    public AutoCloseable addUploadListener(String bucket, String prefix, UploadListener listener) {
        NotifyingBlobStore.Rule rule = new NotifyingBlobStore.Rule(bucket, prefix, listener);
        rules.add(rule);
        return () -> rules.remove(rule);
    }

    /**
     * An SDK client for this stand-in (path style, its credentials), with the light HTTP client. Uploads
     * go as one signed payload, not in {@code aws-chunked} encoding: over plain HTTP the SDK otherwise signs
     * every 128 KB chunk (a chain of HMACs the stand-in checks again and decodes), which buys nothing on
     * the loopback. The payload's SHA-256 is still part of what is signed.
     */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** A presigner whose URLs point at this stand-in and are signed with its credentials. */
    public S3Presigner newPresigner() {
        return S3Presigner.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    private synchronized BlobStore running() {
        if (store == null) {
            throw new IllegalStateException("the S3 stand-in is not running");
        }
        return store;
    }

    /** Stops the server. In-memory objects are gone; objects in a data directory stay. */
    @Override
    public synchronized void close() {
        if (proxy == null) {
            return;
        }
        stopQuietly(proxy);
        store.close();
        proxy = null;
        store = null;
    }

    private static void stopQuietly(S3Proxy server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("S3 stand-in did not stop cleanly: {}", e.toString());
        }
    }

    public static final class Builder {
        private int port;
        private Path dataDirectory;
        private String accessKey = "test";
        private String secretKey = "test";
        private final List<NotifyingBlobStore.Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Where objects are kept; null (the default) keeps them in memory. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** The access key id and secret clients must sign with; {@code test}/{@code test} by default. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
            this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
            return this;
        }

        /** See {@link S3StandIn#addUploadListener(String, String, UploadListener)}. */
        public Builder uploadListener(String bucket, String prefix, UploadListener listener) {
            rules.add(new NotifyingBlobStore.Rule(bucket, prefix, listener));
            return this;
        }

        public S3StandIn build() {
            return new S3StandIn(this);
        }
    }
}
