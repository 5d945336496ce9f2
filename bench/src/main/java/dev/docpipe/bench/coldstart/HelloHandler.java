package dev.docpipe.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/**
 * The baseline of bench/coldstart: a handler that does nothing but answer, run by the same driver on
 * the same kind of event (the event arrives as a plain map), with nothing of docpipe on the class path.
 */
public final class HelloHandler implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return "hello, " + event.size() + " field(s)";
    }
}
