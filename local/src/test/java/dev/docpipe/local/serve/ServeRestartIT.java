package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} killed with SIGKILL while jobs are in flight, started again on the same data
 * directory: every job submitted over HTTP and every file uploaded through the S3 API completes,
 * each with exactly one PDF, and nothing the first process started is left running.
 */
class ServeRestartIT {
    private static final int HTTP_JOBS = 20;
    private static final int S3_UPLOADS = 20;

    @TempDir
    Path tmp;

    @Test
    void sigkillWhileJobsAreInFlight_thenRestart_all40JobsCompleteWithExactlyOnePdfEach() throws Exception {
        try (ServeProcess serve = new ServeProcess(tmp.resolve("data"), tmp.resolve("serve.out"), List.of())) {
            serve.start();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(serve.data))).isEqualTo("rwx------");
            String key = serve.key();
            for (int i = 0; i < HTTP_JOBS; i++) {
                HttpResponse<String> r = serve.post("/jobs", key,
                        "{\"content\":" + quoted(document("HTTP", i)) + ",\"format\":\"markdown\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            }
            try (S3Client s3 = serve.s3()) {
                for (int i = 0; i < S3_UPLOADS; i++) {
                    String upload = "uploads/dev/upload-" + i + ".md";
                    s3.putObject(b -> b.bucket("docpipe").key(upload),
                            RequestBody.fromString(document("S3", i)));
                }
            }
            // in flight: some finished, not all
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            int completed = 0;
            while (completed < 3 && System.nanoTime() < deadline) {
                completed = count(serve, key, "completed");
                Thread.sleep(50);
            }
            Set<Long> children = serve.process().toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
            serve.kill();
            int completedAtKill = completed;
            assertThat(completedAtKill).as("jobs completed when killed").isBetween(3, HTTP_JOBS + S3_UPLOADS - 1);
            assertThat(Files.exists(serve.data.resolve("running"))).as("an unclean stop leaves its marker").isTrue();

            String banner = serve.start();
            assertThat(banner).contains("did not stop cleanly").contains("re-driven");
            for (long pid : children) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("child process %d of the killed serve is stopped", pid).isFalse();
            }

            List<JsonNode> jobs = awaitAllFinished(serve, key, HTTP_JOBS + S3_UPLOADS);
            assertThat(jobs).hasSize(HTTP_JOBS + S3_UPLOADS);
            assertThat(jobs).allSatisfy(j -> assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("completed"));
            assertThat(jobs.stream().filter(j -> j.path("source").asText().equals("inline")).count()).isEqualTo(HTTP_JOBS);

            Set<String> ids = jobs.stream().map(j -> j.path("id").asText()).collect(Collectors.toSet());
            Set<String> pdfs = new HashSet<>();
            try (S3Client s3 = serve.s3()) {
                for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket("docpipe").prefix("pdf/")).contents()) {
                    assertThat(pdfs.add(o.key())).isTrue();
                }
            }
            assertThat(pdfs).as("exactly one PDF per job, none for anything else")
                    .isEqualTo(ids.stream().map(id -> "pdf/" + id + ".pdf").collect(Collectors.toSet()));

            for (String id : ids) {
                JsonNode job = ServeProcess.json(serve.get("/jobs/" + id, key));
                byte[] pdf = ServeProcess.HTTP.send(HttpRequest.newBuilder(URI.create(job.path("result").path("downloadUrl").asText()))
                        .GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
                try (PDDocument doc = Loader.loadPDF(pdf)) {
                    assertThat(doc.getNumberOfPages()).isEqualTo(job.path("result").path("pages").asInt());
                }
            }

            assertThat(serve.stop()).as("SIGTERM stops it cleanly").isZero();
            assertThat(Files.exists(serve.data.resolve("running"))).as("a clean stop removes the marker").isFalse();
            assertOwnerOnly(serve.data);
        }
    }

    /** The data directory and everything in it (journal, serve.log, SQS database, objects …) is 0700/0600. */
    static void assertOwnerOnly(Path data) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        List<String> open;
        try (Stream<Path> all = Files.walk(data)) {
            open = all.filter(p -> !Files.isSymbolicLink(p)).filter(p -> {
                try {
                    return Files.getPosixFilePermissions(p).stream().anyMatch(bit -> !bit.name().startsWith("OWNER_"));
                } catch (IOException gone) {
                    return false;
                }
            }).map(p -> data.relativize(p) + " " + permissions(p)).toList();
        }
        assertThat(open).as("entries others may read").isEmpty();
        assertThat(Files.exists(data.resolve("serve.log"))).isTrue();
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return "?";
        }
    }

    private static String document(String via, int i) {
        StringBuilder b = new StringBuilder("# Document " + i + " via " + via + "\n\n");
        for (int p = 0; p < 30; p++) {
            b.append("Paragraph ").append(p).append(" of document ").append(i).append(": the quick brown fox jumps over the lazy dog.\n\n");
        }
        b.append("| a | b |\n|---|---|\n| ").append(i).append(" | ").append(via).append(" |\n");
        return b.toString();
    }

    private static String quoted(String s) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s).toString();
    }

    private static int count(ServeProcess serve, String key, String status) throws Exception {
        HttpResponse<String> r = serve.get("/stats", key);
        return r.statusCode() == 200 ? ServeProcess.json(r).path("jobs").path(status).asInt() : 0;
    }

    private static List<JsonNode> awaitAllFinished(ServeProcess serve, String key, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        List<JsonNode> jobs = List.of();
        while (System.nanoTime() < deadline) {
            jobs = serve.jobs(key);
            if (jobs.size() >= expected && jobs.stream().allMatch(j -> Set.of("completed", "failed", "cancelled")
                    .contains(j.path("status").asText()))) {
                return jobs;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not all jobs finished within 240 s: " + jobs.stream()
                .map(j -> j.path("id").asText() + "=" + j.path("status").asText()).toList());
    }
}
