package dev.docpipe.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode's event sources never hand a function more messages per invocation than template.yaml's
 * event source mappings would: a worker runs its batch one message after the other, so a larger batch
 * makes a message wait behind its batch-mates where Lambda would have run it in an invocation of its own
 * (render, one document per invocation: a small document waited a minute behind four large ones in a
 * batch of five; docs/benchmarks.md, "End to end: 5,000 documents uploaded through serve").
 */
class BatchSizeTemplateTest {
    private static final Pattern RESOURCE = Pattern.compile("^  ([A-Za-z0-9]+)Function:\\s*$");
    private static final Pattern BATCH_SIZE = Pattern.compile("^\\s+BatchSize:\\s*(\\d+)\\s*$");

    @Test
    void noLocalBatchIsLargerThanTheTemplatesBatchSize() throws IOException {
        Path template = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().resolveSibling("template.yaml");
        Map<String, Integer> smallest = new TreeMap<>();
        String function = null;
        for (String line : Files.readAllLines(template)) {
            Matcher resource = RESOURCE.matcher(line);
            if (resource.matches()) {
                function = resource.group(1).toLowerCase(Locale.ROOT);
            } else if (line.matches("^  \\S.*")) {
                function = null;
            }
            Matcher batch = BATCH_SIZE.matcher(line);
            if (function != null && batch.matches()) {
                smallest.merge(function, Integer.parseInt(batch.group(1)), Math::min);
            }
        }

        assertThat(smallest).as("template.yaml's SQS event sources").containsKeys("ingest", "parse", "render", "store");
        smallest.forEach((name, size) -> assertThat(LocalPipeline.batchSize(name))
                .as("local batch size of %s (template.yaml: BatchSize %d)", name, size).isBetween(1, size));
    }
}
