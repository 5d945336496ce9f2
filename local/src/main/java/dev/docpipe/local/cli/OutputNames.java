package dev.docpipe.local.cli;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * PDF file names for one run: the source's base name with {@code .pdf} ({@code report.md} →
 * {@code report.pdf}); a name already given out in this run (compared case-insensitively, as on
 * macOS and Windows) gets {@code -2}, {@code -3}, … ({@code report-2.pdf}).
 */
final class OutputNames {
    private static final int MAX_BASE = 120;
    private final Set<String> taken = new HashSet<>();

    /** The name for a file called {@code fileName}. */
    String forFile(String fileName) {
        String base = fileName;
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        return unique(base);
    }

    /** The name for a web page: its last path segment without extension, else its host. */
    String forUrl(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String base = "";
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                base = segment;
            }
        }
        if (!base.isEmpty()) {
            try {
                base = URLDecoder.decode(base.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // keep it encoded
            }
            int dot = base.lastIndexOf('.');
            if (dot > 0) {
                base = base.substring(0, dot);
            }
        }
        if (base.isBlank() || base.equals(".") || base.equals("..")) {
            base = url.getHost();
        }
        return unique(base);
    }

    private String unique(String rawBase) {
        String base = clean(rawBase);
        String name = base + ".pdf";
        for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
            name = base + "-" + n + ".pdf";
        }
        return name;
    }

    /** Characters no common file system accepts in a name become {@code _}; never empty, never hidden. */
    static String clean(String base) {
        StringBuilder b = new StringBuilder();
        base.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || "/\\:*?\"<>|".indexOf(c) >= 0) {
                b.append('_');
            } else {
                b.appendCodePoint(c);
            }
        });
        String s = b.toString().strip();
        while (s.startsWith(".")) {
            s = s.substring(1);
        }
        if (s.length() > MAX_BASE) {
            s = s.substring(0, s.offsetByCodePoints(0, Math.min(MAX_BASE, s.codePointCount(0, s.length()))));
        }
        return s.isEmpty() ? "document" : s;
    }
}
