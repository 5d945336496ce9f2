package dev.docpipe.bench.pipeline;

import dev.docpipe.job.Format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The benchmark corpus, generated in code and deterministic (fixed seeds): every combination of
 * 3 formats (HTML, Markdown with GFM tables, plain text) × 4 scripts (Latin, Greek, Cyrillic, CJK)
 * × 5 sizes (a paragraph; about 1, 3 and 8 pages; a 150-row table) — 60 documents. HTML and
 * Markdown documents have headings, paragraphs with inline markup, bulleted and numbered lists and
 * tables; plain text has paragraphs and dash lists.
 */
final class BenchCorpus {

    enum Script {
        LATIN("en"), GREEK("el"), CYRILLIC("ru"), CJK("zh");

        final String lang;

        Script(String lang) {
            this.lang = lang;
        }
    }

    /** Sections of prose (each with a list and a small table in HTML/Markdown), or one big table. */
    enum Size {
        TINY(0), SHORT(1), MEDIUM(3), LONG(8), TABLE(0);

        final int sections;

        Size(int sections) {
            this.sections = sections;
        }
    }

    /** One document: its file name (the extension names the format) and bytes. */
    record Doc(String name, Format format, Script script, Size size, byte[] content) {
        String extension() {
            return name.substring(name.lastIndexOf('.') + 1);
        }

        String label() {
            return format.wire() + "/" + script.name().toLowerCase(Locale.ROOT) + "/" + size.name().toLowerCase(Locale.ROOT);
        }

        /** The same document with {@code marker} added as a last paragraph (unique content: no dedup). */
        byte[] withMarker(String marker) {
            String text = new String(content, StandardCharsets.UTF_8);
            String out = switch (format) {
                case HTML -> text.replace("</body>", "<p>" + marker + "</p></body>");
                default -> text + "\n\n" + marker + "\n";
            };
            return out.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final String[] LATIN = ("pipeline document render queue sweeper archive ledger harbor violet "
            + "granite meadow lantern orbit cascade timber falcon quartz summit willow ember canyon river "
            + "signal beacon compass anchor window mirror garden market bridge tunnel engine motor paper "
            + "café naïve façade über straße jalapeño smörgåsbord crème brûlée déjà señor").split(" ");
    private static final String[] GREEK = ("αλφα βήτα γάμμα δέλτα έψιλον ζήτα ήτα θήτα ιώτα κάππα λάμδα μι νι ξι "
            + "όμικρον πι ρο σίγμα ταυ ύψιλον φι χι ψι ωμέγα έγγραφο ουρά σελίδα χρόνος εργασία θάλασσα "
            + "βιβλίο γέφυρα δρόμος ήλιος νερό πόλη σπίτι φως").split(" ");
    private static final String[] CYRILLIC = ("привет документ очередь страница время работа город море книга мост "
            + "дорога солнце вода дом свет окно сад рынок бумага двигатель сигнал якорь компас зеркало "
            + "река гора лес поле небо звезда ветер снег дождь").split(" ");
    /** Common Chinese characters and some kana; CJK text has no spaces, "words" are 1–3 characters. */
    private static final String CJK_CHARS = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过"
            + "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同"
            + "三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力"
            + "机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入"
            + "文档队列渲染页面时间あいうえおかきくけこさしすせそたちつてとなにぬねのアイウエオカキクケコ";

    private BenchCorpus() {
    }

    /** The 60 documents, in a fixed order. */
    static List<Doc> documents() {
        List<Doc> docs = new ArrayList<>();
        int n = 0;
        for (Size size : Size.values()) {
            for (Script script : Script.values()) {
                for (Format format : List.of(Format.HTML, Format.MARKDOWN, Format.TEXT)) {
                    Random random = new Random(1_000L * n + 17);
                    String base = String.format(Locale.ROOT, "%02d-%s-%s", n, script.name().toLowerCase(Locale.ROOT),
                            size.name().toLowerCase(Locale.ROOT));
                    Words words = new Words(script, random);
                    Doc doc = switch (format) {
                        case HTML -> new Doc(base + ".html", format, script, size, html(words, size, n));
                        case MARKDOWN -> new Doc(base + ".md", format, script, size, markdown(words, size, n));
                        default -> new Doc(base + ".txt", format, script, size, text(words, size, n));
                    };
                    docs.add(doc);
                    n++;
                }
            }
        }
        return docs;
    }

    /** Pseudo-random words and sentences in one script. */
    private static final class Words {
        private final Script script;
        private final Random random;

        Words(Script script, Random random) {
            this.script = script;
            this.random = random;
        }

        String word() {
            return switch (script) {
                case LATIN -> LATIN[random.nextInt(LATIN.length)];
                case GREEK -> GREEK[random.nextInt(GREEK.length)];
                case CYRILLIC -> CYRILLIC[random.nextInt(CYRILLIC.length)];
                case CJK -> {
                    StringBuilder b = new StringBuilder();
                    int len = 1 + random.nextInt(3);
                    for (int i = 0; i < len; i++) {
                        b.appendCodePoint(CJK_CHARS.codePointAt(random.nextInt(CJK_CHARS.length())));
                    }
                    yield b.toString();
                }
            };
        }

        String words(int count) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < count; i++) {
                if (i > 0 && script != Script.CJK) {
                    b.append(' ');
                }
                b.append(word());
            }
            return b.toString();
        }

        String sentence() {
            String s = words(6 + random.nextInt(12));
            if (script == Script.CJK) {
                return s + "。";
            }
            return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
        }

        String paragraph() {
            StringBuilder b = new StringBuilder();
            int sentences = 3 + random.nextInt(5);
            for (int i = 0; i < sentences; i++) {
                if (i > 0 && script != Script.CJK) {
                    b.append(' ');
                }
                b.append(sentence());
            }
            return b.toString();
        }

