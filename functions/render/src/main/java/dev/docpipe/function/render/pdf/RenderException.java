package dev.docpipe.function.render.pdf;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

import java.time.Duration;
import java.util.Locale;

/**
 * A document that cannot be rendered. The message is meant for the job record and the API: it
 * names the limit that was hit, never carries stack trace text or document content.
 */
public final class RenderException extends DocpipeException {

    RenderException(ErrorCode code, String message, Throwable cause) {
        super(code, message, null, cause);
    }

    /** The layout is finished and has {@code pages} pages. */
    static RenderException tooManyPages(int limit, int pages) {
        return new RenderException(ErrorCode.TOO_MANY_PAGES,
                "document has " + pages + " pages; the limit is " + limit + " pages", null);
    }

    /** Found while writing pages: the document has at least {@code limit + 1}. */
    static RenderException moreThanPages(int limit) {
        return new RenderException(ErrorCode.TOO_MANY_PAGES,
                "document has more than " + limit + " pages; the limit is " + limit + " pages", null);
    }

    static RenderException timeout(Duration limit) {
        return new RenderException(ErrorCode.RENDER_TIMEOUT,
                "rendering took longer than the limit of " + describe(limit), null);
    }

    static RenderException tooLarge(long chars, long limit) {
        return new RenderException(ErrorCode.TOO_LARGE,
                "XHTML is " + chars + " characters long; the limit is " + limit + " characters", null);
    }

    static RenderException tooManyElements(long elements, long limit) {
        return new RenderException(ErrorCode.TOO_LARGE,
                "XHTML has " + elements + " elements; the limit is " + limit + " elements", null);
    }

    static RenderException tooMuchText(long chars, long limit) {
        return new RenderException(ErrorCode.TOO_LARGE,
                "XHTML has " + chars + " characters of text; the limit is " + limit + " characters", null);
    }

    static RenderException failed(String reason) {
        return new RenderException(ErrorCode.RENDER_FAILED, reason, null);
    }

    static RenderException failed(String reason, Throwable cause) {
        return new RenderException(ErrorCode.RENDER_FAILED, reason, cause);
    }

    static RenderException interrupted() {
        return new RenderException(ErrorCode.INTERNAL, "rendering was interrupted", null);
    }

    static String describe(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
