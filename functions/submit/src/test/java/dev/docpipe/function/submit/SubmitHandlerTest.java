package dev.docpipe.function.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.StageQueues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The handler on the events/submit files whose answer needs no pipeline: every adapter behind the
 * service fails the test if it is touched, which also shows that validation comes before any side
 * effect. The happy paths run against the stand-ins in {@code local}'s SubmitApiIT.
 */
class SubmitHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_DOCUMENT = 10L * 1024 * 1024;

    private static <T> T untouchable(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, m, a) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? "untouchable " + type.getSimpleName() : null;
            }
            throw new AssertionError(type.getSimpleName() + "." + m.getName() + " must not be called");
        }));
    }

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private final JobStore store = untouchable(JobStore.class);
    private final FastPath fastPath = untouchable(FastPath.class);
    private final StageQueues queues = untouchable(StageQueues.class);
    private final JobTransitions transitions = new JobTransitions(store, fastPath, Duration.ofHours(1));
    private final SubmitService service = new SubmitService(
            new Intake(new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1)), transitions,
                    queues, clock, MAX_DOCUMENT, Duration.ofDays(30)),
            transitions, untouchable(Blobs.class), queues, clock, "docpipe", MAX_DOCUMENT, Duration.ofDays(30));
    private final SubmitHandler handler = new SubmitHandler(service);

    static Path eventsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("events/submit");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no events/submit above " + Path.of("").toAbsolutePath());
    }

    private JsonNode invoke(ObjectNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static ObjectNode event(String file) throws IOException {
        return (ObjectNode) JSON.readTree(eventsDir().resolve(file).toFile());
    }

    @ParameterizedTest(name = "{0} -> {1} {2} field {3}")
    @CsvSource({
            "post-jobs-malformed.json, 400, invalid_request, ",
            "post-jobs-unknown-field.json, 400, unknown_field, colour",
            "post-jobs-both-sources.json, 400, invalid_request, content",
            "post-jobs-no-source.json, 400, invalid_request, content",
            "post-jobs-bad-priority.json, 400, invalid_priority, priority",
            "post-jobs-bad-format.json, 400, invalid_format, format",
            "post-jobs-bad-url.json, 400, invalid_request, url",
            "post-jobs-too-many-options.json, 400, invalid_request, options",
            "post-uploads-bad-filename.json, 400, invalid_request, filename",
            "post-jobs-bad-wait.json, 400, invalid_request, wait",
            "post-jobs-multipart-malformed.json, 400, invalid_multipart, body",
            "put-job-wrong-method.json, 405, method_not_allowed, ",
            "post-unknown-route.json, 404, not_found, ",
    })
    void refusedEvents_answerTheirErrorWithoutSideEffects(String file, int status, String code, String field)
            throws IOException {
        ObjectNode event = event(file);

        JsonNode response = invoke(event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(status);
        String requestId = event.path("requestContext").path("requestId").asText();
        assertThat(response.path("headers").path("X-Request-Id").asText()).isEqualTo(requestId);
        JsonNode body = JSON.readTree(response.path("body").asText());
        assertThat(body.path("error").path("code").asText()).isEqualTo(code);
        assertThat(body.path("error").path("message").asText()).isNotBlank().doesNotContain("docpipe", "Exception");
        assertThat(body.path("requestId").asText()).isEqualTo(requestId);
        if (field == null) {
            assertThat(body.path("error").has("field")).isFalse();
        } else {
            assertThat(body.path("error").path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void badPriority_namesTheAcceptedValues() throws IOException {
        JsonNode body = JSON.readTree(invoke(event("post-jobs-bad-priority.json")).path("body").asText());

        assertThat(body.path("error").path("message").asText()).contains("high", "default", "low");
    }

    @Test
    void wrongMethod_saysWhichIsAllowed() throws IOException {
        assertThat(invoke(event("put-job-wrong-method.json")).path("headers").path("Allow").asText()).isEqualTo("DELETE");
    }

    @Test
    void contentOverTheInlineLimit_is413PointingToUploads() throws IOException {
        ObjectNode event = event("post-jobs-inline.json");
        event.put("body", JSON.createObjectNode().put("content", "x".repeat((int) service.inlineLimit() + 1)).toString());

        JsonNode response = invoke(event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(413);
        JsonNode error = JSON.readTree(response.path("body").asText()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("too_large");
        assertThat(error.path("message").asText()).contains("POST /uploads");
        assertThat(service.inlineLimit()).isEqualTo(SubmitService.INLINE_CEILING_BYTES);
    }

    @Test
    void aMultipartFileOverTheInlineLimit_is413PointingToUploads_beforeAnyWrite() throws IOException {
        ObjectNode event = event("post-jobs-multipart.json");
        String boundary = "b0undary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + (int) service.inlineLimit() + 1 + tail.length];
        java.util.Arrays.fill(body, (byte) 'x');
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);
        event.put("body", java.util.Base64.getEncoder().encodeToString(body));
        ((ObjectNode) event.path("headers")).put("Content-Type", "multipart/form-data; boundary=" + boundary);

        JsonNode response = invoke(event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(413);
        JsonNode error = JSON.readTree(response.path("body").asText()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("too_large");
        assertThat(error.path("field").asText()).isEqualTo("file");
        assertThat(error.path("message").asText()).contains("POST /uploads");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no boundary parameter          | multipart/form-data                 | --x\\r\\n\\r\\n--x--   | boundary",
            "body without the boundary      | multipart/form-data; boundary=x     | hello             | does not start",
            "part without a disposition     | multipart/form-data; boundary=x     | --x\\r\\nA: b\\r\\n\\r\\nv\\r\\n--x-- | Content-Disposition",
            "no closing boundary            | multipart/form-data; boundary=x     | --x\\r\\nContent-Disposition: form-data; name=\"file\"\\r\\n\\r\\nv | closing boundary",
            "a field twice                  | multipart/form-data; boundary=x     | --x\\r\\nContent-Disposition: form-data; name=\"file\"\\r\\n\\r\\na\\r\\n--x\\r\\nContent-Disposition: form-data; name=\"file\"\\r\\n\\r\\nb\\r\\n--x-- | twice",
    })
    void malformedMultipart_is400InvalidMultipart_sayingWhatIsWrong(String name, String contentType, String body,
                                                                    String says) throws IOException {
        ObjectNode event = event("post-jobs-multipart.json");
        event.put("body", java.util.Base64.getEncoder().encodeToString(
                body.replace("\\r\\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ((ObjectNode) event.path("headers")).put("Content-Type", contentType);

        JsonNode response = invoke(event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.path("body").asText()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_multipart");
        assertThat(error.path("message").asText()).contains(says);
    }

    @Test
    void aMultipartFormWithAnUnknownFieldOrWithoutAFile_isRefusedNamingTheField() throws IOException {
        for (String[] c : new String[][]{{"colour", "unknown_field", "colour"}, {"format", "invalid_request", "file"}}) {
            ObjectNode event = event("post-jobs-multipart.json");
            String form = "--x\r\nContent-Disposition: form-data; name=\"" + c[0] + "\"\r\n\r\nhtml\r\n--x--\r\n";
            event.put("body", java.util.Base64.getEncoder().encodeToString(form.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ((ObjectNode) event.path("headers")).put("Content-Type", "multipart/form-data; boundary=x");

            JsonNode error = JSON.readTree(invoke(event).path("body").asText()).path("error");

            assertThat(error.path("code").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(error.path("field").asText()).as(c[0]).isEqualTo(c[2]);
        }
    }

    @Test
    void malformedJobId_is404BeforeAnyRead() throws IOException {
        ObjectNode event = event("delete-job.json");
        ((ObjectNode) event.path("pathParameters")).put("id", "../../etc");

        JsonNode response = invoke(event);

        assertThat(response.path("statusCode").asInt()).isEqualTo(404);
    }

    @Test
    void missingApiKey_isRefused() throws IOException {
        ObjectNode event = event("post-jobs-inline.json");
        ((ObjectNode) event.path("requestContext").path("identity")).putNull("apiKeyId");

        assertThat(invoke(event).path("statusCode").asInt()).isEqualTo(403);
    }

    @Test
    void typeMismatches_andDuplicateKeys_areInvalidRequests() throws IOException {
        for (String body : new String[]{"{\"content\": 5}", "{\"content\": \"a\", \"content\": \"b\"}", "[1]",
                "{\"content\": \"a\"} trailing", ""}) {
            ObjectNode event = event("post-jobs-inline.json");
            event.put("body", body);
            JsonNode response = invoke(event);
            assertThat(response.path("statusCode").asInt()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(response.path("body").asText()).path("error").path("code").asText())
                    .as(body).isEqualTo("invalid_request");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"paper\": \"b5\"}                 | paper       | a3, a4, a5, letter, legal, tabloid",
            "{\"papr\": \"a4\"}                  | papr        | paper, orientation, margins",
            "{\"orientation\": \"sideways\"}     | orientation | portrait, landscape",
            "{\"margins\": \"10mm 20mm\"}        | margins     | one length or four",
            "{\"margins\": \"120mm\"}            | margins     | at most 100 mm",
            "{\"paper\": \"a5\", \"margins\": \"70mm\"} | margins | leaving at least 20 mm",
            "{\"header\": \"Page {pge}\"}        | header      | {page}, {pages}, {title}, {date}",
            "{\"footer\": \"\"}                  | footer      | plain text of 1 to 200 characters",
            "{\"pageNumbers\": \"maybe\"}        | pageNumbers | on, off",
            "{\"fontSize\": \"100pt\"}           | fontSize    | 6 to 36 pt",
            "{\"language\": \"not a tag\"}       | language    | BCP 47",
            "{\"pdfa\": \"3u\"}                  | pdfa        | on, off",
            "{\"paper\": 5}                        | paper       | must be a string",
    })
    void invalidOptions_are400InvalidOption_namingTheOptionAndWhatItAccepts(String options, String field,
                                                                            String allowed) throws IOException {
        for (String file : new String[]{"post-jobs-inline.json", "post-uploads.json"}) {
            ObjectNode event = event(file);
            ObjectNode body = (ObjectNode) JSON.readTree(event.path("body").asText());
            body.set("options", JSON.readTree(options));
            event.put("body", body.toString());

            JsonNode response = invoke(event);

            assertThat(response.path("statusCode").asInt()).as(file).isEqualTo(400);
            JsonNode error = JSON.readTree(response.path("body").asText()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_option");
            assertThat(error.path("field").asText()).isEqualTo(field);
            assertThat(error.path("message").asText()).contains(allowed);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "HTTP://Example.COM:80/a#frag, http://example.com/a",
            "https://Example.com:443, https://example.com/",
            "https://example.com:8443/p?q=1&r=2, https://example.com:8443/p?q=1&r=2",
            "http://127.0.0.1:9/, http://127.0.0.1:9/",
            "http://[::1]:80/x, http://[::1]/x",
    })
    void urls_areNormalised(String raw, String normalised) {
        assertThat(SubmitService.normaliseUrl(raw)).isEqualTo(normalised);
    }

    @ParameterizedTest
    @CsvSource({"ftp://example.com/a", "file:///etc/passwd", "http:/no-host", "https://user:pw@example.com/",
            "not a url", "mailto:a@example.com", "//example.com/a"})
    void badUrls_areRefusedNamingTheField(String raw) {
        assertThatThrownBy(() -> SubmitService.normaliseUrl(raw)).isInstanceOfSatisfying(DocpipeException.class,
                e -> assertThat(e.field()).isEqualTo("url"));
    }

    @ParameterizedTest
    @CsvSource({"a/b.txt", "a\\b.txt", "..", "a..b", "' '", "tab\there"})
    void filenames_mustBePlainNames(String name) {
        assertThatThrownBy(() -> SubmitService.checkFilename(name)).isInstanceOfSatisfying(DocpipeException.class,
                e -> assertThat(e.field()).isEqualTo("filename"));
    }

    @Test
    void uploadContentType_followsFormatThenExtension() {
        assertThat(SubmitService.contentType(null, "a.HTM")).isEqualTo("text/html; charset=utf-8");
        assertThat(SubmitService.contentType(null, "notes.md")).isEqualTo("text/markdown; charset=utf-8");
        assertThat(SubmitService.contentType(dev.docpipe.job.Format.TEXT, "page.html")).isEqualTo("text/plain; charset=utf-8");
        assertThat(SubmitService.contentType(null, "blob.bin")).isEqualTo("application/octet-stream");
    }
}
