package dev.docpipe.function.parse;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Components;
import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.job.Format;
import dev.docpipe.job.Stage;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.WorkKeys;

import java.nio.charset.StandardCharsets;

/** SQS-triggered (parse-high/default/low): one stage message per record, partial batch failures. */
public final class ParseHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final StageRunner runner;
    private final ParseService service;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public ParseHandler() {
        this(Components.fromEnvironment());
        SnapStartPriming.register("parse", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment())));
    }

    public ParseHandler(Components c) {
        this(c.stageRunner(), new ParseService(c.blobs(), new WorkKeys(c.config().bucket()),
                new DocumentConverter(limits(c.config().maxDocumentBytes())),
                new UrlFetcher(FetchPolicy.publicInternetOnly())));
    }

    public ParseHandler(StageRunner runner, ParseService service) {
        this.runner = runner;
        this.service = service;
    }

    /**
     * What the SnapStart hook runs: a stage message for a job that cannot exist through the whole
     * handler (one store read, dropped), and a small Markdown and HTML document through the converter
     * (no I/O). Writes nothing anywhere.
     */
    public static void prime(Components quiet) {
        new ParseHandler(quiet).handleRequest(SnapStartPriming.messageForNoJob(Stage.PARSE), null);
        DocumentConverter converter = new DocumentConverter(limits(quiet.config().maxDocumentBytes()));
        converter.convert("# Priming\n\nA *small* document, Ελληνικά, 日本語.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
                .getBytes(StandardCharsets.UTF_8), Format.MARKDOWN, "priming.md", null);
        converter.convert("<html><head><style>p { color: #333 }</style></head><body><h1>Priming</h1><p>A <b>small</b> page.</p></body></html>"
                .getBytes(StandardCharsets.UTF_8), Format.HTML, "priming.html", null);
    }

    /** The default conversion limits with the configured document size. */
    public static ConvertLimits limits(long maxBytes) {
        ConvertLimits defaults = ConvertLimits.defaults();
        return new ConvertLimits(maxBytes, defaults.maxDepth(), defaults.maxElements());
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("parse", context, runner.metrics())) {
            return SqsBatch.stageMessages(event, runner.metrics(), (message, receives) -> runner.run(message, service));
        }
    }
}
