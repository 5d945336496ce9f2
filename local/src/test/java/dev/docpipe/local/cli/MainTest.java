package dev.docpipe.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad invocations through {@link Main#run}: exit 2, one line on stderr, nothing on stdout, nothing written. */
class MainTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(Result r, String message) {
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly(message);
    }

    @Test
    void noArguments_printsTheUsageLine() {
        Result r = run();

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("docpipe: no command given; usage: java -jar docpipe-local.jar convert PATH...");
    }

    @Test
    void serveHelp_printsItsOptions_andServeWithABadOption_isAUsageError() {
        Result help = run("serve", "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("usage: java -jar docpipe-local.jar serve [options]", "--data DIR", "--no-redis");
        assertUsageError(run("serve", "--port", "99999"),
                "docpipe serve: --port must be a port number from 1 to 65535 (0: any free port), not '99999'");
    }

    @Test
    void unknownCommand_namesTheCommands() {
        Result r = run("convrt", "x");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("docpipe: unknown command 'convrt'; the commands are convert, serve and env");
    }

    @Test
    void help_goesToStdout_withExitZero() {
        Result r = run("convert", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("usage: java -jar docpipe-local.jar convert PATH... [options]", "--priority", "exit codes");
        assertThat(r.err()).isEmpty();
        assertThat(run("--help").code()).isZero();
    }

    @Test
    void convertWithoutInputs() {
        assertUsageError(run("convert"),
                "docpipe convert: nothing to convert; give files or directories, e.g. 'convert examples', or --url URL");
    }

    @Test
    void missingFile_writesNothing() {
        Path out = dir.resolve("out");
        String missing = dir.resolve("missing.md").toString();

        assertUsageError(run("convert", missing, "--out", out.toString()),
                "docpipe convert: no such file or directory: " + missing + "; check the path");
        assertThat(out).doesNotExist();
    }

    @Test
    void oneBadFileAmongGoodOnes_stillWritesNothing() throws Exception {
        Path good = Files.writeString(dir.resolve("good.md"), "# good");
        Path out = dir.resolve("out");

        Result r = run("convert", good.toString(), dir.resolve("bad.md").toString(), "--out", out.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(out).doesNotExist();
    }

    @Test
    void outIsAFile() throws Exception {
        Path good = Files.writeString(dir.resolve("good.md"), "# good");
        Path file = Files.writeString(dir.resolve("out.pdf"), "x");

        assertUsageError(run("convert", good.toString(), "--out", file.toString()),
                "docpipe convert: --out " + file + " is a file, not a directory; give a directory (it is created if missing)");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void directoryWithoutDocuments() throws Exception {
        Files.writeString(dir.resolve("a.pdf"), "x");

        assertUsageError(run("convert", dir.toString(), "--out", dir.resolve("out").toString()),
                "docpipe convert: directory " + dir + " has no .html, .htm, .xhtml, .xht, .md, .markdown, .txt or .text files"
                        + " (searched recursively); give a directory with documents, or name the files");
    }

    @Test
    void badOptionValues() {
        assertUsageError(run("convert", "x.md", "--priority", "urgent"),
                "docpipe convert: --priority must be one of high, default, low, not 'urgent'");
        assertUsageError(run("convert", "x.md", "--format", "docx"),
                "docpipe convert: --format must be one of html, markdown, text, not 'docx'");
        assertUsageError(run("convert", "x.md", "--colour"),
                "docpipe convert: unknown option '--colour'; the options are --out, --priority, --format, --url, --store, --redis,"
                        + " --verbose, --help, --paper, --orientation, --margins, --header, --footer, --page-numbers, --document-css-only, --font-size, --language, --pdfa");
    }

    @Test
    void optionsAreCheckedBeforeFiles() {
        // a bad option is reported even when the file is missing too: the first problem is the option
        Result r = run("convert", "missing.md", "--priority", "asap");

        assertThat(r.err()).contains("--priority must be one of high, default, low");
    }
}
