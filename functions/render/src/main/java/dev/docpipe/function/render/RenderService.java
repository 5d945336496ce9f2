package dev.docpipe.function.render;

import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderedPdf;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.StageWork;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.Blobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The render stage: the parse stage's XHTML and metadata in, a PDF out at the job's work key, with
 * its page count in the object's metadata for the store stage. The job's render options were
 * validated where it started; a language option wins over the one the parse stage detected.
 */
public final class RenderService implements StageWork {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Blobs blobs;
    private final WorkKeys keys;
    private final PdfRenderer renderer;

    public RenderService(Blobs blobs, WorkKeys keys, PdfRenderer renderer) {
        this.blobs = blobs;
        this.keys = keys;
        this.renderer = renderer;
    }

    /** Renders a small document and throws it away ({@link PdfRenderer#warmUp()}): no I/O. */
    public void warmUp() {
        renderer.warmUp();
    }

    @Override
    public Stage stage() {
        return Stage.RENDER;
    }

    @Override
    public JobResult perform(Job job) {
        String xhtml = new String(read(job, "document.xhtml", blobs.get(keys.xhtml(job.id()))), StandardCharsets.UTF_8);
        JsonNode meta = metadata(read(job, "metadata.json", blobs.get(keys.metadata(job.id()))));
        String title = meta.path("title").asText(job.filename() == null ? "Untitled" : job.filename());
        RenderOptions options = RenderOptions.parse(job.options());
        String language = options.language() != null ? options.language()
                : meta.hasNonNull("language") ? meta.get("language").asText() : null;
        RenderedPdf pdf = renderer.render(xhtml, new DocumentInfo(title, job.owner(), language, job.filename()),
                options);
        blobs.put(keys.renderedPdf(job.id()), pdf.bytes(), "application/pdf",
                Map.of("job-id", job.id().value(), "pages", Integer.toString(pdf.pages())));
        return null;
    }

    private static byte[] read(Job job, String what, java.util.Optional<Blobs.Blob> blob) {
        // the parse stage wrote it before advancing the job: missing means it was deleted; retrying cannot help
        return blob.orElseThrow(() -> new DocpipeException(ErrorCode.RENDER_FAILED,
                "the parsed document of job " + job.id() + " is missing (" + what + ")")).bytes();
    }

    private static JsonNode metadata(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new DocpipeException(ErrorCode.RENDER_FAILED, "the parsed document's metadata is unreadable");
        }
    }
}
