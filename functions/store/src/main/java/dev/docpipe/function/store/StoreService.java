package dev.docpipe.function.store;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.StageWork;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;

import java.util.Map;
import java.util.Optional;

/**
 * The store stage: publishes the rendered PDF at the job's output key with its content type and
 * metadata, and reports the result the job is completed with. Publishing twice writes the same
 * object; if the work copy is gone but the published one exists (a repeat after a crash), the
 * published one is reported and what the cut-short run left of the intermediates is deleted.
 */
public final class StoreService implements StageWork {
    private final Blobs blobs;
    private final WorkKeys keys;

    public StoreService(Blobs blobs, WorkKeys keys) {
        this.blobs = blobs;
        this.keys = keys;
    }

    @Override
    public Stage stage() {
        return Stage.STORE;
    }

    @Override
    public JobResult perform(Job job) {
        BlobRef published = keys.publishedPdf(job.id());
        Optional<Blobs.Blob> rendered = blobs.get(keys.renderedPdf(job.id()));
        if (rendered.isEmpty()) {
            Blobs.BlobInfo already = blobs.head(published).orElseThrow(() -> new DocpipeException(ErrorCode.RENDER_FAILED,
                    "the rendered PDF of job " + job.id() + " is missing"));
            deleteIntermediates(job);
            return new JobResult(published.toString(), pages(already.metadata()), already.size());
        }
        Blobs.Blob pdf = rendered.get();
        int pages = pages(pdf.info().metadata());
        blobs.put(published, pdf.bytes(), "application/pdf", Map.of(
                "job-id", job.id().value(),
                "pages", Integer.toString(pages),
                "source-filename", job.filename() == null ? "" : asciiOnly(job.filename())));
        deleteIntermediates(job);
        return new JobResult(published.toString(), pages, pdf.bytes().length);
    }

    /**
     * The intermediates are done with. The rendered PDF goes first: once it is gone, a repeat of this stage (the
     * process died part-way through the deletes) does not publish again but finds the published PDF, and still
     * deletes what the cut-short run left.
     */
    private void deleteIntermediates(Job job) {
        blobs.delete(keys.renderedPdf(job.id()));
        blobs.delete(keys.xhtml(job.id()));
        blobs.delete(keys.metadata(job.id()));
    }

    private static int pages(Map<String, String> metadata) {
        try {
            return Integer.parseInt(metadata.getOrDefault("pages", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** S3 user metadata travels in HTTP headers: keep it printable ASCII. */
    static String asciiOnly(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '_');
        }
        return out.length() > 200 ? out.substring(0, 200) : out.toString();
    }
}
