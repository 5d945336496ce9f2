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

import java.util.List;
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
        BlobRef renderedRef = keys.renderedPdf(job.id());
        Optional<Blobs.BlobInfo> rendered = blobs.head(renderedRef);
        if (rendered.isPresent()) {
            // The store makes the copy: the PDF's bytes never pass through this function.
            int pages = pages(rendered.get().metadata());
            boolean copied = blobs.copy(renderedRef, published, "application/pdf", Map.of(
                    "job-id", job.id().value(),
                    "pages", Integer.toString(pages),
                    "source-filename", job.filename() == null ? "" : asciiOnly(job.filename())));
            if (copied) {
                deleteIntermediates(job);
                return new JobResult(published.toString(), pages, rendered.get().size());
            }
        }
        // No work copy (or a duplicate run deleted it since the HEAD): a repeat, whose result is the published PDF.
        Blobs.BlobInfo already = blobs.head(published).orElseThrow(() -> new DocpipeException(ErrorCode.RENDER_FAILED,
                "the rendered PDF of job " + job.id() + " is missing"));
        deleteIntermediates(job);
        return new JobResult(published.toString(), pages(already.metadata()), already.size());
    }

    /**
     * The intermediates are done with, all in one request where the store allows it. The rendered PDF is named first
     * (a store that deletes one by one deletes it first): once it is gone, a repeat of this stage (the process died
     * part-way through) does not publish again but finds the published PDF, and still deletes what is left. A store
     * that deletes in another order leaves a repeat that finds the rendered PDF and copies it again: the same object.
     */
    private void deleteIntermediates(Job job) {
        blobs.deleteAll(List.of(keys.renderedPdf(job.id()), keys.xhtml(job.id()), keys.metadata(job.id())));
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
