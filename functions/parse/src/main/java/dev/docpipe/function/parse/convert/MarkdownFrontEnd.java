package dev.docpipe.function.parse.convert;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.util.List;

/**
 * Markdown (CommonMark plus GFM tables) to HTML. Raw HTML in the Markdown is escaped into visible
 * text ({@code escapeHtml}) and {@code javascript:}-style link targets are emptied
 * ({@code sanitizeUrls}); the result still goes through the same sanitiser as HTML input.
 *
 * <p>The CommonMark parser caps nesting itself (about 100 levels), but its memory grows with every
 * inline marker: 10 MiB of {@code [} needs more than 1 GiB. So input with more than
 * {@code 2 × maxElements} lines and inline markup characters is refused before parsing, and the
 * syntax tree is measured (iteratively) before the recursive HTML renderer sees it.
 */
final class MarkdownFrontEnd {
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final String INLINE_MARKUP = "*_[]!<`\\&|";

    private final ConvertLimits limits;
    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .escapeHtml(true)
            .sanitizeUrls(true)
            .build();

    MarkdownFrontEnd(ConvertLimits limits) {
        this.limits = limits;
    }

    String toHtml(String markdown) {
        long budget = 2L * limits.maxElements();
        long markup = countMarkup(markdown);
        if (markup > budget) {
            throw ConversionException.tooLarge("markdown has more than " + budget
                    + " lines and inline markup characters (twice the element limit)");
        }
        Node document = parser.parse(markdown);
        measure(document);
        return renderer.render(document);
    }

    private static long countMarkup(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || INLINE_MARKUP.indexOf(c) >= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Counts the nodes that become elements (not text) and the depth, without recursion; throws
     * when either is over its limit.
     */
    private void measure(Node root) {
        int elements = 0;
        int depth = 0;
        Node node = root;
        while (node != null) {
            boolean element = node != root && !(node instanceof Text) && !(node instanceof SoftLineBreak);
            if (element && ++elements > limits.maxElements()) {
                throw ConversionException.tooLarge("markdown has more than " + limits.maxElements() + " elements");
            }
            if (node.getFirstChild() != null) {
                node = node.getFirstChild();
                if (++depth > limits.maxDepth()) {
                    throw ConversionException.tooLarge("markdown nesting is deeper than " + limits.maxDepth()
                            + " levels");
                }
                continue;
            }
            while (node != root && node.getNext() == null) {
                node = node.getParent();
                depth--;
            }
            node = node == root ? null : node.getNext();
        }
    }
}
