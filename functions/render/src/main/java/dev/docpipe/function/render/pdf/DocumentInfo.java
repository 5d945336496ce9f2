package dev.docpipe.function.render.pdf;

import java.util.Objects;

/**
 * What the PDF says about itself: the document information dictionary, the XMP metadata written
 * for tagged PDF, and the catalog language.
 *
 * @param title    shown by viewers instead of the file name; required (may be blank)
 * @param author   or null
 * @param language a BCP 47 tag such as {@code de} or {@code pt-BR}, or null to keep the language
 *                 the XHTML declares on {@code <html lang>}; a value that is not a well-formed tag
 *                 is ignored
 * @param subject  or null
 */
public record DocumentInfo(String title, String author, String language, String subject) {
    public DocumentInfo {
        Objects.requireNonNull(title, "title");
    }

    public static DocumentInfo titled(String title) {
        return new DocumentInfo(title, null, null, null);
    }
}
