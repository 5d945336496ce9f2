package dev.docpipe.local.cli;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class OutputNamesTest {

    @Test
    void baseNameWithPdf() {
        OutputNames names = new OutputNames();

        assertThat(names.forFile("report.md")).isEqualTo("report.pdf");
        assertThat(names.forFile("archive.tar.txt")).isEqualTo("archive.tar.pdf");
        assertThat(names.forFile("README")).isEqualTo("README.pdf");
        assertThat(names.forFile("notes v2.html")).isEqualTo("notes v2.pdf");
    }

    @Test
    void clashes_getANumber_caseInsensitively() {
        OutputNames names = new OutputNames();

        assertThat(names.forFile("report.md")).isEqualTo("report.pdf");
        assertThat(names.forFile("report.html")).isEqualTo("report-2.pdf");
        assertThat(names.forFile("Report.txt")).isEqualTo("Report-3.pdf");
        assertThat(names.forFile("report-2.md")).isEqualTo("report-2-2.pdf");
    }

    @Test
    void urls_lastSegmentOrHost() {
        OutputNames names = new OutputNames();

        assertThat(names.forUrl(URI.create("https://example.com/docs/guide.html"))).isEqualTo("guide.pdf");
        assertThat(names.forUrl(URI.create("https://example.com/wiki/PDF"))).isEqualTo("PDF.pdf");
        assertThat(names.forUrl(URI.create("https://example.com/"))).isEqualTo("example.com.pdf");
        assertThat(names.forUrl(URI.create("https://example.com"))).isEqualTo("example.com-2.pdf");
        assertThat(names.forUrl(URI.create("https://example.com/a%20b/"))).isEqualTo("a b.pdf");
        assertThat(names.forUrl(URI.create("https://example.com/x?page=2"))).isEqualTo("x.pdf");
    }

    @Test
    void unsafeCharacters_becomeUnderscores_andNamesAreNeverHiddenOrEmpty() {
        assertThat(OutputNames.clean("a:b*c?")).isEqualTo("a_b_c_");
        assertThat(OutputNames.clean("..secret")).isEqualTo("secret");
        assertThat(OutputNames.clean("   ")).isEqualTo("document");
        assertThat(OutputNames.clean("x".repeat(300))).hasSize(120);
        assertThat(OutputNames.clean("Ελληνικά文档")).isEqualTo("Ελληνικά文档");
    }
}
