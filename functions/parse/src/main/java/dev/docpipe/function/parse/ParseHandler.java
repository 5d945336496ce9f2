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
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.WorkKeys;

/** SQS-triggered (parse-high/default/low): one stage message per record, partial batch failures. */
public final class ParseHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final StageRunner runner;
    private final ParseService service;

    public ParseHandler() {
        this(Components.fromEnvironment());
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
