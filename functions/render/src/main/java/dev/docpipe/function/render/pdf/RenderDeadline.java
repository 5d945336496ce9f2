package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.extend.FSTextBreaker;
import com.openhtmltopdf.extend.NamespaceHandler;
import com.openhtmltopdf.pdfboxout.PageSupplier;
import com.openhtmltopdf.simple.extend.XhtmlNamespaceHandler;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.w3c.dom.Element;

import java.time.Duration;

/**
 * Cooperative cancellation for one render. openhtmltopdf never looks at thread interrupts, so the
 * render thread is made to look at this deadline from hooks openhtmltopdf calls all the time:
 * the namespace handler (once per element as its style is resolved during layout, see
 * {@link #namespaceHandler}), the line breaker (once per text run during layout, see
 * {@link #lineBreaker}), the page supplier (once per page while drawing, see
 * {@link #pageSupplier}) and that page's resources (once per tagged content sequence drawn, see
 * {@link MarkedContentProperties}); {@link XhtmlPreparer} checks between its steps. Past the deadline, or
 * once {@link #cancel()}ed, the next check throws {@link Expired}, which unwinds the render and
 * lets its memory go. Work between two checks (one jsoup parse, one W3C DOM conversion, one
 * image decode, saving the PDF) is not interrupted.
 */
final class RenderDeadline {
    private final long deadlineNanos;
    private volatile boolean cancelled;

    private RenderDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    static RenderDeadline after(Duration budget) {
        return new RenderDeadline(System.nanoTime() + budget.toNanos());
    }

    void cancel() {
        cancelled = true;
    }

    boolean expired() {
        return cancelled || System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted();
    }

    void check() {
        if (expired()) {
            throw new Expired();
        }
    }

    long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Wraps openhtmltopdf's line breaker so that layout checks the deadline. */
    FSTextBreaker lineBreaker(FSTextBreaker delegate) {
        return new FSTextBreaker() {
            @Override
            public int next() {
                return delegate.next();
            }

            @Override
            public void setText(String text) {
                check();
                delegate.setText(text);
            }
        };
    }

    /** openhtmltopdf's XHTML namespace handler, checking the deadline whenever an element is styled. */
    NamespaceHandler namespaceHandler() {
        return new XhtmlNamespaceHandler() {
            @Override
            public String getElementStyling(Element e) {
                check();
                return super.getElementStyling(e);
            }
        };
    }

    /**
     * Creates the PDF pages as openhtmltopdf's default does, after checking the deadline and that
     * the page (counting overflow "shadow" pages) is within {@code maxPages}.
     */
    PageSupplier pageSupplier(int maxPages) {
        return (PDDocument doc, float width, float height, int pageNumber, int shadowPageNumber) -> {
            check();
            if (doc.getNumberOfPages() >= maxPages) {
                throw RenderException.moreThanPages(maxPages);
            }
            PDPage page = new PDPage(new PDRectangle(width, height));
            PDResources resources = new PDResources();
            resources.getCOSObject().setItem(COSName.PROPERTIES, new MarkedContentProperties());
            page.setResources(resources);
            doc.addPage(page);
            return page;
        };
    }

    /**
     * The {@code /Properties} dictionary of a page's resources, which tagged PDF fills with one
     * entry per marked-content sequence. Before adding an entry PDFBox asks it whether the value
     * is already there ({@code PDResources.add} → {@code containsValue}), a linear scan that makes
     * a page with tens of thousands of tagged elements quadratic (a hostile 20,000-element page
     * took 16 s to draw). openhtmltopdf creates a fresh property list for every sequence, so the
     * answer is always "no": this says so at once, after checking the deadline, which also makes
     * drawing such a page cancellable.
     */
    private final class MarkedContentProperties extends COSDictionary {
        @Override
        public boolean containsValue(Object value) {
            check();
            return false;
        }
    }

    /** Thrown on the render thread when the deadline has passed; carries no stack trace. */
    static final class Expired extends RuntimeException {
        Expired() {
            super("render deadline passed", null, false, false);
        }
    }
}
