package dev.docpipe.local.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad invocations of {@code serve}, run as a user runs the jar: one line saying what and how to fix
 * it, exit code 2, nothing started and nothing written.
 */
class ServeInvocationIT {
    @TempDir
    Path tmp;

    private record Run(int code, String stdout, String stderr) {
    }

    private Run serve(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServeProcess.jar().toString(), "serve"));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("serve did not exit within 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.startsWith("WARNING:")).toList();
    }

    @Test
    void portInUse_exit2_namesThePortAndTheOption_andCreatesNoDataDirectory() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = serve("--data", tmp.resolve("data").toString(), "--port", String.valueOf(taken.getLocalPort()));

            assertThat(r.code()).isEqualTo(2);
            assertThat(lines(r.stderr())).containsExactly("docpipe serve: port " + taken.getLocalPort()
                    + " is in use (Address already in use); stop what uses it or pass --port N");
            assertThat(tmp.resolve("data")).doesNotExist();
        }
    }

    @Test
    void dataDirectoryLockedByAnotherServe_exit2_namesTheHolder() throws Exception {
        Path data = tmp.resolve("data");
        try (ServeProcess first = new ServeProcess(data, tmp.resolve("first.out"), List.of("--no-redis"))) {
            first.start();
            Run r = serve("--data", data.toString(), "--port", String.valueOf(ServeProcess.freePort()),
                    "--s3-port", String.valueOf(ServeProcess.freePort()), "--sqs-port", String.valueOf(ServeProcess.freePort()));

            assertThat(r.code()).isEqualTo(2);
            assertThat(lines(r.stderr())).singleElement().asString()
                    .startsWith("docpipe serve: data directory " + data.toAbsolutePath() + " is in use by another docpipe serve (pid "
                            + first.process().pid() + ")")
                    .endsWith("stop that process, or give another --data DIR");
            assertThat(first.process().isAlive()).as("the first one is untouched").isTrue();
        }
    }

    @Test
    void unknownOptionOrBadValues_exit2_withOneLineEach() throws Exception {
        Run unknown = serve("--colour", "red");
        Run port = serve("--port", "http");
        Run same = serve("--port", "9100", "--s3-port", "9100");
        Run store = serve("--store", "mysql");
        Run stray = serve("examples");

        assertThat(unknown.code()).isEqualTo(2);
        assertThat(lines(unknown.stderr())).containsExactly("docpipe serve: unknown option '--colour'; serve takes no paths, "
                + "its options are --data, --port, --s3-port, --sqs-port, --store, --no-redis, --sweep-interval, --print-env, --help, "
                + "--paper, --orientation, --margins, --header, --footer, --page-numbers, --document-css-only, --font-size, --language, --pdfa");
        assertThat(lines(port.stderr())).containsExactly(
                "docpipe serve: --port must be a port number from 1 to 65535 (0: any free port), not 'http'");
        assertThat(lines(same.stderr())).containsExactly("docpipe serve: --port and --s3-port are both 9100; give them different ports");
        assertThat(lines(store.stderr())).containsExactly("docpipe serve: --store must be one of dynamodb, postgres, not 'mysql'");
        assertThat(lines(stray.stderr())).singleElement().asString().startsWith("docpipe serve: unexpected argument 'examples'");
        for (Run r : List.of(port, same, store, stray)) {
            assertThat(r.code()).isEqualTo(2);
        }
        assertThat(tmp.resolve(".docpipe")).as("nothing written").doesNotExist();
    }

    @Test
    void dataPathIsAFile_exit2() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

        Run r = serve("--data", file.toString(), "--port", String.valueOf(ServeProcess.freePort()),
                "--s3-port", String.valueOf(ServeProcess.freePort()), "--sqs-port", String.valueOf(ServeProcess.freePort()));

        assertThat(r.code()).isEqualTo(2);
        assertThat(lines(r.stderr())).containsExactly("docpipe serve: --data " + file + " is a file, not a directory; give a directory");
    }
}
