package dev.docpipe.local.cli;

import dev.docpipe.adapter.metrics.PrometheusMetrics;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.local.serve.ApiKeys;
import dev.docpipe.local.serve.DataDirectory;
import dev.docpipe.local.serve.Gateway;
import dev.docpipe.pipeline.Sweeper;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Formatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: the whole pipeline and the HTTP API on this machine until Ctrl-C. Bad invocations
 * (port in use, data directory locked or not writable) are refused before anything is started, and
 * nothing is written for them.
 */
final class ServeCommand {
    /** The region the stand-ins answer for and the credentials S3 checks (SQS takes any). */
    static final String REGION = "us-east-1";
    static final String S3_ACCESS_KEY = "test";
    static final String S3_SECRET_KEY = "test";
    /** Environment variables local mode sets itself: the stand-ins decide these. */
    private static final String DEFAULT_OPTIONS = "DOCPIPE_DEFAULT_OPTIONS";
    private static final Set<String> OWN_SETTINGS = Set.of("DOCPIPE_JOB_STORE", "DOCPIPE_JOBS_TABLE", "DOCPIPE_BUCKET",
            "DOCPIPE_DATABASE_URL", "DOCPIPE_REDIS_URL", LocalEnvironment.API_URL, LocalEnvironment.API_KEY);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final CountDownLatch stop = new CountDownLatch(1);

    ServeCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    int run(ServeOptions options) throws UsageException {
        if (options.printEnv()) {
            printEnvironment(options);
            return Main.EXIT_OK;
        }
        int port = free(options.port(), "--port");
        int s3Port = free(options.s3Port(), "--s3-port");
        int sqsPort = free(options.sqsPort(), "--sqs-port");
        Path data = options.data().toAbsolutePath().normalize();
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new UsageException("--data " + options.data() + " is a file, not a directory; give a directory");
        }
        DataDirectory directory;
        try {
            directory = DataDirectory.lock(data);
        } catch (DataDirectory.LockedException e) {
            throw new UsageException("data directory " + data + " is in use by another docpipe serve (" + e.holder()
                    + "); stop that process, or give another --data DIR");
        } catch (IOException e) {
            throw new UsageException("data directory " + data + " cannot be used (" + e.getMessage()
                    + "); give a directory you can write to with --data DIR");
        }
        long t0 = System.nanoTime();
        Instant startedAt = Instant.now();
        Path log = data.resolve("serve.log");
        Logging.toFile(log);
        Thread hook = new Thread(stop::countDown, "docpipe-serve-stop");
        Signals.Installed signals = Signals.onInterrupt(stop::countDown);
        LocalPipeline pipeline = null;
        Gateway gateway = null;
        try {
            directory.stopLeftovers();
            ApiKeys keys = ApiKeys.loadOrCreate(data);
            out.printf("docpipe serve: starting (store %s, redis %s, data %s)%n",
                    options.store().name().toLowerCase(Locale.ROOT), options.redis() ? "on" : "off", data);
            out.flush();
            pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(options.store(), options.redis())
                    .withSettings(settings(options)).withSweepInterval(options.sweepInterval()).persistentIn(data, s3Port, sqsPort));
            directory.recordChildren();
            directory.restrict(); // what the stand-ins and the log created at start
            if (directory.uncleanStop()) {
                Sweeper.Report r = pipeline.recover(startedAt);
                out.printf("docpipe serve: the last run did not stop cleanly; %d unfinished job%s re-driven%n",
                        r.redriven(), r.redriven() == 1 ? "" : "s");
            }
            try {
                gateway = Gateway.start(port, new SubmitHandler(pipeline.components()),
                        new StatusHandler(pipeline.components(), pipeline.queueMonitor()), keys);
                PrometheusMetrics metrics = pipeline.metrics();
                gateway.extra("/metrics", () -> new Gateway.Plain(200, PrometheusMetrics.CONTENT_TYPE, metrics.render()));
            } catch (IOException e) {
                throw new UsageException("port " + port + " is in use (" + e.getMessage()
                        + "); stop what uses it or pass --port N");
            }
            Runtime.getRuntime().addShutdownHook(hook);
            banner(gateway, pipeline, keys.first(), options, data, log, (System.nanoTime() - t0) / 1e9);
            warmUpInBackground(pipeline);
            stop.await();
            out.println("docpipe serve: stopping (jobs in flight carry on at the next start)...");
            out.flush();
            return Main.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_INTERRUPTED;
        } catch (UsageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            err.println("docpipe serve: the pipeline failed: " + e + " (details in " + log + ")");
            return Main.EXIT_PIPELINE;
        } finally {
            signals.restore();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            if (gateway != null) {
                gateway.close();
            }
            if (pipeline != null) {
                pipeline.close();
            }
            directory.close();
        }
    }

    /**
     * The first job would otherwise load and interpret the parse and render code itself (a second or
     * more): once ready, one tiny document is converted and rendered on a thread of its own. Ready is
     * not delayed, and a job submitted meanwhile runs as it would have.
     */
    private static void warmUpInBackground(LocalPipeline pipeline) {
        Thread warm = new Thread(() -> {
            try {
                pipeline.warmUp();
            } catch (RuntimeException e) {
                // not a static logger: logging is configured by the start (Logging.toFile), after this class loads
                LoggerFactory.getLogger(ServeCommand.class).warn("warm-up failed (the first job will be slower): {}",
                        e.toString());
            }
        }, "docpipe-warm-up");
        warm.setDaemon(true);
        warm.setPriority(Thread.MIN_PRIORITY);
        warm.start();
    }

    /**
     * The DOCPIPE_* variables of this process (limits, retention, timeouts), as Lambda would pass them;
     * render flags become DOCPIPE_DEFAULT_OPTIONS, option by option over the variable's.
     */
    private Map<String, String> settings(ServeOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("DOCPIPE_") && !OWN_SETTINGS.contains(k)) {
                settings.put(k, v);
            }
        });
        if (!options.renderOptions().isEmpty()) {
            Map<String, String> defaults = new LinkedHashMap<>(
                    RenderOptions.fromForm(settings.get(DEFAULT_OPTIONS)));
            defaults.putAll(options.renderOptions());
            settings.put(DEFAULT_OPTIONS, RenderOptions.toForm(defaults));
        }
        return settings;
    }

    private void banner(Gateway gateway, LocalPipeline pipeline, ApiKeys.Key key, ServeOptions options, Path data,
                        Path log, double seconds) {
        String api = gateway.endpoint().toString();
        var s3 = pipeline.s3();
        LocalEnvironment env = new LocalEnvironment(gateway.endpoint(), s3.endpoint(), pipeline.sqs().endpoint(),
                s3.accessKey(), s3.secretKey(), REGION, key.value());
        Formatter banner = new Formatter(new StringBuilder());
        banner.format("docpipe serve: ready in %.1f s%n", seconds);
        banner.format("  API        %s   (dashboard: %s/)%n", api, api);
        banner.format("  API key    %s   (header x-api-key; key id and job owner '%s')%n", key.value(), key.id());
        banner.format("  S3         %s   bucket %s, access key %s, secret %s, region %s, path-style%n",
                s3.endpoint(), LocalPipeline.BUCKET, s3.accessKey(), s3.secretKey(), REGION);
        banner.format("  SQS        %s   the pipeline's queues (docpipe-*), same credentials and region%n",
                pipeline.sqs().endpoint());
        banner.format("  uploads    any S3 PUT to s3://%s/uploads/[high|default|low/]%s/<file> starts a job of this key%n",
                LocalPipeline.BUCKET, key.id());
        banner.format("  data       %s (log: %s)%n", data, log.getFileName());
        banner.format("try:%n");
        banner.format("  curl -s -H 'x-api-key: %s' -H 'content-type: application/json' \\%n"
                + "       -d '{\"content\":\"# Hello\\n\\nFrom *docpipe*.\",\"format\":\"markdown\"}' %s/jobs%n", key.value(), api);
        banner.format("  curl -s -H 'x-api-key: %s' %s/jobs/<id>      # poll until \"status\":\"completed\"%n", key.value(), api);
        banner.format("  curl -s -o hello.pdf '<result.downloadUrl from the poll>'%n");
        banner.format("  %s s3 cp doc.md s3://%s/uploads/%s/doc.md%n", env.aws(s3.endpoint()), LocalPipeline.BUCKET, key.id());
        banner.format("  %s sqs list-queues%n", env.aws(pipeline.sqs().endpoint()));
        banner.format("  eval \"$(./docpipe env%s)\"      # exports the endpoints, region, credentials and key%n",
                envArguments(options, gateway.endpoint().getPort(), s3.endpoint().getPort(), pipeline.sqs().endpoint().getPort()));
        banner.format("Ctrl-C stops.%n");
        // one write: the banner never interleaves with a log line, and a reader never sees half of it
        out.print(banner);
        out.flush();
    }

    /** {@code serve --print-env}: the export lines for the endpoints these options give; nothing is started. */
    private void printEnvironment(ServeOptions options) throws UsageException {
        Path data = options.data().toAbsolutePath().normalize();
        String apiKey = null;
        if (Files.isRegularFile(data.resolve(ApiKeys.FILE))) {
            try {
                apiKey = ApiKeys.loadOrCreate(data).first().value();
            } catch (IOException e) {
                throw new UsageException("cannot read the API key in " + data + " (" + e.getMessage() + ")");
            }
        }
        LocalEnvironment env = new LocalEnvironment(URI.create("http://127.0.0.1:" + options.port()),
                URI.create("http://127.0.0.1:" + options.s3Port()), URI.create("http://127.0.0.1:" + options.sqsPort()),
                S3_ACCESS_KEY, S3_SECRET_KEY, REGION, apiKey);
        env.exports().forEach(out::println);
        out.flush();
    }

    /** The options {@code docpipe env} needs to print what this serve uses (none for the defaults). */
    private static String envArguments(ServeOptions options, int port, int s3Port, int sqsPort) {
        StringBuilder b = new StringBuilder();
        if (!options.data().equals(ServeOptions.DEFAULT_DATA)) {
            b.append(" --data '").append(options.data()).append('\'');
        }
        if (port != ServeOptions.DEFAULT_PORT) {
            b.append(" --port ").append(port);
        }
        if (s3Port != ServeOptions.DEFAULT_S3_PORT) {
            b.append(" --s3-port ").append(s3Port);
        }
        if (sqsPort != ServeOptions.DEFAULT_SQS_PORT) {
            b.append(" --sqs-port ").append(sqsPort);
        }
        return b.toString();
    }

    /** The port itself when it can be bound on 127.0.0.1 now (0 stays 0: any free port). */
    private static int free(int port, String option) throws UsageException {
        if (port == 0) {
            return 0;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new UsageException("port " + port + " is in use (" + e.getMessage() + "); stop what uses it or pass "
                    + option + " N");
        }
    }
}
