package dev.docpipe.local;

import dev.docpipe.job.Priority;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated test documents: HTML, Markdown and text, mixed priorities, some non-Latin, with the words each must show. */
final class Corpus {
    record Doc(String key, byte[] content, List<String> words, Priority priority) {
    }

    private static final String[] LATIN = ("pipeline document render queue sweeper archive ledger harbor "
            + "violet granite meadow lantern orbit cascade timber falcon quartz summit willow ember canyon").split(" ");
    private static final String[] GREEK = "αλφα βήτα γάμμα δέλτα έψιλον θήτα λάμδα".split(" ");
    private static final String[] CYRILLIC = "привет документ очередь страница время работа".split(" ");
    private static final String[] CJK = "文档 队列 渲染 页面 时间".split(" ");

    static List<Doc> mixed(int count, long seed, String owner) {
        Random random = new Random(seed);
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Priority priority = Priority.values()[i % 3];
            String[] script = switch (i % 7) {
                case 3 -> GREEK;
                case 5 -> CYRILLIC;
                case 6 -> CJK;
                default -> LATIN;
            };
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 40 + random.nextInt(80); w++) {
                words.add(script[random.nextInt(script.length)] + (script == LATIN ? Integer.toString(i) : ""));
            }
            words.add("doc" + i + "marker");
            String prefix = "uploads/" + priority.wire() + "/" + owner + "/";
            docs.add(switch (i % 3) {
                case 0 -> new Doc(prefix + "doc-" + i + ".html", html(i, words), words, priority);
                case 1 -> new Doc(prefix + "doc-" + i + ".md", markdown(i, words), words, priority);
                default -> new Doc(prefix + "doc-" + i + ".txt", text(words), words, priority);
            });
        }
        return docs;
    }

    private static byte[] html(int i, List<String> words) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><title>Document ").append(i)
                .append("</title></head><body><h1>Heading ").append(i).append("</h1><p>");
        int half = words.size() / 2;
        b.append(String.join(" ", words.subList(0, half))).append("</p><h2>Table</h2><table><tr><th>a</th><th>b</th></tr>");
        for (int w = half; w + 1 < words.size(); w += 2) {
            b.append("<tr><td>").append(words.get(w)).append("</td><td>").append(words.get(w + 1)).append("</td></tr>");
        }
        if ((words.size() - half) % 2 == 1) {
            b.append("<tr><td>").append(words.get(words.size() - 1)).append("</td><td></td></tr>");
        }
        b.append("</table></body></html>");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] markdown(int i, List<String> words) {
        StringBuilder b = new StringBuilder("# Markdown ").append(i).append("\n\n");
        int half = words.size() / 2;
        b.append(String.join(" ", words.subList(0, half))).append("\n\n| a | b |\n|---|---|\n");
        for (int w = half; w < words.size(); w += 2) {
            b.append("| ").append(words.get(w)).append(" | ").append(w + 1 < words.size() ? words.get(w + 1) : "").append(" |\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] text(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words.size(); w++) {
            b.append(words.get(w)).append(w % 9 == 8 ? "\n" : " ");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
