package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code serve}'s render flags are the default options of every job it runs: started with
 * {@code --paper a5 --footer …}, a job submitted without options comes out A5 with that footer on
 * every page, and a job's own option wins over the flag, one by one.
 */
class ServeRenderFlagsIT {
    @TempDir
    Path tmp;

    @Test
    void renderFlags_areEveryJobsDefaults_andAJobsOwnOptionsWin() throws Exception {
        try (ServeProcess serve = new ServeProcess(tmp.resolve("data"), tmp.resolve("serve.out"),
                List.of("--no-redis", "--paper", "a5", "--footer", "Served {page} of {pages}"))) {
            serve.start();
            String key = serve.key();
            StringBuilder markdown = new StringBuilder("# Flags\n\n");
            for (int i = 0; i < 60; i++) {
                markdown.append("Paragraph ").append(i).append(" of a document long enough for two pages.\n\n");
            }
            String content = TextNode.valueOf(markdown.toString()).toString();

            byte[] defaults = download(serve, key, awaitCompleted(serve, key, submit(serve, key,
                    "{\"content\":" + content + ",\"format\":\"markdown\"}")));
            byte[] own = download(serve, key, awaitCompleted(serve, key, submit(serve, key,
                    "{\"content\":" + content + ",\"format\":\"markdown\",\"options\":{\"paper\":\"letter\"}}")));

            try (PDDocument pdf = Loader.loadPDF(defaults)) {
                assertThat(pdf.getNumberOfPages()).isGreaterThan(1);
                for (int p = 0; p < pdf.getNumberOfPages(); p++) {
                    PDRectangle box = pdf.getPage(p).getMediaBox();
                    assertThat(box.getWidth()).as("A5 width, page %d", p + 1).isCloseTo(PDRectangle.A5.getWidth(), within(1f));
                    assertThat(box.getHeight()).as("A5 height, page %d", p + 1).isCloseTo(PDRectangle.A5.getHeight(), within(1f));
                    assertThat(pageText(pdf, p)).contains("Served " + (p + 1) + " of " + pdf.getNumberOfPages());
                }
            }
            try (PDDocument pdf = Loader.loadPDF(own)) {
                PDRectangle box = pdf.getPage(0).getMediaBox();
                assertThat(box.getWidth()).as("the job's own paper wins").isCloseTo(PDRectangle.LETTER.getWidth(), within(1f));
                assertThat(box.getHeight()).isCloseTo(PDRectangle.LETTER.getHeight(), within(1f));
                assertThat(pageText(pdf, 0)).as("the flag's footer still applies").contains("Served 1 of ");
            }
        }
    }

    private static String submit(ServeProcess serve, String key, String body) throws Exception {
        HttpResponse<String> r = serve.post("/jobs", key, body);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        return ServeProcess.json(r).path("id").asText();
    }

    private static JsonNode awaitCompleted(ServeProcess serve, String key, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = ServeProcess.json(serve.get("/jobs/" + id, key));
            if (!job.path("status").asText().matches("queued|running")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(job.path("status").asText()).as(String.valueOf(job)).isEqualTo("completed");
        return job;
    }

    private static byte[] download(ServeProcess serve, String key, JsonNode job) throws Exception {
        HttpResponse<byte[]> r = ServeProcess.HTTP.send(HttpRequest.newBuilder(
                URI.create(job.path("result").path("downloadUrl").asText())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String pageText(PDDocument pdf, int page) throws Exception {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(page + 1);
        stripper.setEndPage(page + 1);
        return stripper.getText(pdf).replaceAll("\\s+", " ");
    }
}
