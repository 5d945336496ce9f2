package dev.docpipe.function.render.pdf;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** XHTML documents shaped like the parse stage's output. */
final class Xhtml {
    static final String PARSE_STAGE_STYLE = """
            @page { size: A4; margin: 20mm;
              @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
            body { font-family: "DocSans", sans-serif; font-size: 11pt; line-height: 1.4; }
            h1, h2, h3 { page-break-after: avoid; }
            table { border-collapse: collapse; } td, th { border: 0.5pt solid #999; padding: 2pt 4pt; }
            """;

    private Xhtml() {
    }

    /** A complete document with the parse stage's style sheet around {@code body}. */
    static String document(String title, String body) {
        return document(title, PARSE_STAGE_STYLE, body);
    }

    static String document(String title, String style, String body) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE html>
                <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
                <head><meta charset="UTF-8" /><title>%s</title><style>%s</style></head>
                <body>%s</body>
                </html>
                """.formatted(title, style, body);
    }

    static String lorem(int paragraphs) {
        return IntStream.range(0, paragraphs)
                .mapToObj(i -> "<p>Paragraph " + i + ". Lorem ipsum dolor sit amet, consectetur adipiscing elit, "
                        + "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, "
                        + "quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute "
                        + "irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.</p>")
                .collect(Collectors.joining("\n"));
    }

    /** About {@code pages} A4 pages of headed sections of text. */
    static String pages(int pages) {
        StringBuilder body = new StringBuilder();
        for (int s = 1; s <= pages; s++) {
            body.append("<h2 id=\"s").append(s).append("\">Section ").append(s).append("</h2>\n");
            body.append(lorem(7));
        }
        return document("About " + pages + " pages", body.toString());
    }

    static String table(int rows) {
        StringBuilder body = new StringBuilder("<h1 id=\"t\">Big table</h1><table><thead><tr><th>#</th><th>Name</th>"
                + "<th>Value</th><th>Note</th></tr></thead><tbody>\n");
        for (int r = 0; r < rows; r++) {
            body.append("<tr><td>").append(r).append("</td><td>Row ").append(r)
                    .append("</td><td>").append(r * 37 % 1000).append("</td><td>note ").append(r % 17)
                    .append("</td></tr>\n");
        }
        body.append("</tbody></table>");
        return document("Table of " + rows + " rows", body.toString());
    }
}
