package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API of a running {@code serve} over real HTTP with a plain client, as curl would use it: the
 * gateway's key check, the handlers' validation errors, submit → poll → download, and an upload
 * through the S3 API.
 */
class ServeApiIT {
    @TempDir
    static Path tmp;
    private static ServeProcess serve;
    private static String key;
    private static String banner;

    @BeforeAll
    static void startServe() throws Exception {
        serve = new ServeProcess(tmp.resolve("data"), tmp.resolve("serve.out"), List.of("--no-redis"));
        banner = serve.start();
        key = serve.key();
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            assertThat(serve.stop()).isZero();
        }
    }

    @Test
    void theBannerPrintsTheApiUrlTheKeyTheS3EndpointAndACurlExample() {
        assertThat(banner).contains("http://127.0.0.1:" + serve.port)
                .contains(key)
                .contains("http://127.0.0.1:" + serve.s3Port).contains("bucket docpipe")
                .contains("curl -s -H 'x-api-key: " + key + "'");
    }

    @Test
    void onceReady_parseAndRenderAreWarmedUpInTheBackground() throws Exception {
        Path log = serve.data.resolve("serve.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String text = Files.readString(log);
        while (!text.contains("parse and render warmed up in") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            text = Files.readString(log);
        }

        assertThat(text.lines().filter(line -> line.contains("parse and render warmed up in")))
                .singleElement().asString().contains("\"thread\":\"docpipe-warm-up\"");
        assertThat(text).doesNotContain("warm-up failed");
    }

    @Test
    void withoutAKeyOrWithAWrongOne_theGatewayAnswers403Forbidden_andHealthNeedsNoKey() throws Exception {
        HttpResponse<String> none = serve.get("/jobs", null);
        HttpResponse<String> wrong = serve.post("/jobs", "dp_not-a-key-0000000000000000", "{\"content\":\"x\"}");

        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(ServeProcess.json(none).path("message").asText()).isEqualTo("Forbidden");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(serve.get("/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> nowhere = serve.get("/no/such/resource", key);
        assertThat(nowhere.statusCode()).isEqualTo(403);
        assertThat(ServeProcess.json(nowhere).path("message").asText()).isEqualTo("Missing Authentication Token");
    }

    @Test
    void badJson_is400WithTheCodeAndTheField() throws Exception {
        HttpResponse<String> malformed = serve.post("/jobs", key, "{\"content\": ");
        HttpResponse<String> wrongType = serve.post("/jobs", key, "{\"content\": 42}");
        HttpResponse<String> unknown = serve.post("/jobs", key, "{\"content\": \"x\", \"colour\": \"red\"}");
        HttpResponse<String> badPriority = serve.post("/jobs", key, "{\"content\": \"x\", \"priority\": \"urgent\"}");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(malformed).path("error").path("code").asText()).isEqualTo("invalid_request");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(wrongType).path("error").path("field").asText()).isEqualTo("content");
        assertThat(ServeProcess.json(unknown).path("error").path("code").asText()).isEqualTo("unknown_field");
        assertThat(ServeProcess.json(unknown).path("error").path("field").asText()).isEqualTo("colour");
        assertThat(badPriority.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(badPriority).path("error").path("code").asText()).isEqualTo("invalid_priority");
        assertThat(malformed.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void aTimeRangeOutsideWhatAJobIdCanHold_is400NamingTheField() throws Exception {
        HttpResponse<String> farFuture = serve.get("/jobs?since=%2B1000000000-12-31T23:59:59Z", key);
        HttpResponse<String> yearZero = serve.get("/jobs?since=0000-01-01T00:00:00Z", key);
        HttpResponse<String> beforeEpoch = serve.get("/jobs?until=1969-12-31T23:59:59Z", key);

        assertThat(farFuture.statusCode()).as(farFuture.body()).isEqualTo(400);
        assertThat(ServeProcess.json(farFuture).path("error").path("code").asText()).isEqualTo("invalid_request");
        assertThat(ServeProcess.json(farFuture).path("error").path("field").asText()).isEqualTo("since");
        assertThat(yearZero.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(yearZero).path("error").path("field").asText()).isEqualTo("since");
        assertThat(beforeEpoch.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(beforeEpoch).path("error").path("field").asText()).isEqualTo("until");
        assertThat(ServeProcess.json(beforeEpoch).path("error").path("message").asText())
                .contains("1970-01-01T00:00:00Z");
    }

    @Test
    void aBodyOverTenMegabytes_isRefusedByTheGatewayWith413() throws Exception {
        String body = "{\"content\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}";
        // the answer goes out while the client is still sending: each time it must reach the client whole
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = serve.post("/jobs", key, body);

            assertThat(r.statusCode()).as("attempt %d", i).isEqualTo(413);
            assertThat(ServeProcess.json(r).path("code").asText()).isEqualTo("payload_too_large");
        }
    }

    @Test
    void routesWithoutABody_refuseOneBeforeReadingIt() throws Exception {
        for (String path : List.of("/health", "/", "/assets/app.js", "/metrics")) {
            // 10 MB announced, nothing sent: a gateway that read the body would wait for it
            String head = rawRequest("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10485760\r\n\r\n");
            assertThat(head).as(path).startsWith("HTTP/1.1 413").contains("\"code\":\"body_not_allowed\"");
        }
        String chunked = rawRequest("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("\"code\":\"body_not_allowed\"");
        String delete = rawRequest("DELETE /jobs/01a21225-d900-70ef-a754-d618b4ed4c31 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "x-api-key: " + key + "\r\nContent-Length: 5000000\r\n\r\n");
        assertThat(delete).startsWith("HTTP/1.1 413").contains("\"code\":\"body_not_allowed\"");
        assertThat(serve.get("/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverItsRoutesLimit_isRefusedWhileReading() throws Exception {
        String announced = rawRequest("POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: 10485761\r\n\r\n");
        assertThat(announced).startsWith("HTTP/1.1 413").contains("\"code\":\"payload_too_large\"");

        String big = "{\"filename\":\"" + "a".repeat(70 * 1024) + "\"}";
        HttpResponse<String> upload = ServeProcess.HTTP.send(HttpRequest.newBuilder(serve.api("/uploads"))
                .timeout(Duration.ofSeconds(30)).header("x-api-key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(413);
        assertThat(ServeProcess.json(upload).path("code").asText()).isEqualTo("payload_too_large");
    }

    /** Sends {@code request} as written and returns what comes back within 10 s (the connection is then closed). */
    private static String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", serve.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && !got.toString().contains("}")) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                got.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return got.toString();
        }
    }

    @Test
    void submitPollDownload_givesThePdfOfTheDocument() throws Exception {
        HttpResponse<String> submitted = serve.post("/jobs", key,
                "{\"content\":\"# Served over HTTP\\n\\nA paragraph from the API test.\",\"format\":\"markdown\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = ServeProcess.json(submitted).path("id").asText();
        assertThat(submitted.headers().firstValue("Location")).hasValue("/jobs/" + id);

        JsonNode job = awaitCompleted(id);
        byte[] pdf = download(job);

        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(new PDFTextStripper().getText(doc)).contains("Served over HTTP");
        }
        HttpResponse<String> again = serve.post("/jobs", key,
                "{\"content\":\"# Served over HTTP\\n\\nA paragraph from the API test.\",\"format\":\"markdown\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(ServeProcess.json(again).path("id").asText()).isEqualTo(id);
    }

    @Test
    void aFilePutThroughTheS3Api_becomesAJobOfTheKey() throws Exception {
        try (S3Client s3 = serve.s3()) {
            s3.putObject(b -> b.bucket("docpipe").key("uploads/high/dev/from-s3.html"),
                    RequestBody.fromString("<h1>Uploaded with an S3 client</h1>"));
        }
        JsonNode job = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (job == null && System.nanoTime() < deadline) {
            JsonNode found = ServeProcess.json(serve.get("/jobs?uploadKey=uploads/high/dev/from-s3.html", key));
            job = found.path("items").size() == 1 ? found.path("items").get(0) : null;
            Thread.sleep(200);
        }
        assertThat(job).as("the job of the upload key").isNotNull();
        assertThat(job.path("priority").asText()).isEqualTo("high");
        assertThat(job.path("filename").asText()).isEqualTo("from-s3.html");
        JsonNode byName = ServeProcess.json(serve.get("/jobs?filename=from-s3.html&source=upload", key));
        JsonNode inlineOnly = ServeProcess.json(serve.get("/jobs?filename=from-s3.html&source=inline", key));
        assertThat(byName.path("items")).extracting(j -> j.path("id").asText()).containsExactly(job.path("id").asText());
        assertThat(inlineOnly.path("items")).isEmpty();
        try (PDDocument doc = Loader.loadPDF(download(awaitCompleted(job.path("id").asText())))) {
            assertThat(new PDFTextStripper().getText(doc)).contains("Uploaded with an S3 client");
        }
    }

    @Test
    void anUploadKeyWithControlCharacters_becomesAJobWithASanitisedName() throws Exception {
        String name = "evil\r\nname\u202e.md";
        try (S3Client s3 = serve.s3()) {
            s3.putObject(b -> b.bucket("docpipe").key("uploads/dev/" + name), RequestBody.fromString("# Evil name"));
        }
        JsonNode job = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (job == null && System.nanoTime() < deadline) {
            job = serve.jobs(key).stream().filter(j -> j.path("filename").asText().startsWith("evil"))
                    .findFirst().orElse(null);
            Thread.sleep(200);
        }
        assertThat(job).as("a job for the upload").isNotNull();
        assertThat(job.path("filename").asText()).isEqualTo("evil\ufffd\ufffdname\u202e.md")
                .doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void findByFile_matchesTheExactNameAndSource_andRefusesAnUnknownSource() throws Exception {
        String name = "find-" + java.util.UUID.randomUUID() + ".md";
        HttpResponse<String> submitted = serve.post("/jobs", key,
                "{\"content\":\"# Find me " + name + "\",\"filename\":\"" + name + "\"}");
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = ServeProcess.json(submitted).path("id").asText();

        JsonNode exact = ServeProcess.json(serve.get("/jobs?filename=" + name, key));
        JsonNode inline = ServeProcess.json(serve.get("/jobs?filename=" + name + "&source=inline", key));
        JsonNode url = ServeProcess.json(serve.get("/jobs?filename=" + name + "&source=url", key));
        JsonNode otherCase = ServeProcess.json(serve.get("/jobs?filename=" + name.toUpperCase(java.util.Locale.ROOT), key));
        HttpResponse<String> badSource = serve.get("/jobs?source=ftp", key);

        assertThat(exact.path("items")).extracting(j -> j.path("id").asText()).containsExactly(id);
        assertThat(inline.path("items")).extracting(j -> j.path("id").asText()).containsExactly(id);
        assertThat(url.path("items")).isEmpty();
        assertThat(otherCase.path("items")).isEmpty();
        assertThat(badSource.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(badSource).path("error").path("field").asText()).isEqualTo("source");
    }

    @Test
    void waitWithinN_is200WithTheCompletedJobAndItsDownloadUrl_andADuplicateCarriesTheUrlToo() throws Exception {
        String body = "{\"content\":\"# Wanted now " + java.util.UUID.randomUUID() + "\",\"format\":\"markdown\"}";
        HttpResponse<String> waited = serve.post("/jobs?wait=25", key, body);
        HttpResponse<String> duplicate = serve.post("/jobs", key, body);
        HttpResponse<String> tooLong = serve.post("/jobs?wait=26", key, body);

        assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
        JsonNode job = ServeProcess.json(waited);
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("deduplicated").asBoolean(true)).isFalse();
        try (PDDocument doc = Loader.loadPDF(download(job))) {
            assertThat(new PDFTextStripper().getText(doc)).contains("Wanted now");
        }
        assertThat(duplicate.statusCode()).isEqualTo(200);
        assertThat(ServeProcess.json(duplicate).path("id").asText()).isEqualTo(job.path("id").asText());
        assertThat(ServeProcess.json(duplicate).path("deduplicated").asBoolean()).isTrue();
        assertThat(download(ServeProcess.json(duplicate))).isNotEmpty();
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(ServeProcess.json(tooLong).path("error").path("field").asText()).isEqualTo("wait");
    }

    /** About 80 pages: rendering them takes seconds on any machine, far more than wait=1. */
    @Test
    void waitShorterThanTheJob_is202_andTheSameSubmissionWaitedLonger_is200WithTheSameJob() throws Exception {
        StringBuilder text = new StringBuilder("# Long report " + java.util.UUID.randomUUID() + "\\n\\n");
        for (int i = 0; i < 800; i++) {
            text.append("Paragraph ").append(i).append(" of a long report. ").append("word ".repeat(60)).append("\\n\\n");
        }
        String body = "{\"content\":\"" + text + "\",\"format\":\"markdown\"}";

        HttpResponse<String> early = serve.post("/jobs?wait=1", key, body);
        HttpResponse<String> late = serve.post("/jobs?wait=25", key, body);

        assertThat(early.statusCode()).as(early.body()).isEqualTo(202);
        assertThat(ServeProcess.json(early).path("status").asText()).isIn("queued", "running");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(200);
        assertThat(ServeProcess.json(late).path("id").asText()).isEqualTo(ServeProcess.json(early).path("id").asText());
        assertThat(ServeProcess.json(late).path("deduplicated").asBoolean()).isTrue();
        assertThat(ServeProcess.json(late).path("result").path("downloadUrl").asText()).startsWith("http://127.0.0.1:");
    }

    @Test
    void multipart_aFileWithFields_isAJob_andItsPdfHasTheText() throws Exception {
        byte[] form = form("file", "minutes.html", "text/html; charset=windows-1252",
                "<h1>Minutes</h1><p>Caf\u00e9 cr\u00e8me</p>".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "priority", "low", "options", "{\"paper\": \"a5\"}");

        HttpResponse<String> r = postForm("/jobs?wait=25", form);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode job = ServeProcess.json(r);
        assertThat(job.path("filename").asText()).isEqualTo("minutes.html");
        assertThat(job.path("priority").asText()).isEqualTo("low");
        assertThat(job.path("options").path("paper").asText()).isEqualTo("a5");
        try (PDDocument doc = Loader.loadPDF(download(job))) {
            assertThat(new PDFTextStripper().getText(doc)).contains("Minutes", "Caf\u00e9 cr\u00e8me");
        }
    }

    @Test
    void multipart_overTheInlineLimit_is413PointingAtUploads_andMalformed_is400() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        HttpResponse<String> tooLarge = postForm("/jobs", form("file", "big.txt", "text/plain", big));
        HttpResponse<String> cutOff = postForm("/jobs", java.util.Arrays.copyOf(
                form("file", "a.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), 60));

        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(ServeProcess.json(tooLarge).path("error").path("code").asText()).isEqualTo("too_large");
        assertThat(ServeProcess.json(tooLarge).path("error").path("message").asText()).contains("POST /uploads");
        assertThat(cutOff.statusCode()).as(cutOff.body()).isEqualTo(400);
        assertThat(ServeProcess.json(cutOff).path("error").path("code").asText()).isEqualTo("invalid_multipart");
    }

    private static final String BOUNDARY = "docpipe-test-boundary-7MA4YWxk";

    /** A multipart/form-data body: a file part, then {@code fields} as name, value pairs. */
    private static byte[] form(String fileField, String filename, String contentType, byte[] content, String... fields) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        for (int i = 0; i < fields.length; i += 2) {
            out.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fields[i]
                    + "\"\r\n\r\n" + fields[i + 1]).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static HttpResponse<String> postForm(String path, byte[] form) throws Exception {
        return ServeProcess.HTTP.send(HttpRequest.newBuilder(serve.api(path)).timeout(Duration.ofSeconds(60))
                .header("x-api-key", key).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitCompleted(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
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

    private static byte[] download(JsonNode job) throws Exception {
        HttpResponse<byte[]> r = ServeProcess.HTTP.send(HttpRequest.newBuilder(
                URI.create(job.path("result").path("downloadUrl").asText())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
