package dev.docpipe.function.parse.convert;

import java.util.Objects;

/**
 * One entry of a document's outline.
 *
 * @param level 1 to 6, from {@code h1}..{@code h6}
 * @param text  the heading's visible text, whitespace normalised
 * @param id    the heading element's {@code id} in the XHTML, unique within the document
 */
public record Heading(int level, String text, String id) {
    public Heading {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be 1..6, was " + level);
        }
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(id, "id");
    }
}
