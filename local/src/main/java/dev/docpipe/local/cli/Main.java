package dev.docpipe.local.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar docpipe-local.jar <command> …}: the local mode's entry point. Commands:
 * {@code convert} (files and web pages to PDF through the whole pipeline on this machine) and
 * {@code serve} (the pipeline and its HTTP API until Ctrl-C).
 */
public final class Main {
    public static final int EXIT_OK = 0;
    /** Some documents failed. */
    public static final int EXIT_FAILED = 1;
    /** A bad invocation: nothing was started or written. */
    public static final int EXIT_USAGE = 2;
    /** The pipeline itself failed (could not start, or broke down). */
    public static final int EXIT_PIPELINE = 3;
    /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
    public static final int EXIT_INTERRUPTED = 130;

    static final String USAGE_LINE = "usage: java -jar docpipe-local.jar convert PATH... [--out DIR] [--priority high|default|low]"
            + " [--format html|markdown|text] [--url URL...] [--store dynamodb|postgres]  (convert --help for more)"
            + " | serve [--data DIR] [--port N] [--s3-port N] [--sqs-port N] [--store dynamodb|postgres] [--no-redis]"
            + "  (serve --help) | env [serve's options]";

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, isTerminal());
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs one command and returns its exit code (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length == 0) {
            err.println("docpipe: no command given; " + USAGE_LINE);
            return EXIT_USAGE;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (command) {
            case "convert" -> {
                try {
                    ConvertOptions options = ConvertOptions.parse(rest);
                    if (options.help()) {
                        out.print(ConvertOptions.USAGE);
                        return EXIT_OK;
                    }
                    return new ConvertCommand(out, err, terminal, Inputs.Access.SYSTEM).run(options);
                } catch (UsageException e) {
                    err.println("docpipe convert: " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
            case "serve" -> {
                try {
                    ServeOptions options = ServeOptions.parse(rest);
                    if (options.help()) {
                        out.print(ServeOptions.USAGE);
                        return EXIT_OK;
                    }
                    return new ServeCommand(out, err, System.getenv()).run(options);
                } catch (UsageException e) {
                    err.println("docpipe serve: " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
            case "env" -> {
                try {
                    ServeOptions options = ServeOptions.parse(rest);
                    if (options.help()) {
                        out.println("usage: docpipe env [--data DIR] [--port N] [--s3-port N] [--sqs-port N]: export lines"
                                + " for the AWS CLI and SDKs (endpoints, region, credentials, API key) of a serve with"
                                + " these options; use as eval \"$(./docpipe env)\"");
                        return EXIT_OK;
                    }
                    return new ServeCommand(out, err, System.getenv()).run(new ServeOptions(options.data(), options.port(),
                            options.s3Port(), options.sqsPort(), options.store(), options.redis(), options.sweepInterval(),
                            false, true, options.renderOptions()));
                } catch (UsageException e) {
                    err.println("docpipe env: " + e.getMessage());
                    return EXIT_USAGE;
                }
            }
            case "-h", "--help", "help" -> {
                out.println(USAGE_LINE);
                out.println("commands: convert (files and web pages to PDF), serve (the pipeline and its HTTP API; serve --help),"
                        + " env (export lines for the AWS CLI and SDKs against serve)");
                return EXIT_OK;
            }
            default -> {
                err.println("docpipe: unknown command '" + command + "'; the commands are convert, serve and env ("
                        + USAGE_LINE.substring("usage: ".length()) + ")");
                return EXIT_USAGE;
            }
        }
    }

    /**
     * Whether standard input and output are a terminal, so progress can be redrawn in place. JDK
     * 22–24 return a console even when redirected; {@code Console.isTerminal()} (JDK 22+, looked up
     * by reflection because the code targets 21) tells those apart.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }
}
