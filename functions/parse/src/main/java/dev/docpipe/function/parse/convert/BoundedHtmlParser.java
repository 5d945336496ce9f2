package dev.docpipe.function.parse.convert;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.parser.StreamParser;

import java.util.Iterator;

/**
 * jsoup's HTML5 parser (iterative, tolerant of any markup, never resolves entities from a DTD or
 * fetches anything) with two bounds:
 * <ul>
 *   <li>elements: the parse runs as a stream and stops as soon as more than {@code maxElements}
 *       elements have been completed, so memory stays bounded even for markup that makes the
 *       parser create several elements per tag (misnested formatting tags);</li>
 *   <li>depth: the parser's own depth cap is set to {@code maxDepth} plus {@value #DEPTH_HEADROOM}
 *       (room for {@code html}, {@code body} and wrappers the sanitiser unwraps), so 100,000 nested
 *       {@code <div>}s stay a shallow tree; the sanitiser then refuses anything deeper than
 *       {@code maxDepth}.</li>
 * </ul>
 */
final class BoundedHtmlParser {
    static final int DEPTH_HEADROOM = 16;

    private BoundedHtmlParser() {
    }

    static Document parse(String html, ConvertLimits limits) {
        Parser parser = Parser.htmlParser().setMaxDepth(limits.maxDepth() + DEPTH_HEADROOM);
        try (StreamParser stream = new StreamParser(parser).parse(html, "")) {
            Iterator<Element> completed = stream.iterator();
            int elements = 0;
            while (completed.hasNext()) {
                completed.next();
                if (++elements > limits.maxElements()) {
                    throw ConversionException.tooLarge("document has more than " + limits.maxElements() + " elements");
                }
            }
            return stream.document();
        }
    }
}
