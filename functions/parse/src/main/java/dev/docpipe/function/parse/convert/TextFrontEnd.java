package dev.docpipe.function.parse.convert;

/**
 * Plain text to HTML: every block of lines separated by blank lines becomes a
 * {@code <p class="dp-text">}, whose line breaks and indentation the stylesheet keeps with
 * {@code white-space: pre-wrap}. Line structure costs no elements, so a long log file does not
 * run into the element limit one {@code <br/>} at a time.
 */
final class TextFrontEnd {
    static final String PARAGRAPH_CLASS = "dp-text";

    private TextFrontEnd() {
    }

    static String toHtml(String text, ConvertLimits limits) {
        String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder html = new StringBuilder(normalised.length() + normalised.length() / 8 + 64);
        html.append("<body>");
        int paragraphs = 0;
        boolean open = false;
        int start = 0;
        while (start <= normalised.length()) {
            int end = normalised.indexOf('\n', start);
            if (end < 0) {
                end = normalised.length();
            }
            String line = stripTrailing(normalised.substring(start, end));
            if (line.isBlank()) {
                if (open) {
                    html.append("</p>");
                    open = false;
                }
            } else {
                if (!open) {
                    if (++paragraphs > limits.maxElements()) {
                        throw ConversionException.tooLarge("text has more than " + limits.maxElements()
                                + " paragraphs (the element limit)");
                    }
                    html.append("<p class=\"").append(PARAGRAPH_CLASS).append("\">");
                    open = true;
                } else {
                    html.append('\n');
                }
                escape(line, html);
            }
            start = end + 1;
        }
        if (open) {
            html.append("</p>");
        }
        return html.append("</body>").toString();
    }

    private static String stripTrailing(String line) {
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end);
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
    }
}
