package dev.docpipe.function.submit;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) read strictly: a boundary from the content type, every
 * part with a {@code Content-Disposition: form-data; name="…"}, each name once, the closing delimiter
 * present. Anything else is {@code 400 invalid_multipart} saying what is wrong. Works on the body's bytes,
 * so a file part arrives exactly as sent.
 */
final class MultipartForm {
    /** Parts a submission can have (file, format, priority, options, callbackUrl, and a few to spare). */
    static final int MAX_PARTS = 16;
    /** The longest header block of one part. */
    static final int MAX_PART_HEADERS = 8 * 1024;
    /** RFC 2046: a boundary is 1 to 70 characters. */
    static final int MAX_BOUNDARY = 70;

    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename\\s*=\\s*\"([^\"]*)\"");
    private static final byte[] CRLF = {'\r', '\n'};

    /** One part: its field name, the file name it declared (file parts), its content type, its bytes. */
    record Part(String name, String filename, String contentType, byte[] bytes) {
        /** The value as UTF-8 text; a field that is not valid UTF-8 is {@code invalid_multipart}. */
        String text() {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw malformed("the part '" + name + "' is not UTF-8 text");
            }
        }
    }

    private MultipartForm() {
    }

    /** Whether a {@code Content-Type} header announces a multipart form. */
    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** The form's parts by field name, in their order. */
    static Map<String, Part> parse(String contentType, byte[] body) {
        byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(body, delimiter, 0);
        if (at < 0 || (at > 0 && !endsWithCrlf(body, at))) {
            throw malformed("the body does not start with the boundary the Content-Type names");
        }
        Map<String, Part> parts = new LinkedHashMap<>();
        int pos = at + delimiter.length;
        while (true) {
            if (startsWith(body, pos, new byte[]{'-', '-'})) {
                return parts;  // the closing delimiter; an epilogue after it is ignored (RFC 2046)
            }
            pos = skipTransportPadding(body, pos);
            if (!startsWith(body, pos, CRLF)) {
                throw malformed("a boundary line must end with CRLF");
            }
            pos += 2;
            if (startsWith(body, pos, CRLF)) {
                throw malformed("every part needs a Content-Disposition: form-data header");
            }
            int headersEnd = indexOf(body, new byte[]{'\r', '\n', '\r', '\n'}, pos);
            if (headersEnd < 0 || headersEnd - pos > MAX_PART_HEADERS) {
                throw malformed("a part's headers do not end with an empty line");
            }
            Map<String, String> headers = headers(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8));
            int contentStart = headersEnd + 4;
            byte[] next = concat(CRLF, delimiter);
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                throw malformed("the body ends before the closing boundary");
            }
            Part part = part(headers, Arrays.copyOfRange(body, contentStart, contentEnd));
            if (parts.containsKey(part.name())) {
                throw malformed("the field '" + part.name() + "' is given twice");
            }
            if (parts.size() == MAX_PARTS) {
                throw malformed("more than " + MAX_PARTS + " parts");
            }
            parts.put(part.name(), part);
            pos = contentEnd + next.length;
        }
    }

    private static String boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (!m.find()) {
            throw malformed("the Content-Type multipart/form-data needs a boundary parameter");
        }
        String b = m.group(2) != null ? m.group(2) : m.group(1);
        if (b.isEmpty() || b.length() > MAX_BOUNDARY || !StandardCharsets.US_ASCII.newEncoder().canEncode(b)) {
            throw malformed("the boundary must be 1 to " + MAX_BOUNDARY + " ASCII characters");
        }
        return b;
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw malformed("a part header is not 'Name: value'");
            }
            out.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return out;
    }

    private static Part part(Map<String, String> headers, byte[] content) {
        String disposition = headers.get("content-disposition");
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw malformed("every part needs a Content-Disposition: form-data header");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find() || name.group(1).isEmpty()) {
            throw malformed("every part needs a name in its Content-Disposition");
        }
        Matcher filename = FILENAME.matcher(disposition);
        return new Part(name.group(1), filename.find() ? filename.group(1) : null, headers.get("content-type"), content);
    }

    /** Spaces and tabs a sender may put after a boundary, before its CRLF (RFC 2046 transport padding). */
    private static int skipTransportPadding(byte[] body, int pos) {
        while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
            pos++;
        }
        return pos;
    }

    private static boolean endsWithCrlf(byte[] body, int at) {
        return at >= 2 && body[at - 2] == '\r' && body[at - 1] == '\n';
    }

    private static boolean startsWith(byte[] body, int pos, byte[] prefix) {
        if (pos < 0 || pos + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] target, int from) {
        outer:
        for (int i = Math.max(0, from); i <= body.length - target.length; i++) {
            for (int j = 0; j < target.length; j++) {
                if (body[i + j] != target[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static DocpipeException malformed(String message) {
        return new DocpipeException(ErrorCode.INVALID_MULTIPART, "malformed multipart/form-data: " + message, "body",
                null);
    }
}
