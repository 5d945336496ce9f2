package dev.docpipe.standins.sqs;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;
import scala.util.Either;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An SQS-protocol server (ElasticMQ, embedded) on 127.0.0.1, with an SDK client pointed at it.
 *
 * <p>Queue ARNs look like AWS's: region {@value #REGION}, account {@value #ACCOUNT_ID}
 * ({@code arn:aws:sqs:us-east-1:000000000000:<name>}). Visibility timeouts, delays, long polling
 * and redrive to a dead-letter queue are ElasticMQ's own. Standard queues deliver as SQS fair queues
 * do, by {@code MessageGroupId} ({@link FairMessageQueue}); FIFO queues are ElasticMQ's own.
 *
 * <p>By default everything lives in memory and is gone when the server stops. With
 * {@link Builder#dataDirectory(Path)} queues <em>and</em> messages (body, attributes, receive count,
 * visibility) are written to an H2 database in that directory on every change and restored on the
 * next start: ElasticMQ's own {@code messages-storage} (its SQL persistence), wired here by hand
 * because the embedded builder has no switch for it. Limits: ElasticMQ keeps its H2 connection pool
 * in a JVM-wide singleton that it initialises once, so one JVM can use <em>one</em> data directory
 * (restarting on the same directory is fine, another directory is refused); every send, receive and
 * delete becomes a synchronous H2 write.
 */
