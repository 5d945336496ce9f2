package dev.docpipe.function.render.pdf;

import java.time.Duration;
import java.util.Objects;

/**
 * Hard limits for one render.
 *
 * @param maxPages most pages a PDF may have; a document that lays out to more fails with
 *                 {@link dev.docpipe.job.ErrorCode#TOO_MANY_PAGES}
 * @param timeout  wall-clock budget for parsing, layout and writing one document; past it the
 *                 render fails with {@link dev.docpipe.job.ErrorCode#RENDER_TIMEOUT}
 */
public record RenderLimits(int maxPages, Duration timeout) {
    public static final int DEFAULT_MAX_PAGES = 500;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public RenderLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1, was " + maxPages);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** 500 pages, 60 seconds. */
    public static RenderLimits defaults() {
        return new RenderLimits(DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT);
    }
}
