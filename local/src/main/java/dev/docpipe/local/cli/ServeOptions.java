package dev.docpipe.local.cli;

import dev.docpipe.config.Config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The parsed arguments of {@code serve}.
 *
 * @param data          the data directory (state that survives a restart, the lock, the log)
 * @param port          the API's port on 127.0.0.1
 * @param s3Port        the S3 endpoint's port on 127.0.0.1
 * @param sqsPort       the SQS endpoint's port on 127.0.0.1
 * @param sweepInterval how often the sweeper runs
 * @param printEnv      print the export lines for these endpoints and stop ({@code serve --print-env})
 */
public record ServeOptions(Path data, int port, int s3Port, int sqsPort, Config.StoreKind store, boolean redis,
                           Duration sweepInterval, boolean help, boolean printEnv, Map<String, String> renderOptions) {
    public static final Path DEFAULT_DATA = Path.of(".docpipe");
    public static final int DEFAULT_PORT = 8787;
    public static final int DEFAULT_S3_PORT = 8788;
    public static final int DEFAULT_SQS_PORT = 8789;
    /** Same default as convert, for the same reasons (docs/local.md). */
    public static final Config.StoreKind DEFAULT_STORE = ConvertOptions.DEFAULT_STORE;
    static final String OPTIONS = "--data, --port, --s3-port, --sqs-port, --store, --no-redis, --sweep-interval,"
            + " --print-env, --help, " + RenderFlags.NAMES;

    public static final String USAGE = """
            usage: java -jar docpipe-local.jar serve [options]

            Runs the whole docpipe pipeline on this machine: the HTTP API (as API Gateway would serve it,
            with API keys), an S3 endpoint where any S3 client can upload under uploads/ to start a job,
            every function, and the sweeper. State is kept in the data directory and survives a restart;
            jobs in flight when it stopped carry on at the next start.

            options:
              --data DIR                    data directory (default ./.docpipe; one process at a time)
              --port N                      API port on 127.0.0.1 (default 8787)
              --s3-port N                   S3 endpoint port on 127.0.0.1 (default 8788)
              --sqs-port N                  SQS endpoint port on 127.0.0.1 (default 8789)
              --store dynamodb|postgres     job store (default: dynamodb)
              --no-redis                    run without the Redis fast path
              --sweep-interval SECONDS      how often the sweeper runs (default 30)
              --print-env                   print export lines for the AWS CLI and SDKs (endpoints, region,
                                            credentials, the API key) and exit; eval "$(docpipe env)" too
              -h, --help                    show this help

            render options (the default of every job; a job's own options win, one by one):
            """ + RenderFlags.USAGE + """

            DOCPIPE_* environment variables (limits, retention, timeouts; docs/architecture.md) apply as in
            Lambda. Stop with Ctrl-C. Exit codes: 0 stopped, 2 bad invocation, 3 the pipeline failed.
            """;

    public static ServeOptions parse(List<String> args) throws UsageException {
        String data = null;
        Integer port = null;
        Integer s3Port = null;
        Integer sqsPort = null;
        boolean printEnv = false;
        Config.StoreKind store = null;
        boolean redis = true;
        Integer sweep = null;
        boolean help = false;
        RenderFlags render = new RenderFlags();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (RenderFlags.optionOf(name) != null) {
                render.put(name, inline != null ? inline : ConvertOptions.value(args, ++i, name, "a value; see --help"));
                continue;
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--print-env" -> {
                    if (inline != null) {
                        throw new UsageException("--print-env takes no value; write just --print-env");
                    }
                    printEnv = true;
                }
                case "--no-redis" -> {
                    if (inline != null) {
                        throw new UsageException("--no-redis takes no value; write just --no-redis");
                    }
                    redis = false;
                }
                case "--data" -> {
                    once(data, name);
                    data = inline != null ? inline : ConvertOptions.value(args, ++i, name, "a directory, e.g. --data .docpipe");
                    if (data.isBlank()) {
                        throw new UsageException("--data needs a directory, e.g. --data .docpipe");
                    }
                }
                case "--port" -> {
                    once(port, name);
                    port = port(name, inline != null ? inline : ConvertOptions.value(args, ++i, name, "a port number, e.g. --port 8787"));
                }
                case "--s3-port" -> {
                    once(s3Port, name);
                    s3Port = port(name, inline != null ? inline : ConvertOptions.value(args, ++i, name, "a port number, e.g. --s3-port 8788"));
                }
                case "--sqs-port" -> {
                    once(sqsPort, name);
                    sqsPort = port(name, inline != null ? inline : ConvertOptions.value(args, ++i, name, "a port number, e.g. --sqs-port 8789"));
                }
                case "--store" -> {
                    once(store, name);
                    store = ConvertOptions.store(inline != null ? inline : ConvertOptions.value(args, ++i, name, "one of " + ConvertOptions.STORES));
                }
                case "--sweep-interval" -> {
                    once(sweep, name);
                    String v = inline != null ? inline : ConvertOptions.value(args, ++i, name, "seconds, e.g. --sweep-interval 30");
                    sweep = integer(name, v, 1, 3600, "a number of seconds from 1 to 3600");
                }
                default -> throw new UsageException((arg.startsWith("-") ? "unknown option " : "unexpected argument ")
                        + ConvertOptions.quote(arg) + "; serve takes no paths, its options are " + OPTIONS);
            }
        }
        Path dataPath;
        try {
            dataPath = data == null ? DEFAULT_DATA : Path.of(data);
        } catch (InvalidPathException e) {
            throw new UsageException("--data " + ConvertOptions.quote(data) + " is not a valid path; give a directory");
        }
        int p = port == null ? DEFAULT_PORT : port;
        int s = s3Port == null ? DEFAULT_S3_PORT : s3Port;
        int q = sqsPort == null ? DEFAULT_SQS_PORT : sqsPort;
        if (p == s && p != 0) {
            throw new UsageException("--port and --s3-port are both " + p + "; give them different ports");
        }
        if ((q == p || q == s) && q != 0) {
            throw new UsageException("--sqs-port " + q + " is also " + (q == p ? "--port" : "--s3-port")
                    + "; give them different ports");
        }
        return new ServeOptions(dataPath, p, s, q, store == null ? DEFAULT_STORE : store, redis,
                Duration.ofSeconds(sweep == null ? 30 : sweep), help, printEnv, render.validated());
    }

    private static void once(Object previous, String option) throws UsageException {
        if (previous != null) {
            throw new UsageException(option + " is given twice; give it once");
        }
    }

    private static int port(String option, String value) throws UsageException {
        return integer(option, value, 0, 65535, "a port number from 1 to 65535 (0: any free port)");
    }

    private static int integer(String option, String value, int min, int max, String expected) throws UsageException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException(option + " must be " + expected + ", not " + ConvertOptions.quote(value));
    }
}