public final class SqsStandIn implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";

    private static final Logger LOG = LoggerFactory.getLogger(SqsStandIn.class);
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * H2's background writer wakes every tenth of its write delay: 20 times a second at the default
     * 500 ms (0.1-0.2 of the 1.3-1.6 CPU-s an idle {@code serve} spends in its first minute), 5 times
     * a second at 2 s (0.04-0.06 CPU-s a minute; docs/benchmarks.md). A process killed outright can
     * lose the last 2 s of queue changes instead of 0.5 s; the restart's recovery re-drives the jobs
     * concerned ({@code LocalPipeline.recover}).
     */
    static final int H2_WRITE_DELAY_MILLIS = 2000;
    /** How long requests under way at {@link #close()} may take to finish. */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);
    private static SqsStandIn shared;
    private static Path persistentDirectory;

    private final SQSRestServer server;
    /**
     * An idle {@code serve} should cost next to nothing, so the actor system of a persistent server
     * is set up to sleep:
     * <ul>
     *   <li>Pekko's scheduler thread wakes up every tick even with nothing scheduled (10 ms by
     *       default). ElasticMQ schedules only long-poll ends and messages becoming visible again on
     *       it; a message sent to a queue with a receive waiting is handed over at once, without the
     *       scheduler. A 1 s tick delays only those two by up to a second.</li>
     *   <li>The request timeout leaves room for a long poll of 20 s ending a tick late.</li>
     *   <li>Headers stay raw (no modeled-header parsing): the SDK's {@code User-Agent} does not parse as
     *       Pekko's model of it, and each failure was parsed again in tracing mode to word a warning,
     *       several exceptions thrown per SQS request. ElasticMQ reads its headers by name.</li>
     * </ul>
     * The dispatchers keep Pekko's sizes: with two threads each, small jobs through {@code serve} were
     * slower on a loaded machine (docs/benchmarks.md).
     */
    private static final String IDLE_FRIENDLY = """
            pekko.scheduler.tick-duration = 1s
            pekko.http.server.request-timeout = 25 s
            pekko.http.server.parsing.modeled-header-parsing = off
            """;

    private final ActorSystem ownActorSystem;
    private final URI endpoint;
    private final Path dataDirectory;
    private SqsClient client;
    private boolean closed;

    private SqsStandIn(SQSRestServer server, ActorSystem ownActorSystem, int port, Path dataDirectory) {
        this.server = server;
        this.ownActorSystem = ownActorSystem;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.dataDirectory = dataDirectory;
    }

    /** A new in-memory server on a free port. */
    public static SqsStandIn start() {
        return builder().start();
    }

    /** The per-JVM in-memory server, started on first use and stopped when the JVM exits. */
    public static synchronized SqsStandIn shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "sqs-stand-in-stop"));
        }
        return shared;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}: the value for {@code AWS_ENDPOINT_URL_SQS}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** Where queues and messages are persisted, or null when they live in memory only. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A client of this server (static credentials, {@value #REGION}, URL-connection HTTP), built once. */
    public synchronized SqsClient client() {
        if (closed) {
            throw new IllegalStateException("SQS stand-in is closed");
        }
        if (client == null) {
            client = newClient(endpoint);
        }
        return client;
    }

    /** A client of any SQS-protocol endpoint with the stand-ins' static credentials and region. */
    public static SqsClient newClient(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Stops the server; in-memory queues and messages are gone, persisted ones stay on disk. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        try {
            // ElasticMQ's own stopAndWait() lets every request under way finish, up to a minute: a long
            // poll holds it for its whole wait time (20 s for the pipeline's pollers) even after its
            // client has gone. Requests get STOP_GRACE to finish; the actor system's end closes the rest.
            Future<?> stopping = (Future<?>) server.stopAndGetFuture().apply();
            Await.ready(stopping, FiniteDuration.apply(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            LOG.debug("SQS stand-in on {}: requests still under way after {} ms are cut", endpoint, STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("SQS stand-in on {} did not stop cleanly: {}", endpoint, e.toString());
        }
        if (ownActorSystem != null) {
            ownActorSystem.terminate();
            try {
                ownActorSystem.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("SQS stand-in actor system did not terminate: {}", e.toString());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Options for a server of its own. */
    public static final class Builder {
        private int port;
        private Path dataDirectory;

        private Builder() {
        }

        /** A fixed port (0, the default, picks a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Persist queues and messages in an H2 database in {@code directory} (created if missing). */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
            return this;
        }

        public SqsStandIn start() {
            long started = System.nanoTime();
            TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface("127.0.0.1")
                    .withPort(port)
                    .withAWSRegion(REGION)
                    .withAWSAccountId(ACCOUNT_ID);
            SqsStandIn standIn = dataDirectory == null ? startInMemory(builder) : startPersistent(builder);
            LOG.info("SQS stand-in on {} ({}) started in {} ms", standIn.endpoint,
                    dataDirectory == null ? "in memory" : "data in " + dataDirectory,
                    (System.nanoTime() - started) / 1_000_000);
            return standIn;
        }

        private SqsStandIn startInMemory(TheSQSRestServerBuilder builder) {
            ActorSystem system = actorSystem();
            try {
                ActorRef queueManager = system.actorOf(FairQueueActors.manager(new NowProvider(),
                        StrictSQSLimits$.MODULE$, Option.empty()));
                SQSRestServer server = builder.withActorSystem(system).withQueueManagerActor(queueManager).start();
                int boundPort = server.waitUntilStarted().localAddress().getPort();
                return new SqsStandIn(server, system, boundPort, null);
            } catch (RuntimeException e) {
                system.terminate();
                throw e;
            }
        }

        private static ActorSystem actorSystem() {
            return ActorSystem.create("elasticmq-standin", ConfigFactory.parseString(IDLE_FRIENDLY)
                    .withFallback(ConfigFactory.load(SqsStandIn.class.getClassLoader())));
        }

        private SqsStandIn startPersistent(TheSQSRestServerBuilder builder) {
            claimDirectory(dataDirectory);
            ActorSystem system = actorSystem();
            try {
                SqlQueuePersistenceConfig storage = new SqlQueuePersistenceConfig(true, "org.h2.Driver",
                        "jdbc:h2:file:" + dataDirectory.resolve("elasticmq").toString().replace('\\', '/')
                                + ";WRITE_DELAY=" + H2_WRITE_DELAY_MILLIS,
                        "", "", false);
                scala.collection.immutable.List<CreateQueueMetadata> noBaseQueues =
                        scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.<CreateQueueMetadata>of()).toList();
                ActorRef store = system.actorOf(Props.create(SqlQueuePersistenceActor.class, storage, noBaseQueues));
                ActorRef queueManager = system.actorOf(FairQueueActors.manager(new NowProvider(),
                        StrictSQSLimits$.MODULE$, Option.apply(store)));
                SQSRestServer server = builder.withActorSystem(system)
                        .withQueueManagerActor(queueManager)
                        .withQueueEventListener(store)
                        .start();
                int boundPort = server.waitUntilStarted().localAddress().getPort();
                Object restored = Patterns.ask(store, new QueueEvent.Restore(queueManager), RESTORE_TIMEOUT)
                        .toCompletableFuture().get(RESTORE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (restored instanceof Either<?, ?> either && either.isLeft()) {
                    server.stopAndWait();
                    throw new IllegalStateException("could not restore queues from " + dataDirectory + ": " + either.left().get());
                }
                return new SqsStandIn(server, system, boundPort, dataDirectory);
            } catch (Exception e) {
                system.terminate();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("could not start the SQS stand-in on " + dataDirectory, e);
            }
        }

        private static synchronized void claimDirectory(Path directory) {
            if (persistentDirectory != null && !persistentDirectory.equals(directory)) {
                throw new IllegalStateException("this JVM already persists SQS data in " + persistentDirectory
                        + "; ElasticMQ's storage is one per JVM, so " + directory + " cannot be used");
            }
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + directory, e);
            }
            persistentDirectory = directory;
        }
    }
}
