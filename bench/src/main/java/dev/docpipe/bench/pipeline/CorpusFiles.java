package dev.docpipe.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The documents of a corpus directory ({@code bench/corpus}'s output), without libraries on the class path. */
final class CorpusFiles {
    private CorpusFiles() {
    }

    /** Every file under {@code dir} but its SOURCES.tsv, sorted. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("SOURCES.tsv"))
                    .sorted()
                    .toList();
        }
    }
}