        int number() {
            return random.nextInt(100_000);
        }
    }

    private static String heading(Words w, int n, int section) {
        return (section == 0 ? "Document " + n + ": " : section + ". ") + w.words(3);
    }

    private static byte[] html(Words w, Size size, int n) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(w.script.lang)
                .append("\"><head><meta charset=\"utf-8\"><title>").append(escape(heading(w, n, 0)))
                .append("</title></head><body>\n<h1>").append(escape(heading(w, n, 0))).append("</h1>\n<p>")
                .append(escape(w.paragraph())).append("</p>\n");
        if (size == Size.TABLE) {
            htmlTable(b, w, 150);
        }
        for (int s = 1; s <= size.sections; s++) {
            b.append("<h2>").append(escape(heading(w, n, s))).append("</h2>\n");
            for (int p = 0; p < 3; p++) {
                String[] parts = w.paragraph().split(" ", 3);
                if (parts.length == 3) {
                    b.append("<p>").append(escape(parts[0])).append(" <b>").append(escape(parts[1])).append("</b> <i>")
                            .append(escape(parts[2])).append("</i> <a href=\"https://example.org/").append(n).append('/')
                            .append(s).append("\">").append(escape(w.word())).append("</a></p>\n");
                } else {
                    b.append("<p>").append(escape(parts[0])).append("</p>\n");
                }
            }
            b.append("<h3>").append(escape(w.words(2))).append("</h3>\n<ul>");
            for (int i = 0; i < 4; i++) {
                b.append("<li>").append(escape(w.sentence())).append("</li>");
            }
            b.append("</ul>\n<ol>");
            for (int i = 0; i < 3; i++) {
                b.append("<li>").append(escape(w.words(4))).append("</li>");
            }
            b.append("</ol>\n");
            htmlTable(b, w, 8);
            b.append("<p>").append(escape(w.paragraph())).append(" <code>key_").append(w.number()).append("</code></p>\n");
        }
        b.append("</body></html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void htmlTable(StringBuilder b, Words w, int rows) {
        b.append("<table><thead><tr><th>#</th><th>").append(escape(w.word())).append("</th><th>")
                .append(escape(w.word())).append("</th><th>").append(escape(w.word())).append("</th></tr></thead><tbody>\n");
        for (int r = 1; r <= rows; r++) {
            b.append("<tr><td>").append(r).append("</td><td>").append(escape(w.words(2))).append("</td><td>")
                    .append(escape(w.words(3))).append("</td><td>").append(w.number()).append("</td></tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private static byte[] markdown(Words w, Size size, int n) {
        StringBuilder b = new StringBuilder("# ").append(heading(w, n, 0)).append("\n\n").append(w.paragraph()).append("\n\n");
        if (size == Size.TABLE) {
            markdownTable(b, w, 150);
        }
        for (int s = 1; s <= size.sections; s++) {
            b.append("## ").append(heading(w, n, s)).append("\n\n");
            for (int p = 0; p < 3; p++) {
                String[] parts = w.paragraph().split(" ", 3);
                if (parts.length == 3) {
                    b.append(parts[0]).append(" **").append(parts[1]).append("** *").append(parts[2])
                            .append("* [").append(w.word()).append("](https://example.org/").append(n).append('/')
                            .append(s).append(")\n\n");
                } else {
                    b.append(parts[0]).append("\n\n");
                }
            }
            b.append("### ").append(w.words(2)).append("\n\n");
            for (int i = 0; i < 4; i++) {
                b.append("- ").append(w.sentence()).append('\n');
            }
            b.append('\n');
            for (int i = 1; i <= 3; i++) {
                b.append(i).append(". ").append(w.words(4)).append('\n');
            }
            b.append('\n');
            markdownTable(b, w, 8);
            b.append(w.paragraph()).append(" `key_").append(w.number()).append("`\n\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void markdownTable(StringBuilder b, Words w, int rows) {
        b.append("| # | ").append(w.word()).append(" | ").append(w.word()).append(" | ").append(w.word())
                .append(" |\n|---:|---|---|---:|\n");
        for (int r = 1; r <= rows; r++) {
            b.append("| ").append(r).append(" | ").append(w.words(2)).append(" | ").append(w.words(3)).append(" | ")
                    .append(w.number()).append(" |\n");
        }
        b.append('\n');
    }

    private static byte[] text(Words w, Size size, int n) {
        StringBuilder b = new StringBuilder(heading(w, n, 0)).append("\n\n");
        wrap(b, w.paragraph());
        if (size == Size.TABLE) {
            for (int r = 1; r <= 150; r++) {
                b.append(String.format(Locale.ROOT, "%4d  %-24s %-32s %6d%n", r, w.words(2), w.words(3), w.number()));
            }
            b.append('\n');
        }
        for (int s = 1; s <= size.sections; s++) {
            b.append(heading(w, n, s)).append("\n\n");
            for (int p = 0; p < 4; p++) {
                wrap(b, w.paragraph());
            }
            for (int i = 0; i < 4; i++) {
                b.append("  - ").append(w.sentence()).append('\n');
            }
            b.append('\n');
            wrap(b, w.paragraph());
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A paragraph broken into lines of about 72 characters, then a blank line. */
    private static void wrap(StringBuilder b, String paragraph) {
        int column = 0;
        for (String word : paragraph.split(" ")) {
            if (column > 0 && column + word.length() > 72) {
                b.append('\n');
                column = 0;
            } else if (column > 0) {
                b.append(' ');
                column++;
            }
            b.append(word);
            column += word.length();
        }
        b.append("\n\n");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
