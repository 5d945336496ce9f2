package dev.docpipe.function.status;

import dev.docpipe.api.ApiResponse;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The history dashboard: one HTML page and its script and style sheet, read once from this jar's
 * {@code dashboard/} resources and served under a strict Content-Security-Policy (no inline script
 * or style, nothing from another origin but the bucket the browser uploads to and downloads from).
 * The page asks for the API key itself; serving it needs none.
 */
final class Dashboard {
    /** The page's path, and the paths of its assets by name ({@code /assets/{file}}). */
    static final String PAGE = "/";
    static final String ASSETS = "/assets/";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final Map<String, String> files;
    private final String policy;

    /** @param storage a URL of the bucket as browsers reach it (a pre-signed one will do); its origin joins connect-src */
    Dashboard(URI storage) {
        this.files = Map.of("index.html", read("index.html"), "app.js", read("app.js"), "app.css", read("app.css"));
        this.policy = policy(origin(storage));
    }

    /** The page itself. */
    ApiResponse page() {
        return answer("index.html");
    }

    /** {@code app.js} or {@code app.css}; any other name is {@link ErrorCode#NOT_FOUND}. */
    ApiResponse asset(String name) {
        if (name == null || name.equals("index.html") || !files.containsKey(name)) {
            throw new DocpipeException(ErrorCode.NOT_FOUND, "no such asset");
        }
        return answer(name);
    }

    String contentSecurityPolicy() {
        return policy;
    }

    private ApiResponse answer(String name) {
        return ApiResponse.json(200, files.get(name))
                .withHeader("Content-Type", TYPES.get(name))
                .withHeader("Content-Security-Policy", policy)
                .withHeader("Referrer-Policy", "no-referrer")
                .withHeader("X-Frame-Options", "DENY");
    }

    static String policy(String storageOrigin) {
        String connect = storageOrigin == null ? "'self'" : "'self' " + storageOrigin;
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    /** {@code scheme://host[:port]} of a URL, or null when it has none. */
    static String origin(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return null;
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private static String read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
