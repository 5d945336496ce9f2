package dev.docpipe.local.cli;

import dev.docpipe.config.Config;
import dev.docpipe.job.Format;
import dev.docpipe.job.Priority;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConvertOptionsTest {

    private static ConvertOptions parse(String... args) throws UsageException {
        return ConvertOptions.parse(List.of(args));
    }

    @Test
    void defaults_outIsOut_priorityDefault_storeDynamodb_noFormat_noRedis() throws Exception {
        ConvertOptions o = parse("examples");

        assertThat(o.paths()).containsExactly("examples");
        assertThat(o.out()).isEqualTo(Path.of("out"));
        assertThat(o.priority()).isEqualTo(Priority.DEFAULT);
        assertThat(o.format()).isNull();
        assertThat(o.store()).isEqualTo(Config.StoreKind.DYNAMODB);
        assertThat(o.redis()).isFalse();
        assertThat(o.urls()).isEmpty();
        assertThat(o.help()).isFalse();
        assertThat(o.verbose()).isFalse();
        assertThat(parse("examples", "--verbose").verbose()).isTrue();
        assertThat(parse("-v", "examples").verbose()).isTrue();
    }

    @Test
    void everyOption_inBothSpellings() throws Exception {
        ConvertOptions o = parse("a.md", "--out", "pdfs", "--priority", "HIGH", "--format=markdown", "--store", "postgres",
                "--redis", "b.html", "--url=https://example.com/x");

        assertThat(o.paths()).containsExactly("a.md", "b.html");
        assertThat(o.out()).isEqualTo(Path.of("pdfs"));
        assertThat(o.priority()).isEqualTo(Priority.HIGH);
        assertThat(o.format()).isEqualTo(Format.MARKDOWN);
        assertThat(o.store()).isEqualTo(Config.StoreKind.POSTGRES);
        assertThat(o.redis()).isTrue();
        assertThat(o.urls()).containsExactly(URI.create("https://example.com/x"));
    }

    @Test
    void renderFlags_becomeCanonicalRenderOptions() throws Exception {
        ConvertOptions o = parse("a.html", "--paper", "Letter", "--orientation=landscape", "--margins", "10mm 15mm 10mm 15mm",
                "--header", "ACME {title}", "--footer", "Seite {page} von {pages}", "--page-numbers", "off",
                "--document-css-only", "on", "--font-size", "12", "--language", "de-CH", "--pdfa", "off");

        assertThat(o.renderOptions()).containsOnly(java.util.Map.entry("paper", "letter"),
                java.util.Map.entry("orientation", "landscape"), java.util.Map.entry("margins", "10mm 15mm 10mm 15mm"),
                java.util.Map.entry("header", "ACME {title}"), java.util.Map.entry("footer", "Seite {page} von {pages}"),
                java.util.Map.entry("pageNumbers", "off"), java.util.Map.entry("documentCssOnly", "on"),
                java.util.Map.entry("fontSize", "12pt"), java.util.Map.entry("language", "de-CH"),
                java.util.Map.entry("pdfa", "off"));
        assertThat(parse("a.html").renderOptions()).isEmpty();
    }

    @Test
    void invalidRenderFlags_areUsageErrors_namingTheFlagAndWhatItAccepts() {
        assertThatThrownBy(() -> parse("a.html", "--paper", "b5")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--paper: ").hasMessageContaining("a3, a4, a5, letter");
        assertThatThrownBy(() -> parse("a.html", "--page-numbers", "maybe")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--page-numbers: ").hasMessageContaining("on, off");
        assertThatThrownBy(() -> parse("a.html", "--margins", "1mm", "--margins", "2mm")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--margins is given twice");
        assertThatThrownBy(() -> parse("a.html", "--header")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--header needs a value");
        assertThatThrownBy(() -> parse("a.html", "--papr", "a4")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--paper, --orientation");
    }

    @Test
    void serve_takesTheSameRenderFlags_asDefaults() throws Exception {
        assertThat(ServeOptions.parse(List.of("--paper=A5", "--pdfa", "off")).renderOptions())
                .containsOnly(java.util.Map.entry("paper", "a5"), java.util.Map.entry("pdfa", "off"));
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--font-size", "99pt"))).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--font-size: ");
    }

    @Test
    void url_takesTheUrlsThatFollow_butNotAPath_andDropsRepeats() throws Exception {
        ConvertOptions o = parse("--url", "https://a.example/1", "http://b.example/2", "https://a.example/1", "docs",
                "--url", "https://c.example/");

        assertThat(o.urls()).extracting(URI::toString)
                .containsExactly("https://a.example/1", "http://b.example/2", "https://c.example/");
        assertThat(o.paths()).containsExactly("docs");
    }

    @Test
    void urlsAlone_needNoPaths() throws Exception {
        assertThat(parse("--url", "https://example.com").paths()).isEmpty();
    }

    @Test
    void doubleDash_endsOptions() throws Exception {
        assertThat(parse("--", "--weird-name.md").paths()).containsExactly("--weird-name.md");
    }

    @Test
    void help_isRecognised_evenWithoutPaths() throws Exception {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
    }

    @Test
    void nothingToConvert_saysWhatToGive() {
        assertThatThrownBy(() -> parse())
                .isInstanceOf(UsageException.class)
                .hasMessage("nothing to convert; give files or directories, e.g. 'convert examples', or --url URL");
        assertThatThrownBy(() -> parse("--out", "x"))
                .hasMessageStartingWith("nothing to convert");
    }

    @Test
    void unknownOption_namesItAndTheKnownOnes() {
        assertThatThrownBy(() -> parse("a.md", "--outdir", "x"))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown option '--outdir'; the options are --out, --priority, --format, --url, --store, --redis,"
                        + " --verbose, --help, --paper, --orientation, --margins, --header, --footer, --page-numbers, --document-css-only, --font-size, --language, --pdfa");
        assertThatThrownBy(() -> parse("-x", "a.md")).hasMessageStartingWith("unknown option '-x'");
    }

    @Test
    void badPriority_namesTheAcceptedValues() {
        assertThatThrownBy(() -> parse("a.md", "--priority", "urgent"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--priority must be one of high, default, low, not 'urgent'");
    }

    @Test
    void badFormat_namesTheAcceptedValues() {
        assertThatThrownBy(() -> parse("a.md", "--format", "pdf"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--format must be one of html, markdown, text, not 'pdf'");
    }

    @Test
    void formatShortNames_areAccepted() throws Exception {
        assertThat(parse("a", "--format", "md").format()).isEqualTo(Format.MARKDOWN);
        assertThat(parse("a", "--format", "TXT").format()).isEqualTo(Format.TEXT);
        assertThat(parse("a", "--format", "Html").format()).isEqualTo(Format.HTML);
    }

    @Test
    void badStore_namesTheAcceptedValues() {
        assertThatThrownBy(() -> parse("a.md", "--store", "sqlite"))
                .hasMessage("--store must be one of dynamodb, postgres, not 'sqlite'");
    }

    @Test
    void missingValues_sayWhatIsExpected() {
        assertThatThrownBy(() -> parse("a.md", "--out")).hasMessage("--out needs a value: a directory, e.g. --out out");
        assertThatThrownBy(() -> parse("a.md", "--priority")).hasMessage("--priority needs a value: one of high, default, low");
        assertThatThrownBy(() -> parse("a.md", "--format", "--out", "x"))
                .hasMessage("--format needs a value: one of html, markdown, text");
        assertThatThrownBy(() -> parse("a.md", "--url")).hasMessage("--url needs a value: an http:// or https:// URL");
        assertThatThrownBy(() -> parse("a.md", "--out=")).hasMessage("--out needs a directory, e.g. --out out");
    }

    @Test
    void repeatedSingleOptions_areRefused() {
        assertThatThrownBy(() -> parse("a.md", "--out", "x", "--out", "y")).hasMessage("--out is given twice; give it once");
        assertThatThrownBy(() -> parse("a.md", "--priority", "low", "--priority", "high"))
                .hasMessage("--priority is given twice; give it once");
    }

    @Test
    void badUrls_sayWhatAUrlMustLookLike() {
        assertThatThrownBy(() -> parse("--url", "ftp://example.com/a"))
                .hasMessage("--url 'ftp://example.com/a' is not an http:// or https:// URL; only web pages can be fetched");
        assertThatThrownBy(() -> parse("--url", "file:///etc/passwd"))
                .hasMessageEndingWith("(give local files as paths, without --url)");
        assertThatThrownBy(() -> parse("--url", "https:///nohost"))
                .hasMessage("--url 'https:///nohost' has no host name; write it like https://example.com/page");
        assertThatThrownBy(() -> parse("--url", "https://exa mple.com/"))
                .hasMessageStartingWith("--url 'https://exa mple.com/' is not a valid URL");
    }

    @Test
    void redisTakesNoValue() {
        assertThatThrownBy(() -> parse("a.md", "--redis=yes")).hasMessage("--redis takes no value; write just --redis");
    }

    @Test
    void everyMessage_isOneLine() {
        for (String[] args : new String[][]{{}, {"a", "--bogus"}, {"a", "--priority", "x"}, {"a", "--format", "x"},
                {"a", "--store", "x"}, {"a", "--out"}, {"--url", "ftp://x"}}) {
            assertThatThrownBy(() -> parse(args)).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
