package dev.docpipe.standins.moto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * moto (an independent implementation of AWS's APIs, from Python's {@code moto} package) as a
 * server on 127.0.0.1, the conformance peer of the project's own DynamoDB stand-in and the
 * Secrets Manager the tests talk to.
 *
 * <p>It does not run {@code moto_server}: that launcher serves moto's WSGI app on werkzeug's
 * threaded server, and moto's DynamoDB backend is not thread-safe (concurrent
 * {@code TransactWriteItems} answer HTTP 500 "dictionary changed size during iteration" and the
 * rollback restores a stale copy of the table). {@code moto_serial.py} serves the same app one
 * request at a time, so each request is atomic as DynamoDB promises; concurrent clients queue in
 * the listen backlog. The OS picks the port; the process exits when the JVM that started it goes
 * (its standard input closes).
 *
 * <p>The interpreter is {@code $DOCPIPE_PYTHON}, else the first of {@code python3.11},
 * {@code python3}, {@code ~/.pyenv/shims/python3.11} (where the image installs it, for a PATH without
 * it) that imports moto. {@link #unavailableReason()} says why moto cannot run here,
 * for tests to report themselves skipped with that reason.
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static Optional<String> python;
    private static String whyNot;
    private static MotoServer shared;

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Why moto cannot be started on this machine, or empty when it can. */
    public static synchronized Optional<String> unavailableReason() {
        findPython();
        return python.isPresent() ? Optional.empty() : Optional.of(whyNot);
    }

    /** The per-JVM server, started on first use. */
    public static synchronized MotoServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "moto-stop"));
        }
        return shared;
    }

    /** A server of its own. */
    public static MotoServer start() {
        String interpreter = unavailableReason().isEmpty() ? python.get() : null;
        if (interpreter == null) {
            throw new IllegalStateException("moto cannot run here: " + whyNot);
        }
        Path script = launcher();
        Process p;
        Path log;
        try {
            log = Files.createTempFile("docpipe-moto-", ".log");
            log.toFile().deleteOnExit();
            p = new ProcessBuilder(interpreter, script.toString())
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + interpreter, e);
        }
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> readPort(p.getInputStream()));
        try {
            int bound = port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new MotoServer(p, URI.create("http://127.0.0.1:" + bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while moto started", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("moto did not start within " + START_TIMEOUT + ": " + tail(log), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int readPort(InputStream out) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("MOTO_PORT=")) {
                    return Integer.parseInt(line.substring("MOTO_PORT=".length()).trim());
                }
            }
            throw new IllegalStateException("moto exited before it listened");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path launcher() {
        try (InputStream in = MotoServer.class.getResourceAsStream("moto_serial.py")) {
            if (in == null) {
                throw new IllegalStateException("moto_serial.py is missing from the classpath");
            }
            Path file = Files.createTempFile("docpipe-moto-", ".py");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void findPython() {
        if (python != null) {
            return;
        }
        String configured = System.getenv("DOCPIPE_PYTHON");
        List<String> candidates = configured != null && !configured.isBlank()
                ? List.of(configured)
                : List.of("python3.11", "python3", System.getProperty("user.home") + "/.pyenv/shims/python3.11");
        StringBuilder reasons = new StringBuilder();
        for (String candidate : candidates) {
            String problem = probe(candidate);
            if (problem == null) {
                python = Optional.of(candidate);
                return;
            }
            reasons.append(reasons.isEmpty() ? "" : "; ").append(candidate).append(": ").append(problem);
        }
        python = Optional.empty();
        whyNot = "no Python with moto and werkzeug (" + reasons + ")";
    }

    private static String probe(String interpreter) {
        try {
            Process p = new ProcessBuilder(interpreter, "-c",
                    "import moto, werkzeug, moto.moto_server.werkzeug_app; print(moto.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out importing moto";
            }
            if (p.exitValue() != 0) {
                String[] lines = out.split("\n");
                return lines[lines.length - 1];
            }
            return null;
        } catch (IOException e) {
            return "not found (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
