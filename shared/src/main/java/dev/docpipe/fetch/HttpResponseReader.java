package dev.docpipe.fetch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads one HTTP/1.x response from a stream, with hard limits: the head (status line and headers,
 * including any 1xx interim responses and chunked trailers) is at most {@value #MAX_HEAD_BYTES} bytes,
 * the body at most {@code maxBytes} (reading stops there). Bodies are framed by chunked transfer coding,
 * Content-Length, or the end of the connection; a gzip content coding is decoded within the same limit.
 */
final class HttpResponseReader {
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-9][0-9]{2})(?: .*)?");

    /** Status and headers (names lower-case, values in order received). */
    record Head(int status, Map<String, List<String>> headers) {
        String first(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** All values of a list-valued header, split on commas, trimmed, lower-case, empty ones dropped. */
        List<String> tokens(String name) {
            List<String> out = new ArrayList<>();
            for (String value : headers.getOrDefault(name, List.of())) {
                for (String token : value.split(",")) {
                    String t = token.strip().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        out.add(t);
                    }
                }
            }
            return out;
        }
    }

    private final InputStream in;
    private final long maxBytes;
    private final String from;
    private int headBytes;

    /**
     * @param in       buffered, and bounded in time by the caller
     * @param maxBytes the body limit
     * @param from     who is talking, for messages ({@code host:port})
     */
    HttpResponseReader(InputStream in, long maxBytes, String from) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.from = from;
    }

    /** The final response's head; 1xx interim responses are skipped. */
    Head readHead() throws IOException {
        while (true) {
            String statusLine = readLine(true);
            if (statusLine == null) {
                throw FetchException.failed("no response from " + from + " (connection closed)");
            }
            Matcher m = STATUS_LINE.matcher(statusLine);
            if (!m.matches()) {
                throw FetchException.failed("malformed response from " + from + ": bad status line '"
                        + Text.brief(statusLine, 40) + "'");
            }
            int status = Integer.parseInt(m.group(1));
            Map<String, List<String>> headers = readFields();
            if (status == 101) {
                throw FetchException.failed("malformed response from " + from + ": unrequested protocol switch (101)");
            }
            if (status >= 200) {
                return new Head(status, headers);
            }
        }
    }

    /** The body of a response whose head was just read. */
    byte[] readBody(Head head) throws IOException {
        if (head.status() == 204 || head.status() == 205 || head.status() == 304) {
            return new byte[0];
        }
        byte[] raw;
        List<String> transfer = head.tokens("transfer-encoding");
        transfer.removeIf("identity"::equals);
        if (!transfer.isEmpty()) {
            if (!transfer.equals(List.of("chunked"))) {
                throw FetchException.failed("unsupported transfer-encoding '"
                        + Text.brief(String.join(", ", transfer), 40) + "' from " + from);
            }
            raw = readChunked();
        } else if (head.headers().containsKey("content-length")) {
            raw = readExactly(contentLength(head));
        } else {
            raw = readToEnd();
        }
        return decode(head, raw);
    }

    private long contentLength(Head head) {
        long length = -1;
        for (String token : head.tokens("content-length")) {
            if (token.length() > 18 || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw FetchException.failed("malformed response from " + from + ": bad Content-Length");
            }
            long n = Long.parseLong(token);
            if (length >= 0 && n != length) {
                throw FetchException.failed("malformed response from " + from + ": conflicting Content-Length");
            }
            length = n;
        }
        if (length < 0) {
            throw FetchException.failed("malformed response from " + from + ": empty Content-Length");
        }
        return length;
    }

    private byte[] readExactly(long length) throws IOException {
        if (length > maxBytes) {
            throw FetchException.tooLarge("document from " + from + " is " + length + " bytes; the limit is "
                    + maxBytes + " bytes");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw FetchException.failed("truncated response from " + from + ": got " + body.length + " of " + length
                    + " bytes");
        }
        return body;
    }

    private byte[] readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, Long.MAX_VALUE);
        return out.toByteArray();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String line = readChunkLine();
            int semicolon = line.indexOf(';');
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            boolean hex = size.chars().allMatch(c -> c < 0x80 && Character.digit(c, 16) >= 0);
            if (size.isEmpty() || size.length() > 15 || !hex) {
                throw FetchException.failed("malformed response from " + from + ": bad chunk size");
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                readFields(); // trailers: read and dropped, within the head limit
                return out.toByteArray();
            }
            long copied = copy(in, out, n);
            if (copied < n) {
                throw FetchException.failed("truncated response from " + from + ": chunked body ended early");
            }
            if (!readChunkLine().isEmpty()) {
                throw FetchException.failed("malformed response from " + from + ": chunk not followed by CRLF");
            }
        }
    }

    private String readChunkLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw FetchException.failed("truncated response from " + from + ": chunked body ended early");
            }
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() >= MAX_CHUNK_LINE) {
                throw FetchException.failed("malformed response from " + from + ": chunk header too long");
            }
            sb.append((char) c);
        }
    }

    /**
     * Copies up to {@code limit} bytes (or to the end), failing with TOO_LARGE as soon as the output would
     * pass {@code maxBytes}: never reads more than one buffer beyond the limit.
     */
    private long copy(InputStream from, ByteArrayOutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        long copied = 0;
        while (copied < limit) {
            int want = (int) Math.min(buffer.length, limit - copied);
            int n = from.read(buffer, 0, want);
            if (n < 0) {
                break;
            }
            if (out.size() + (long) n > maxBytes) {
                throw FetchException.tooLarge("document from " + from + " is larger than the limit of " + maxBytes
                        + " bytes");
            }
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    private byte[] decode(Head head, byte[] raw) throws IOException {
        List<String> codings = head.tokens("content-encoding");
        codings.removeIf("identity"::equals);
        if (codings.isEmpty()) {
            return raw;
        }
        if (codings.equals(List.of("gzip")) || codings.equals(List.of("x-gzip"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                copy(gzip, out, Long.MAX_VALUE);
            } catch (ZipException | EOFException e) {
                throw FetchException.failed("malformed response from " + from + ": corrupt gzip body", e);
            }
            return out.toByteArray();
        }
        throw FetchException.failed("unsupported content-encoding '" + Text.brief(String.join(", ", codings), 40)
                + "' from " + from);
    }

    /** Header (or trailer) fields up to the empty line. */
    private Map<String, List<String>> readFields() throws IOException {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        while (true) {
            String line = readLine(false);
            if (line == null) {
                throw FetchException.failed("truncated response from " + from + ": headers ended early");
            }
            if (line.isEmpty()) {
                return fields;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw FetchException.failed("malformed response from " + from + ": folded header line");
            }
            int colon = line.indexOf(':');
            String name = colon <= 0 ? "" : line.substring(0, colon);
            if (name.isEmpty() || !name.chars().allMatch(HttpResponseReader::isTokenChar)) {
                throw FetchException.failed("malformed response from " + from + ": bad header line '"
                        + Text.brief(line, 40) + "'");
            }
            String value = line.substring(colon + 1).strip();
            fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
        }
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1; null at end of stream before any byte. */
    private String readLine(boolean mayEnd) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (line.size() == 0 && mayEnd) {
                    return null;
                }
                throw FetchException.failed("truncated response from " + from + ": headers ended early");
            }
            if (++headBytes > MAX_HEAD_BYTES) {
                throw FetchException.failed("malformed response from " + from + ": headers exceed " + MAX_HEAD_BYTES
                        + " bytes");
            }
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
