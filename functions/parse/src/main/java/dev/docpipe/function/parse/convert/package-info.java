/**
 * The parse stage's converter: untrusted HTML, Markdown or plain text in, sanitised well-formed
 * XHTML (for openhtmltopdf) and {@link dev.docpipe.function.parse.convert.DocumentMetadata} out.
 * {@link dev.docpipe.function.parse.convert.DocumentConverter} is the entry point; failures are
 * {@link dev.docpipe.function.parse.convert.ConversionException}s with {@code TOO_LARGE},
 * {@code UNSUPPORTED_CONTENT} or {@code EMPTY_DOCUMENT}.
 */
package dev.docpipe.function.parse.convert;
