package dev.docpipe.fetch;

import dev.docpipe.job.ErrorCode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Fetches a URL for a URL job (and POSTs webhook events, {@link #post}), treating the URL (and everything the server says) as hostile.
 *
 * <p>Each hop: check the URL without the network ({@link FetchTarget}: http/https only, no user info, an
 * allowed port, IP literals in any notation parsed to the address they mean); resolve the host
 * <em>once</em>; refuse if <em>any</em> returned address is refused by the {@link AddressPolicy}; then
 * open a socket to exactly one of those checked addresses — there is no second lookup, so DNS rebinding
 * cannot swap the address between check and connect. HTTP/1.1 is spoken over that socket directly (TLS
 * layered on it for https, with SNI and host name verification). Redirects (301, 302, 303, 307, 308)
 * start the whole check again for the new URL, up to {@link FetchPolicy#maxRedirects()}.
 *
 * <p>One time budget ({@link FetchPolicy#totalTimeout()}) covers every hop: DNS, connect, TLS, request
 * and body; a watchdog closes the socket when it runs out. Never uses a proxy. Thread-safe.
 */
public final class UrlFetcher {
    static final String USER_AGENT = "docpipe/1 (+url fetcher)";
    static final String WEBHOOK_USER_AGENT = "docpipe/1 (+webhook)";
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]{0,4096}");
    static final String ACCEPT = "text/html, text/markdown, text/plain;q=0.9, */*;q=0.1";
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Client errors that say "later" (request timeout, too early, too many requests): retried like 5xx. */
    private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 425, 429);
    /** What the caller is told about a host refused for the addresses it resolves to. */
    static final String HOST_NOT_ALLOWED = "the URL's host is not allowed";
    private static final Logger LOG = LoggerFactory.getLogger(UrlFetcher.class);

    private final FetchPolicy policy;
    private final Supplier<SSLSocketFactory> tls;

    /** Production: {@code new UrlFetcher(FetchPolicy.publicInternetOnly())}. Trusts the JDK's CA certificates. */
    public UrlFetcher(FetchPolicy policy) {
        this(policy, () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** With a different TLS trust (tests: a self-signed certificate). Looked up on the first https hop only. */
    UrlFetcher(FetchPolicy policy, Supplier<SSLSocketFactory> tls) {
        this.policy = policy;
        this.tls = tls;
    }

    /**
     * Checks {@code url} as far as it can be checked without the network and without a port or address
     * policy (those apply when it is used), and returns it normalised: absolute http or https, a valid host
     * (IP literals in any notation parsed), no user info, a printable ASCII request target.
     *
     * @throws FetchException ({@code fetch_blocked}) naming what is wrong
     */
    public static String checkSyntax(String url) {
        return FetchTarget.parse(url, ANY_PORT).url();
    }

    private static final Set<Integer> ANY_PORT = new java.util.AbstractSet<>() {
        @Override
        public boolean contains(Object o) {
            return o instanceof Integer port && port >= 1 && port <= 65535;
        }

        @Override
        public java.util.Iterator<Integer> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public int size() {
            return 0;
        }
    };

    public FetchedDocument fetch(String url) {
        Deadline deadline = new Deadline(policy.totalTimeout());
        FetchTarget target = FetchTarget.parse(url, policy.allowedPorts());
        List<String> chain = new ArrayList<>();
        String via = null;
        while (true) {
            Response response;
            try {
                response = exchange(target, deadline);
            } catch (FetchException e) {
                throw via != null && e.code() == ErrorCode.FETCH_BLOCKED ? e.prefixed(via) : e;
            }
            int status = response.head().status();
            if (REDIRECTS.contains(status)) {
                if (chain.size() >= policy.maxRedirects()) {
                    throw FetchException.blocked("too many redirects: more than " + policy.maxRedirects()
                            + " (started at " + Text.url(url.strip()) + ")");
                }
                URI next = location(target, response.head());
                chain.add(target.url());
                via = "redirect from " + Text.url(target.url()) + " to " + Text.url(next.toString()) + " refused: ";
                try {
                    target = FetchTarget.of(next, policy.allowedPorts());
                } catch (FetchException e) {
                    throw e.prefixed(via);
                }
                continue;
            }
            if (status >= 400) {
                String message = "HTTP " + status + " from " + Text.url(target.url());
                throw status < 500 && !RETRYABLE_4XX.contains(status)
                        ? FetchException.failedPermanently(message, null) : FetchException.failed(message);
            }
            if (status >= 300) {
                throw FetchException.failed("unexpected HTTP " + status + " (not a redirect) from "
                        + Text.url(target.url()));
            }
            String[] type = contentType(response.head().first("content-type"));
            return new FetchedDocument(target.url(), status, type[0], type[1], response.body(), chain);
        }
    }

    /**
     * POSTs {@code body} to {@code url} (webhook delivery) under the same checks as {@link #fetch}: the URL
     * without the network, one resolution, every address allowed by the policy, a connection to a checked
     * address. A redirect is never followed: it is an answer like any other. The response body is not read.
     *
     * @param headers extra request headers (names and values of printable ASCII only)
     * @return the HTTP status of the answer
     * @throws FetchException {@code fetch_blocked} for a refused URL or address, {@code fetch_failed} when no
     *         answer came (DNS, connect, TLS, time budget)
     */
    public int post(String url, Map<String, String> headers, String contentType, byte[] body) {
        Deadline deadline = new Deadline(policy.totalTimeout());
        FetchTarget target = FetchTarget.parse(url, policy.allowedPorts());
        StringBuilder head = new StringBuilder()
                .append("POST ").append(target.requestTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.hostHeader()).append("\r\n");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("User-Agent", WEBHOOK_USER_AGENT);
        all.put("Content-Type", contentType);
        all.putAll(headers);
        all.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches() || !HEADER_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("header " + Text.brief(name, 40) + " is not printable ASCII");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        head.append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return exchange(target, deadline, request, false).head().status();
    }

    private record Response(HttpResponseReader.Head head, byte[] body) {
    }

    private Response exchange(FetchTarget target, Deadline deadline) {
        return exchange(target, deadline, request(target), true);
    }

    /** One request on one fresh connection to a checked address; the body is read for 2xx only (if asked). */
    private Response exchange(FetchTarget target, Deadline deadline, byte[] request, boolean readBody) {
        List<InetAddress> addresses = checkedAddresses(target, deadline);
        Socket socket = connect(target, addresses, deadline);
        Thread watchdog = Thread.ofVirtual().name("docpipe-fetch-deadline").start(() -> {
            try {
                Thread.sleep(Math.max(1, deadline.remainingMillis()));
                socket.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or already closed
            }
        });
        Socket stream = socket;
        try {
            if (target.https()) {
                stream = startTls(socket, target, deadline);
            }
            OutputStream out = stream.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = new BufferedInputStream(new DeadlineInputStream(stream, deadline), 16 * 1024);
            HttpResponseReader reader = new HttpResponseReader(in, policy.maxBytes(), target.where());
            HttpResponseReader.Head head = reader.readHead();
            boolean success = head.status() >= 200 && head.status() < 300;
            return new Response(head, success && readBody ? reader.readBody(head) : null);
        } catch (SocketTimeoutException e) {
            throw timedOut(target); // every read timeout is what was left of the budget
        } catch (SSLException e) {
            throw deadline.expired() ? timedOut(target) : FetchException.failed("TLS with " + target.where()
                    + " failed: " + Text.brief(e.getMessage(), 160), e);
        } catch (IOException e) {
            throw deadline.expired() ? timedOut(target) : FetchException.failed("connection to " + target.where()
                    + " failed: " + Text.brief(e.getMessage(), 120), e);
        } finally {
            watchdog.interrupt();
            closeQuietly(stream);
            closeQuietly(socket);
        }
    }

    /** The host's addresses, every one allowed by the policy; a literal is its own single address. */
    private List<InetAddress> checkedAddresses(FetchTarget target, Deadline deadline) {
        List<InetAddress> addresses = target.literal() != null ? List.of(target.literal()) : resolve(target, deadline);
        if (addresses.isEmpty()) {
            throw FetchException.failed("host " + target.host() + " has no addresses");
        }
        for (InetAddress address : addresses) {
            if (address == null) {
                throw FetchException.failed("host " + target.host() + " resolved to a null address");
            }
            if (!policy.addresses().allows(address)) {
                String reason = PublicAddressPolicy.refusal(address).orElse("not allowed by the address policy");
                if (target.literal() != null) {
                    // the caller wrote the address: naming its class tells them nothing new
                    throw FetchException.blocked("address " + PublicAddressPolicy.text(address) + " is " + reason);
                }
                // What a name resolves to is not the caller's to learn (it would map out a private
                // network's DNS): the log has the class, the caller only the refusal.
                LOG.warn("fetch refused: host {} resolves to a non-public address ({})", Text.brief(target.host(), 120),
                        reason);
                throw FetchException.blocked(HOST_NOT_ALLOWED);
            }
        }
        return addresses;
    }

    /** One call to the resolver, bounded by the deadline (a lookup that hangs is abandoned, not waited for). */
    private List<InetAddress> resolve(FetchTarget target, Deadline deadline) {
        String host = target.host();
        FutureTask<List<InetAddress>> lookup = new FutureTask<>(() -> policy.resolver().resolve(host));
        Thread.ofVirtual().name("docpipe-fetch-dns").start(lookup);
        try {
            List<InetAddress> addresses = lookup.get(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS);
            return addresses == null ? List.of() : List.copyOf(addresses);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw FetchException.failed("DNS lookup of " + host + " timed out", e);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw FetchException.failed("interrupted while looking up " + host, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                // DNS said the name does not exist: final (a lookup that timed out or failed otherwise is not)
                throw FetchException.failedPermanently("host " + host + " not found", e.getCause());
            }
            if (e.getCause() instanceof FetchException fe) {
                throw fe;
            }
            throw FetchException.failed("DNS lookup of " + host + " failed: " + Text.brief(String.valueOf(
                    e.getCause().getMessage()), 120), e.getCause());
        }
    }

    /** A direct (never proxied) connection to the first of the checked addresses that answers. */
    private Socket connect(FetchTarget target, List<InetAddress> addresses, Deadline deadline) {
        IOException last = null;
        for (InetAddress address : addresses) {
            long remaining = deadline.remainingMillis();
            if (remaining <= 0) {
                throw timedOut(target);
            }
            Socket socket = new Socket(Proxy.NO_PROXY);
            try {
                socket.connect(new InetSocketAddress(address, target.port()),
                        (int) Math.min(policy.connectTimeout().toMillis(), remaining));
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        if (deadline.expired()) {
            throw timedOut(target);
        }
        String why = last instanceof SocketTimeoutException
                ? "timed out after " + policy.connectTimeout().toMillis() + " ms"
                : Text.brief(String.valueOf(last.getMessage()), 120);
        throw FetchException.failed("could not connect to " + target.where() + ": " + why, last);
    }

    /** TLS on the already connected socket: SNI, and the certificate verified against the URL's host. */
    private SSLSocket startTls(Socket socket, FetchTarget target, Deadline deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.get().createSocket(socket, target.tlsHost(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        if (target.literal() == null) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(target.tlsHost())));
            } catch (IllegalArgumentException e) {
                // not a valid SNI name (e.g. has '_'): no SNI; the certificate is still checked against it
            }
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.remainingMillis())));
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] request(FetchTarget target) {
        String head = "GET " + target.requestTarget() + " HTTP/1.1\r\n"
                + "Host: " + target.hostHeader() + "\r\n"
                + "User-Agent: " + USER_AGENT + "\r\n"
                + "Accept: " + ACCEPT + "\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        return head.getBytes(StandardCharsets.US_ASCII);
    }

    /** The redirect's target, resolved against the current URL (RFC 3986, fragment dropped). */
    private static URI location(FetchTarget target, HttpResponseReader.Head head) {
        String location = head.first("location");
        String from = Text.url(target.url());
        if (location == null || location.isBlank()) {
            throw FetchException.failed("HTTP " + head.status() + " from " + from + " has no Location header");
        }
        try {
            URI ref = parseLenient(location.strip());
            URI base = target.uri();
            if (ref.isAbsolute()) {
                return ref;
            }
            if (ref.getRawAuthority() == null && (ref.getRawPath() == null || ref.getRawPath().isEmpty())) {
                // "?q" or "#f": java.net.URI follows RFC 2396 here, RFC 3986 keeps the base path
                String query = ref.getRawQuery() != null ? ref.getRawQuery() : base.getRawQuery();
                return new URI(base.getScheme() + "://" + base.getRawAuthority() + base.getRawPath()
                        + (query == null ? "" : "?" + query));
            }
            return base.resolve(ref);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw FetchException.failed("malformed response from " + target.where() + ": bad Location header in HTTP "
                    + head.status());
        }
    }

    /**
     * Like browsers: spaces, controls and raw non-ASCII bytes in a Location are percent-encoded rather than
     * refused. Header text is ISO-8859-1, so each char is one byte as received (UTF-8 stays UTF-8).
     */
    private static URI parseLenient(String s) throws URISyntaxException {
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return new URI(sb.toString());
    }

    /** {@code [media type (lower-case), charset or null]}, or nulls when there is no usable Content-Type. */
    static String[] contentType(String header) {
        if (header == null || header.isBlank()) {
            return new String[] {null, null};
        }
        String[] parts = header.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String value = p.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                charset = value.isEmpty() ? null : Text.brief(value, 40);
            }
        }
        return new String[] {type.isEmpty() ? null : Text.brief(type, 100), charset};
    }

    private FetchException timedOut(FetchTarget target) {
        return FetchException.failed("fetch timed out after " + policy.totalTimeout().toMillis() + " ms (at "
                + Text.url(target.url()) + ")");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** The fetch's single time budget. */
    private static final class Deadline {
        private final long endNanos;

        Deadline(Duration budget) {
            this.endNanos = System.nanoTime() + budget.toNanos();
        }

        long remainingMillis() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
        }

        boolean expired() {
            return remainingMillis() <= 0;
        }
    }

    /** Before every read, the socket's read timeout is set to what is left of the budget. */
    private static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final Deadline deadline;

        DeadlineInputStream(Socket socket, Deadline deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            arm();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return super.read(b, off, len);
        }

        private void arm() throws IOException {
            long remaining = deadline.remainingMillis();
            if (remaining <= 0) {
                throw new SocketTimeoutException("time budget used up");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        }
    }
}
