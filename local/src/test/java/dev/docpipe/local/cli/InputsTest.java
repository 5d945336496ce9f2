package dev.docpipe.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputsTest {
    @TempDir
    Path dir;

    private static final Inputs.Access ALL = Inputs.Access.SYSTEM;

    /** Root reads everything, so unreadable files are simulated. */
    private static Inputs.Access denying(Path denied) {
        return new Inputs.Access() {
            @Override
            public boolean readable(Path p) {
                return !p.toAbsolutePath().normalize().equals(denied.toAbsolutePath().normalize());
            }

            @Override
            public boolean writable(Path p) {
                return !p.toAbsolutePath().normalize().equals(denied.toAbsolutePath().normalize());
            }
        };
    }

    private Path file(String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @Test
    void xhtmlAndXhtFiles_areFound_andWhatIsSkippedIsReportedWithItsReason() throws Exception {
        file("page.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>");
        file("sub/old.XHT", "<html><body><p>y</p></body></html>");
        file("notes.pdf", "not a document");
        file("README", "no extension");
        file(".hidden.md", "hidden file");
        file(".git/config.md", "hidden directory");
        List<Inputs.Skipped> skipped = new java.util.ArrayList<>();

        List<Inputs.InputFile> files = Inputs.collect(List.of(dir.toString()), ALL, skipped);

        assertThat(files).extracting(f -> dir.relativize(f.path()).toString().replace('\\', '/'))
                .containsExactly("page.xhtml", "sub/old.XHT");
        assertThat(skipped).extracting(s -> s.display().substring(dir.toString().length() + 1), Inputs.Skipped::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(".git/", Inputs.Skipped.HIDDEN),
                        org.assertj.core.groups.Tuple.tuple(".hidden.md", Inputs.Skipped.HIDDEN),
                        org.assertj.core.groups.Tuple.tuple("README", Inputs.Skipped.NOT_A_DOCUMENT),
                        org.assertj.core.groups.Tuple.tuple("notes.pdf", Inputs.Skipped.NOT_A_DOCUMENT));
        assertThat(Inputs.Skipped.NOT_A_DOCUMENT).contains(".xhtml", ".xht");
    }

    @Test
    void directory_isSearchedRecursively_byExtension_sorted_skippingHiddenOnes() throws Exception {
        file("b.md", "# b");
        file("a.html", "<p>a</p>");
        file("sub/c.TXT", "c");
        file("sub/deeper/d.markdown", "d");
        file("sub/e.htm", "e");
        file("sub/f.text", "f");
        file("notes.pdf", "not a document");
        file("image.png", "x");
        file("README", "no extension");
        file(".hidden.md", "hidden file");
        file(".git/config.md", "hidden directory");

        List<Inputs.InputFile> files = Inputs.collect(List.of(dir.toString()), ALL);

        assertThat(files).extracting(f -> dir.relativize(f.path()).toString().replace('\\', '/'))
                .containsExactly("a.html", "b.md", "sub/c.TXT", "sub/deeper/d.markdown", "sub/e.htm", "sub/f.text");
        assertThat(files.get(2).display()).isEqualTo(dir.resolve("sub").resolve("c.TXT").toString());
        assertThat(files.get(0).size()).isEqualTo(8);
    }

    @Test
    void filesNamedExplicitly_mayHaveAnyExtension_andEachIsTakenOnce() throws Exception {
        Path readme = file("README", "plain words");
        Path md = file("x.md", "# x");

        List<Inputs.InputFile> files = Inputs.collect(List.of(readme.toString(), md.toString(), dir.toString(),
                md.toString()), ALL);

        assertThat(files).extracting(Inputs.InputFile::path).containsExactly(readme, md);
        assertThat(files.get(0).display()).isEqualTo(readme.toString());
    }

    @Test
    void missingFile_isNamed() {
        String missing = dir.resolve("nope.md").toString();

        assertThatThrownBy(() -> Inputs.collect(List.of(missing), ALL))
                .isInstanceOf(UsageException.class)
                .hasMessage("no such file or directory: " + missing + "; check the path");
    }

    @Test
    void aUrlGivenAsAPath_pointsToUrlOption() {
        assertThatThrownBy(() -> Inputs.collect(List.of("https://example.com/a"), ALL))
                .hasMessage("no such file or directory: https://example.com/a; check the path"
                        + " (to convert a web page, use --url https://example.com/a)");
    }

    @Test
    void unreadableFile_isNamed() throws Exception {
        Path secret = file("secret.md", "# s");

        assertThatThrownBy(() -> Inputs.collect(List.of(secret.toString()), denying(secret)))
                .hasMessage("cannot read " + secret + " (permission denied); make it readable or leave it out");
    }

    @Test
    void unreadableFileInADirectory_isNamedAsFound() throws Exception {
        file("ok.md", "# ok");
        Path secret = file("sub/secret.md", "# s");

        assertThatThrownBy(() -> Inputs.collect(List.of(dir.toString()), denying(secret)))
                .hasMessage("cannot read " + secret + " (permission denied); make it readable or leave it out");
    }

    @Test
    void unreadableSubdirectory_isNamed() throws Exception {
        file("ok.md", "# ok");
        file("locked/x.md", "# x");

        assertThatThrownBy(() -> Inputs.collect(List.of(dir.toString()), denying(dir.resolve("locked"))))
                .hasMessage("cannot read " + dir.resolve("locked") + " (permission denied); make it readable or leave it out");
    }

    @Test
    void directoryWithoutDocuments_saysWhichExtensionsCount() throws Exception {
        file("a.pdf", "x");
        file("b.docx", "x");

        assertThatThrownBy(() -> Inputs.collect(List.of(dir.toString()), ALL))
                .hasMessage("directory " + dir + " has no .html, .htm, .xhtml, .xht, .md, .markdown, .txt or .text files (searched"
                        + " recursively); give a directory with documents, or name the files");
    }

    @Test
    void outThatIsAFile_isRefused() throws Exception {
        Path f = file("out.pdf", "x");

        assertThatThrownBy(() -> Inputs.checkOut(f, ALL))
                .hasMessage("--out " + f + " is a file, not a directory; give a directory (it is created if missing)");
    }

    @Test
    void outUnderAFile_isRefused() throws Exception {
        Path f = file("plain", "x");

        assertThatThrownBy(() -> Inputs.checkOut(f.resolve("sub"), ALL))
                .hasMessage("--out " + f.resolve("sub") + " cannot be created: " + f + " is a file; give another directory");
    }

    @Test
    void outNotWritable_isRefused() {
        assertThatThrownBy(() -> Inputs.checkOut(dir, denying(dir)))
                .hasMessage("--out " + dir + " is not writable; give a directory you can write to");
        assertThatThrownBy(() -> Inputs.checkOut(dir.resolve("a/b"), denying(dir)))
                .hasMessage("--out " + dir.resolve("a/b") + " cannot be created in " + dir
                        + " (permission denied); give a directory you can write to");
    }

    @Test
    void outThatDoesNotExistYet_isFine_andIsNotCreatedByTheCheck() {
        Path out = dir.resolve("new/deeper");

        assertThatCode(() -> Inputs.checkOut(out, ALL)).doesNotThrowAnyException();
        assertThat(dir.resolve("new")).doesNotExist();
    }

    @Test
    void existingOutDirectory_isFine() {
        assertThatCode(() -> Inputs.checkOut(dir, ALL)).doesNotThrowAnyException();
    }
}
