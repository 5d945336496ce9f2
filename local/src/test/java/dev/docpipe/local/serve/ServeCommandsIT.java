package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./docpipe serve} started as a newcomer starts it, and the commands its banner prints pasted into a
 * shell exactly as printed, with nothing AWS-related in the environment: a {@code curl} that submits, an
 * {@code aws s3 cp} whose upload becomes a job, an {@code aws sqs list-queues}, and the {@code eval} of
 * {@code docpipe env} after which the plain AWS CLI reaches both endpoints. Its start prints nothing on
 * stderr (no JVM or library warnings).
 */
class ServeCommandsIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();

    @TempDir
    Path tmp;

    private record Run(int code, String stdout, String stderr) {
    }

    @Test
    void theBannersCommands_workAsPrinted_andTheStartPrintsNothingOnStderr() throws Exception {
        assumeTrue(run(tmp, "command -v aws").code() == 0, "the AWS CLI is not installed here");
        int port = ServeProcess.freePort();
        int s3Port = ServeProcess.freePort();
        int sqsPort = ServeProcess.freePort();
        Path out = tmp.resolve("serve.out");
        Path err = tmp.resolve("serve.err");
        ProcessBuilder b = new ProcessBuilder("./docpipe", "serve", "--data", tmp.resolve("data").toString(), "--port",
                String.valueOf(port), "--s3-port", String.valueOf(s3Port), "--sqs-port", String.valueOf(sqsPort), "--no-redis")
                .directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("DOCPIPE_BUILD", "never");
        Process serve = b.start();
        try {
            String banner = awaitReady(serve, out);
            assertThat(Files.readString(err)).as("serve's stderr during its start").isEmpty();
            List<String> commands = commands(banner);
            String submit = only(commands, c -> c.startsWith("curl") && c.contains(" -d "));
            String upload = only(commands, c -> c.contains(" s3 cp "));
            String queues = only(commands, c -> c.contains(" sqs list-queues"));
            String env = only(commands, c -> c.startsWith("eval "));

            Run submitted = run(tmp, submit);
            assertThat(submitted.code()).as(submitted.stderr()).isZero();
            assertThat(ServeProcess.json(submitted.stdout()).path("status").asText()).isEqualTo("queued");

            Files.writeString(tmp.resolve("doc.md"), "# Pasted\n\nUploaded with the command serve printed.\n");
            Run uploaded = run(tmp, upload);
            assertThat(uploaded.code()).as(uploaded.stderr()).isZero();
            String key = new String(Files.readAllBytes(tmp.resolve("data/api-keys.json")), StandardCharsets.UTF_8);
            String apiKey = ServeProcess.json(key).path("keys").get(0).path("value").asText();
            assertThat(awaitJobNamed(port, apiKey, "doc.md")).as("a job for the upload").isTrue();

            Run listed = run(tmp, queues);
            assertThat(listed.code()).as(listed.stderr()).isZero();
            assertThat(listed.stdout()).contains("docpipe-parse-high", "docpipe-ingest");

            // pasted as its own line (its comment included), then commands that rely on what it exported
            Run viaEnv = run(ROOT, "set -e\n" + env + "\n"
                    + "aws --endpoint-url \"$AWS_ENDPOINT_URL_SQS\" sqs list-queues --output text\n"
                    + "aws s3 ls s3://docpipe/uploads/dev/\n"
                    + "curl -s -H \"x-api-key: $DOCPIPE_API_KEY\" \"$DOCPIPE_API_URL/jobs?limit=1\"\n");
            assertThat(viaEnv.code()).as(viaEnv.stderr()).isZero();
            assertThat(viaEnv.stdout()).contains("docpipe-render-low", "doc.md", "\"items\"");
        } finally {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    /** The lines under "try:", continuation lines joined, as a shell would read them. */
    static List<String> commands(String banner) {
        List<String> commands = new ArrayList<>();
        boolean inTry = false;
        StringBuilder pending = new StringBuilder();
        for (String line : banner.lines().toList()) {
            if (line.equals("try:")) {
                inTry = true;
                continue;
            }
            if (!inTry || line.equals("Ctrl-C stops.")) {
                inTry = inTry && !line.equals("Ctrl-C stops.");
                continue;
            }
            String text = line.strip();
            if (text.endsWith("\\")) {
                pending.append(text, 0, text.length() - 1);
                continue;
            }
            pending.append(text);
            commands.add(pending.toString());
            pending.setLength(0);
        }
        return commands;
    }

    private static String only(List<String> commands, java.util.function.Predicate<String> which) {
        List<String> found = commands.stream().filter(which).toList();
        assertThat(found).as("one such command among " + commands).hasSize(1);
        return found.get(0);
    }

    private static String awaitReady(Process serve, Path out) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            if (printed.contains("Ctrl-C stops.")) {
                return printed;
            }
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited with " + serve.exitValue() + ":\n" + printed);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve was not ready within 120 s:\n" + Files.readString(out, StandardCharsets.UTF_8));
    }

    private static boolean awaitJobNamed(int port, String key, String filename) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Run r = run(Path.of("."), "curl -s -H 'x-api-key: " + key + "' 'http://127.0.0.1:" + port + "/jobs?limit=100'");
            for (JsonNode job : ServeProcess.json(r.stdout()).path("items")) {
                if (filename.equals(job.path("filename").asText())) {
                    return true;
                }
            }
            Thread.sleep(300);
        }
        return false;
    }

    /** {@code sh -c command}, with no AWS or docpipe variables in the environment (only what was printed counts). */
    private static Run run(Path dir, String command) throws Exception {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", command).directory(dir.toFile());
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("DOCPIPE_"));
        env.put("HOME", dir.toAbsolutePath().toString()); // no ~/.aws/config or credentials either
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("DOCPIPE_BUILD", "never");
        b.environment().clear();
        b.environment().putAll(env);
        Process p = b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
    }
}
