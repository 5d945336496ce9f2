package dev.docpipe.job;

/**
 * The rules for a job's file name, the same whichever way the job came in: a plain file name of at most
 * {@link #MAX_LENGTH} characters with no path separator, no {@code ..} and no control character. The
 * API refuses a name that breaks them; an upload's key is not the caller's to refuse, so ingest shows a
 * {@link #sanitise sanitised} name instead.
 */
public final class FileNames {
    public static final int MAX_LENGTH = 200;
    /** What a name with nothing usable left becomes. */
    static final String FALLBACK = "upload";

    private FileNames() {
    }

    /** Whether {@code name} follows the rules. */
    public static boolean isPlain(String name) {
        return name != null && !name.isBlank() && name.length() <= MAX_LENGTH && !name.contains("/")
                && !name.contains("\\") && !name.contains("..") && !name.equals(".")
                && name.chars().noneMatch(FileNames::isControl);
    }

    /**
     * A name that follows the rules and reads like {@code name}: each control character becomes U+FFFD
     * (the replacement character, so a reader sees that something was there), a backslash {@code _},
     * {@code ..} a single dot, and the result is cut to {@link #MAX_LENGTH} characters. A plain name is
     * returned as it is.
     */
    public static String sanitise(String name) {
        if (isPlain(name)) {
            return name;
        }
        if (name == null) {
            return FALLBACK;
        }
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
        name.codePoints().forEach(c -> {
            if (isControl(c)) {
                out.append('\uFFFD');
            } else if (c == '\\' || c == '/') {
                out.append('_');
            } else {
                out.appendCodePoint(c);
            }
        });
        String s = out.toString();
        while (s.contains("..")) {
            s = s.replace("..", ".");
        }
        if (s.length() > MAX_LENGTH) {
            int end = Character.isHighSurrogate(s.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
            s = s.substring(0, end);
        }
        return s.isBlank() || s.equals(".") ? FALLBACK : s;
    }

    /** C0 controls, DEL and C1 controls (CR, LF, NUL, ESC, …). */
    static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
    }
}
