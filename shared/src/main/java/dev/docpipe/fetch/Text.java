package dev.docpipe.fetch;

/** Bits of text for error messages: URLs and server-supplied strings are untrusted and may be huge. */
final class Text {
    static final int MAX_URL_IN_MESSAGE = 100;

    private Text() {
    }

    /** Printable ASCII only (anything else becomes {@code ?}), cut to {@code max} characters with an ellipsis. */
    static String brief(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > max) {
            sb.append('…');
        }
        return sb.toString();
    }

    /** A URL for a message: user info (which may hold a password) removed, then {@link #brief}. */
    static String url(String url) {
        if (url == null) {
            return "null";
        }
        int start = url.indexOf("//");
        if (start >= 0) {
            int end = start + 2;
            while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
                end++;
            }
            int at = url.lastIndexOf('@', end - 1);
            if (at > start) {
                url = url.substring(0, start + 2) + "…@" + url.substring(at + 1);
            }
        }
        return brief(url, MAX_URL_IN_MESSAGE);
    }
}
