package dev.docpipe.function.parse.convert;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Refuses input that is not text: known binary file signatures, NUL bytes, or a high share of
 * control characters. Formats whose signature could also begin ordinary text (RIFF, MP4's
 * {@code ftyp} at offset 4, PE's {@code MZ}) are left to the NUL-byte check, which they fail. The message says what was found, so a user who uploaded a PDF or a ZIP
 * learns why.
 */
final class BinaryDetector {
    /** Above this share of control characters (other than tab, LF, FF, CR, ESC) input is binary. */
    static final double MAX_CONTROL_SHARE = 0.05;

    private record Signature(int offset, byte[] magic, String what) {
        boolean matches(byte[] b) {
            if (b.length < offset + magic.length) {
                return false;
            }
            for (int i = 0; i < magic.length; i++) {
                if (b[offset + i] != magic[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Signature> SIGNATURES = List.of(
            sig(0, "%PDF-", "a PDF file"),
            sig(0, bytes(0x50, 0x4B, 0x03, 0x04), "a ZIP archive (or a DOCX/XLSX/ODT/EPUB, which are ZIP archives)"),
            sig(0, bytes(0x50, 0x4B, 0x05, 0x06), "an empty ZIP archive"),
            sig(0, bytes(0x50, 0x4B, 0x07, 0x08), "a ZIP archive"),
            sig(0, bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A), "a PNG image"),
            sig(0, bytes(0xFF, 0xD8, 0xFF), "a JPEG image"),
            sig(0, "GIF87a", "a GIF image"),
            sig(0, "GIF89a", "a GIF image"),
            sig(0, bytes(0x7F, 'E', 'L', 'F'), "an ELF executable"),
            sig(0, bytes(0x1F, 0x8B), "a gzip archive"),
            sig(0, bytes(0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1), "an OLE2 file (a legacy Office document)"),
            sig(0, bytes('R', 'a', 'r', '!', 0x1A, 0x07), "a RAR archive"),
            sig(0, bytes('7', 'z', 0xBC, 0xAF, 0x27, 0x1C), "a 7-Zip archive"),
            sig(0, bytes(0xFD, '7', 'z', 'X', 'Z', 0x00), "an xz archive"),
            sig(0, bytes(0x28, 0xB5, 0x2F, 0xFD), "a Zstandard archive"),
            sig(0, bytes(0xCA, 0xFE, 0xBA, 0xBE), "a Java class or Mach-O file"),
            sig(0, bytes(0xCF, 0xFA, 0xED, 0xFE), "a Mach-O executable"),
            sig(0, bytes(0xCE, 0xFA, 0xED, 0xFE), "a Mach-O executable"),
            sig(0, bytes(0x00, 'a', 's', 'm'), "a WebAssembly module"),
            sig(0, bytes('I', 'I', 0x2A, 0x00), "a TIFF image"),
            sig(0, bytes('M', 'M', 0x00, 0x2A), "a TIFF image"),
            sig(0, bytes(0x1A, 0x45, 0xDF, 0xA3), "a Matroska/WebM video"),
            sig(0, "OggS", "an Ogg media file"),
            sig(0, "wOFF", "a WOFF font"),
            sig(0, "wOF2", "a WOFF2 font"));

    private BinaryDetector() {
    }

    /** Throws when the input starts with a known binary signature. */
    static void rejectKnownSignatures(byte[] content) {
        for (Signature s : SIGNATURES) {
            if (s.matches(content)) {
                throw ConversionException.unsupported("binary content: the document looks like " + s.what()
                        + ", not HTML, Markdown or text");
            }
        }
    }

    /**
     * Throws when raw bytes of an ASCII-compatible encoding contain a NUL byte or too many
     * control bytes. Not for UTF-16/UTF-32, whose text is full of zero bytes: see
     * {@link #rejectControlChars(CharSequence)}.
     */
    static void rejectBinaryBytes(byte[] content, int from) {
        long controls = 0;
        for (int i = from; i < content.length; i++) {
            int b = content[i] & 0xFF;
            if (b == 0) {
                throw ConversionException.unsupported(
                        "binary content: the document contains NUL bytes (at byte " + i + ")");
            }
            if (isControl(b)) {
                controls++;
            }
        }
        rejectControlShare(controls, content.length - from, "bytes");
    }

    /** Throws when decoded text contains NUL characters or too many control characters. */
    static void rejectControlChars(CharSequence text) {
        long controls = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw ConversionException.unsupported(
                        "binary content: the document contains NUL characters (at character " + i + ")");
            }
            if (isControl(c)) {
                controls++;
            }
        }
        rejectControlShare(controls, text.length(), "characters");
    }

    private static void rejectControlShare(long controls, long total, String unit) {
        if (total > 0 && controls > total * MAX_CONTROL_SHARE) {
            long percent = Math.round(100.0 * controls / total);
            throw ConversionException.unsupported("binary content: " + percent + "% of the document's " + unit
                    + " are control characters");
        }
    }

    private static boolean isControl(int c) {
        return c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1B;
    }

    private static Signature sig(int offset, String ascii, String what) {
        return new Signature(offset, ascii.getBytes(StandardCharsets.US_ASCII), what);
    }

    private static Signature sig(int offset, byte[] magic, String what) {
        return new Signature(offset, magic, what);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
