package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.Page;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through s3proxy, ElasticMQ, a job store and redis-server: documents dropped into the
 * uploads prefix by a plain S3 client come out as PDFs that veraPDF accepts as PDF/UA-1 and PDF/A-2b.
 * Run against each store by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineContract {
    protected LocalPipeline pipeline;
    protected S3Client s3;

    protected abstract Config.StoreKind store();

    @BeforeAll
    void startPipeline() {
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(store(), true));
        s3 = pipeline.s3().newClient();
    }

    @AfterAll
    void stopPipeline() {
        if (s3 != null) {
            s3.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    protected void upload(String key, byte[] content) {
        s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key), RequestBody.fromBytes(content));
    }

    /** Every job of {@code owner}, polled until {@code done} holds for {@code expected} of them or time runs out. */
    protected List<Job> awaitJobs(String owner, int expected, Predicate<Job> done, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Job> jobs;
        do {
            jobs = allJobs(owner);
            if (jobs.size() >= expected && jobs.stream().filter(done).count() >= expected) {
                return jobs;
            }
            Thread.sleep(250);
        } while (Instant.now().isBefore(deadline));
        return jobs;
    }

    protected List<Job> allJobs(String owner) {
        List<Job> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<Job> page = pipeline.components().store().listByOwner(owner, JobQuery.all(100).withCursor(cursor));
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    protected String pdfText(Job job) throws IOException {
        byte[] pdf = pipeline.components().blobs().get(BlobRef.parse(job.result().pdfLocation())).orElseThrow().bytes();
        assertThat(PdfConformance.failedRules(pdf)).as("PDF/UA-1 and PDF/A-2b rules %s fails", job.filename()).isEmpty();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isEqualTo(job.result().pages());
            return new PDFTextStripper().getText(doc);
        }
    }

    @Test
    void sixtyMixedUploads_allCompleteAsReadablePdfsWithTheirWords() throws Exception {
        String owner = "mixed-" + store().name().toLowerCase();
        List<Corpus.Doc> docs = Corpus.mixed(60, 42, owner);
        Map<String, Corpus.Doc> byFilename = new HashMap<>();
        for (Corpus.Doc d : docs) {
            upload(d.key(), d.content());
            byFilename.put(d.key().substring(d.key().lastIndexOf('/') + 1), d);
        }

        List<Job> jobs = awaitJobs(owner, 60, j -> j.status().isTerminal(), Duration.ofMinutes(4));

        assertThat(jobs).hasSize(60);
        assertThat(jobs).allSatisfy(j -> assertThat(j.status()).as("%s %s", j.filename(), j.error()).isEqualTo(JobStatus.COMPLETED));
        for (Job job : jobs) {
            Corpus.Doc doc = byFilename.get(job.filename());
            assertThat(job.priority()).isEqualTo(doc.priority());
            String text = pdfText(job).replaceAll("\\s+", " ");
            long found = doc.words().stream().filter(text::contains).count();
            assertThat((double) found / doc.words().size()).as("share of words of %s in its PDF", job.filename())
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(job.result().pages()).as("pages of %s", job.filename()).isBetween(1, 10);
        }
    }

    @Test
    void theSameContentUploadedTwice_isOneJob() throws Exception {
        String owner = "twice-" + store().name().toLowerCase();
        byte[] content = "<h1>Once</h1><p>only one job for these bytes</p>".getBytes();
        upload("uploads/" + owner + "/first.html", content);
        upload("uploads/" + owner + "/second-name.html", content);

        List<Job> jobs = awaitJobs(owner, 1, j -> j.status() == JobStatus.COMPLETED, Duration.ofMinutes(1));
        Thread.sleep(1500);

        assertThat(allJobs(owner)).hasSize(1);
        assertThat(jobs.get(0).status()).isEqualTo(JobStatus.COMPLETED);
    }
}
