package dev.docpipe.function.parse.convert;

/**
 * Hard limits for one conversion; exceeding any of them fails the conversion with
 * {@code TOO_LARGE} and a message naming the limit.
 *
 * @param maxBytes    largest accepted input, in bytes, checked before anything is decoded or parsed
 *                    (default {@value #DEFAULT_MAX_BYTES}, 10 MiB)
 * @param maxDepth    deepest accepted element nesting below {@code <body>} in the sanitised output
 *                    (default {@value #DEFAULT_MAX_DEPTH}); deeper documents are rejected, not flattened.
 *                    With {@code html} and {@code body} the output is then at most 98 elements deep,
 *                    under the 100 that JDK 24+ XML parsers accept by default
 *                    ({@code jdk.xml.maxElementDepth}), so the render stage can parse it with stock JAXP
 * @param maxElements most elements the HTML parser may build for one document, counting implied ones
 *                    such as {@code tbody} (default {@value #DEFAULT_MAX_ELEMENTS}); Markdown input
 *                    is also refused up front when it has more than twice this many lines and inline
 *                    markup characters, because the Markdown parser's memory grows with them
 */
public record ConvertLimits(long maxBytes, int maxDepth, int maxElements) {
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 96;
    public static final int DEFAULT_MAX_ELEMENTS = 200_000;

    public ConvertLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be positive, was " + maxDepth);
        }
        if (maxElements < 1) {
            throw new IllegalArgumentException("maxElements must be positive, was " + maxElements);
        }
    }

    /** 10 MiB, 96 levels, 200,000 elements. */
    public static ConvertLimits defaults() {
        return new ConvertLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS);
    }
}
