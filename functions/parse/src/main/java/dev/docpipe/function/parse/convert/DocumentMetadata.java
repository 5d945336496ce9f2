package dev.docpipe.function.parse.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.Format;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the parse stage learned about a document.
 *
 * @param title     {@code <title>}, else the first {@code h1}, else the file name without its
 *                  extension, else {@code "Untitled"}
 * @param language  the {@code <html lang>} of an HTML document when it looks like a language tag,
 *                  else null
 * @param wordCount words of the visible text: runs of non-whitespace, with every Han, Hiragana
 *                  and Katakana character counted as a word of its own
 * @param outline   the headings in document order (headings without text are left out)
 * @param charset   the charset the input was decoded with, e.g. {@code UTF-8}, {@code windows-1252}
 * @param format    the input format, given or inferred
 */
public record DocumentMetadata(String title, String language, int wordCount, List<Heading> outline,
                               String charset, Format format) {
    public DocumentMetadata {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(format, "format");
        if (wordCount < 0) {
            throw new IllegalArgumentException("wordCount must not be negative, was " + wordCount);
        }
        outline = outline == null ? List.of() : List.copyOf(outline);
    }

    /**
     * {@code {"title":…,"language":…|null,"wordCount":…,"outline":[{"level":…,"text":…,"id":…}],
     * "charset":…,"format":"html"|"markdown"|"text"}}.
     */
    public String toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("title", title);
        n.put("language", language);
        n.put("wordCount", wordCount);
        ArrayNode headings = n.putArray("outline");
        for (Heading h : outline) {
            headings.addObject().put("level", h.level()).put("text", h.text()).put("id", h.id());
        }
        n.put("charset", charset);
        n.put("format", format.wire());
        return n.toString();
    }

    /** Reads what {@link #toJson()} wrote; throws {@link IllegalArgumentException} on anything else. */
    public static DocumentMetadata fromJson(String json) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document metadata is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("document metadata must be a JSON object");
        }
        List<Heading> outline = new ArrayList<>();
        for (JsonNode h : n.path("outline")) {
            outline.add(new Heading(h.path("level").asInt(), h.path("text").asText(""), h.path("id").asText("")));
        }
        return new DocumentMetadata(
                n.path("title").asText("Untitled"),
                n.hasNonNull("language") ? n.get("language").asText() : null,
                n.path("wordCount").asInt(),
                outline,
                n.path("charset").asText("UTF-8"),
                Format.parse(n.path("format").asText(null)));
    }

    /** Jackson is loaded on first use, not when a conversion builds a metadata record. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
