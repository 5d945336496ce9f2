package dev.docpipe.function.parse;

import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.fetch.FetchedDocument;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.pipeline.StageWork;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The parse stage: reads the job's document (an S3 object, inline content in S3, or a URL fetched
 * under the public-internet-only policy), converts it to sanitised XHTML and writes the XHTML and its
 * metadata JSON under the job's work keys.
 */
public final class ParseService implements StageWork {
    private final Blobs blobs;
    private final WorkKeys keys;
    private final DocumentConverter converter;
    private final UrlFetcher fetcher;

    public ParseService(Blobs blobs, WorkKeys keys, DocumentConverter converter, UrlFetcher fetcher) {
        this.blobs = blobs;
        this.keys = keys;
        this.converter = converter;
        this.fetcher = fetcher;
    }

    @Override
    public Stage stage() {
        return Stage.PARSE;
    }

    @Override
    public JobResult perform(Job job) {
        return performAndReport(job).result();
    }

    /** Parses the document; reports the format the converter used (given or detected). */
    @Override
    public Done performAndReport(Job job) {
        ParsedDocument parsed = job.source().kind() == Source.Kind.URL ? parseUrl(job) : parseObject(job);
        Map<String, String> meta = Map.of("job-id", job.id().value());
        blobs.put(keys.xhtml(job.id()), parsed.xhtml().getBytes(StandardCharsets.UTF_8),
                "application/xhtml+xml; charset=utf-8", meta);
        blobs.put(keys.metadata(job.id()), parsed.metadata().toJson().getBytes(StandardCharsets.UTF_8),
                "application/json", meta);
        return new Done(null, parsed.metadata().format());
    }

    private ParsedDocument parseObject(Job job) {
        BlobRef ref = BlobRef.parse(job.source().location());
        Blobs.Blob blob = blobs.get(ref).orElseThrow(() -> new DocpipeException(ErrorCode.EMPTY_DOCUMENT,
                "the uploaded document is gone (deleted before it was parsed)"));
        return converter.convert(blob.bytes(), job.format(), job.filename(), charsetOf(blob.info().contentType()));
    }

    private ParsedDocument parseUrl(Job job) {
        FetchedDocument page = fetcher.fetch(job.source().location());
        return converter.convert(page.body(), job.format(), job.filename(), page.charset());
    }

    /** The charset parameter of a Content-Type, or null. */
    static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                return p.substring(8).replace("\"", "").trim();
            }
        }
        return null;
    }
}
