package dev.docpipe.local.cli;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The runnable jar, as a user runs it: {@code java -jar local/target/docpipe-local.jar convert …} in a
 * child process (failsafe runs after {@code package}, so the shaded jar exists; running it proves
 * the shading — merged {@code reference.conf}, service files, the embedded PostgreSQL and
 * redis-server binaries as resources — and not just the classes on the test class path).
 */
class ConvertCommandIT {
    private static Path jar;
    private static Path examples;

    @TempDir
    Path tmp;

    private record Run(int code, String stdout, String stderr) {
    }

    @BeforeAll
    static void locate() {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        jar = module.resolve("target/docpipe-local.jar");
        examples = module.resolveSibling("examples");
        assertThat(jar).as("the shaded jar; build it with mvn package first").isRegularFile();
        assertThat(examples).as("the examples directory next to the local module").isDirectory();
    }

    private Run run(List<String> args, long timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Path stdout = tmp.resolve("stdout.txt");
        Path stderr = tmp.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            throw new AssertionError("convert did not finish within " + timeoutSeconds + " s; stdout:\n"
                    + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
        }
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static List<Path> documents(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(Inputs::convertible).sorted().toList();
        }
    }

    private static String pdfName(Path source) {
        String name = source.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.')) + ".pdf";
    }

    private static String text(Path pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertThat(doc.getNumberOfPages()).as("pages of %s", pdf.getFileName()).isPositive();
            return new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
        }
    }

    @Test
    void examples_becomeOnePdfEach_thatPdfBoxOpens() throws Exception {
        Path out = tmp.resolve("pdfs");
        List<Path> sources = documents(examples);
        assertThat(sources).hasSizeGreaterThanOrEqualTo(5);

        Run run = run(List.of("convert", examples.toString(), "--out", out.toString()), 600);

        assertThat(run.code()).as("exit code; stdout:%n%s%nstderr:%n%s", run.stdout(), run.stderr()).isZero();
        for (Path source : sources) {
            Path pdf = out.resolve(pdfName(source));
            assertThat(pdf).as("PDF of %s", source.getFileName()).isRegularFile();
            assertThat(text(pdf)).isNotBlank();
        }
        try (Stream<Path> written = Files.list(out)) {
            assertThat(written.map(p -> p.getFileName().toString()))
                    .as("only the PDFs, no temporary files").hasSize(sources.size()).allMatch(n -> n.endsWith(".pdf"));
        }
        assertThat(run.stdout()).contains(sources.size() + " of " + sources.size() + " converted, 0 failed")
                .contains("progress: ").doesNotContain("\r");
        assertThat(text(out.resolve("multilingual.pdf"))).contains("έγγραφο", "документ", "文档");
        assertThat(text(out.resolve("quarterly-report.pdf"))).contains("Northern Europe", "1,385");
        try (PDDocument handbook = Loader.loadPDF(out.resolve("operations-handbook.pdf").toFile())) {
            assertThat(handbook.getNumberOfPages()).as("the long example spans pages").isGreaterThan(2);
        }
    }

    @Test
    void missingFile_exitsTwo_withOneLineNamingIt_andWritesNothing() throws Exception {
        Path out = tmp.resolve("never");

        Run run = run(List.of("convert", "no-such-report.md", "--out", out.toString()), 120);

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr().lines().filter(l -> !l.startsWith("WARNING: ")))
                .containsExactly("docpipe convert: no such file or directory: no-such-report.md; check the path");
        assertThat(run.stdout()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @Test
    void postgresAndRedis_startFromTheJar_andAFailedDocumentMakesExitOne() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(examples.resolve("release-notes.md"), in.resolve("release-notes.md"));
        Files.write(in.resolve("binary.html"), new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Path out = tmp.resolve("pdfs");

        Run run = run(List.of("convert", in.toString(), "--out", out.toString(), "--store", "postgres", "--redis",
                "--priority", "high"), 600);

        assertThat(run.code()).as("exit code; stdout:%n%s%nstderr:%n%s", run.stdout(), run.stderr()).isEqualTo(1);
        assertThat(run.stdout()).contains("(store postgres, redis)", "1 of 2 converted, 1 failed", "failed:")
                .containsPattern("binary\\.html: unsupported_content: .+");
        assertThat(text(out.resolve("release-notes.pdf"))).contains("Release notes 2.4");
        assertThat(out.resolve("binary.pdf")).doesNotExist();
    }

    @Test
    void renderFlags_reachEveryPdf() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(examples.resolve("operations-handbook.html"), in.resolve("operations-handbook.html"));
        Path out = tmp.resolve("pdfs");

        Run run = run(List.of("convert", in.toString(), "--out", out.toString(), "--paper", "letter",
                "--orientation", "landscape", "--header", "Handbook {page}/{pages}"), 600);

        assertThat(run.code()).as("exit code; stdout:%n%s%nstderr:%n%s", run.stdout(), run.stderr()).isZero();
        try (PDDocument pdf = Loader.loadPDF(out.resolve("operations-handbook.pdf").toFile())) {
            assertThat(pdf.getNumberOfPages()).isGreaterThan(1);
            for (int p = 0; p < pdf.getNumberOfPages(); p++) {
                PDRectangle box = pdf.getPage(p).getMediaBox();
                assertThat(box.getWidth()).as("Letter landscape width, page %d", p + 1)
                        .isCloseTo(PDRectangle.LETTER.getHeight(), within(1f));
                assertThat(box.getHeight()).isCloseTo(PDRectangle.LETTER.getWidth(), within(1f));
                PDFTextStripper stripper = new PDFTextStripper();
                stripper.setStartPage(p + 1);
                stripper.setEndPage(p + 1);
                assertThat(stripper.getText(pdf)).contains("Handbook " + (p + 1) + "/" + pdf.getNumberOfPages());
            }
        }
    }
}
