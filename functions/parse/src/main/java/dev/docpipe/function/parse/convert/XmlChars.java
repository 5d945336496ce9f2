package dev.docpipe.function.parse.convert;

/** Characters XML 1.0 allows: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF. */
final class XmlChars {
    private XmlChars() {
    }

    /**
     * Whether XML 1.0 allows the code point. A lone surrogate (which {@link String#codePointAt}
     * returns as itself) is not allowed.
     */
    static boolean isLegal(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    /** The text without the characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF). */
    static String strip(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && isLegal(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        if (i == n) {
            return s;
        }
        StringBuilder out = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            if (isLegal(cp)) {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
