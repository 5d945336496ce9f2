package dev.docpipe.fetch;

import java.math.BigInteger;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A URL that passed every check that needs no network: scheme, user info, host syntax, port, request
 * target. IP literals, in any notation a browser accepts ({@code 2130706433}, {@code 0x7f.1},
 * {@code 127.1}, {@code 0177.0.0.1}, {@code [::ffff:7f00:1]}), are parsed here into {@link #literal()}, so
 * they never reach a resolver and are checked as the address they denote.
 *
 * @param uri           the normalised URL; redirects are resolved against it
 * @param https         whether to speak TLS
 * @param host          the host as sent: lower-case ASCII name (IDN converted), or the address text of a
 *                      literal (IPv6 without brackets)
 * @param literal       the address when the host is an IP literal, else null
 * @param port          the TCP port, explicit or the scheme's default
 * @param hostHeader    the {@code Host} header value (brackets for IPv6, port when not the default)
 * @param requestTarget path and query, printable ASCII only, never empty
 */
record FetchTarget(URI uri, boolean https, String host, InetAddress literal, int port, String hostHeader,
                   String requestTarget) {

    static final int MAX_URL_CHARS = 8192;

    /** The normalised URL as text. */
    String url() {
        return uri.toString();
    }

    /** The name TLS verifies the certificate against (no trailing dot). */
    String tlsHost() {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** {@code host:port} for messages. */
    String where() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static FetchTarget parse(String url, Set<Integer> allowedPorts) {
        if (url == null || url.isBlank()) {
            throw FetchException.blocked("no url given");
        }
        String trimmed = url.strip();
        if (trimmed.length() > MAX_URL_CHARS) {
            throw FetchException.blocked("url is longer than " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw FetchException.blocked("malformed url " + Text.url(trimmed) + ": " + Text.brief(e.getReason(), 80));
        }
        return of(uri, allowedPorts);
    }

    static FetchTarget of(URI uri, Set<Integer> allowedPorts) {
        String shown = Text.url(uri.toString());
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw FetchException.blocked("url " + shown + " is not absolute");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw FetchException.blocked("scheme '" + Text.brief(scheme, 20)
                    + "' is not allowed (only http and https)");
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw FetchException.blocked("url " + shown + " has no host");
        }
        if (uri.getRawUserInfo() != null || authority.indexOf('@') >= 0) {
            throw FetchException.blocked("url contains user info (name@ or name:password@); credentials in URLs"
                    + " are not allowed");
        }

        String rawHost;
        int port;
        if (uri.getHost() != null) {
            rawHost = uri.getHost();
            port = uri.getPort();
        } else {
            // A "registry-based" authority, which java.net.URI leaves unparsed: 127.1, 0x7f.1, a_b.example,
            // bücher.de. Only host[:port] is possible here (no '@', checked above).
            if (authority.indexOf('[') >= 0 || authority.indexOf(']') >= 0) {
                throw FetchException.blocked("malformed host in url " + shown);
            }
            int colon = authority.lastIndexOf(':');
            rawHost = colon < 0 ? authority : authority.substring(0, colon);
            String portText = colon < 0 ? "" : authority.substring(colon + 1);
            if (portText.isEmpty()) {
                port = -1;
            } else if (portText.length() <= 5 && portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                port = Integer.parseInt(portText);
            } else {
                throw FetchException.blocked("malformed port in url " + shown);
            }
        }

        String host;
        InetAddress literal;
        String hostInHeader;
        if (rawHost.startsWith("[")) {
            literal = ipv6Literal(rawHost, shown);
            host = PublicAddressPolicy.text(literal);
            hostInHeader = literal.getAddress().length == 16 ? "[" + host + "]" : host;
        } else {
            String name = asciiName(rawHost, shown);
            if (endsInNumber(name)) {
                literal = ipv4Literal(name);
                host = PublicAddressPolicy.text(literal);
            } else {
                literal = null;
                host = name;
                String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
                if (bare.equals("localhost") || bare.endsWith(".localhost")) {
                    throw FetchException.blocked("host " + Text.brief(name, 60) + " is reserved for loopback");
                }
            }
            hostInHeader = host;
        }

        int defaultPort = scheme.equals("https") ? 443 : 80;
        int effectivePort = port < 0 ? defaultPort : port;
        if (!allowedPorts.contains(effectivePort)) {
            throw FetchException.blocked("port " + effectivePort + " is not allowed (allowed: "
                    + String.join(", ", new TreeSet<>(allowedPorts).stream().map(String::valueOf).toList()) + ")");
        }
        if (effectivePort != defaultPort) {
            hostInHeader = hostInHeader + ":" + effectivePort;
        }

        String requestTarget = requestTarget(uri, shown);
        URI normalised;
        try {
            normalised = new URI(scheme + "://" + hostInHeader + requestTarget);
        } catch (URISyntaxException e) {
            throw FetchException.blocked("malformed url " + shown);
        }
        return new FetchTarget(normalised, scheme.equals("https"), host, literal, effectivePort, hostInHeader,
                requestTarget);
    }

    private static InetAddress ipv6Literal(String bracketed, String shown) {
        String inner = bracketed.substring(1, bracketed.length() - 1);
        if (inner.indexOf('%') >= 0) {
            throw FetchException.blocked("IPv6 zone ids are not allowed (url " + shown + ")");
        }
        boolean literalChars = inner.chars()
                .allMatch(c -> c == ':' || c == '.' || (c < 0x80 && Character.digit(c, 16) >= 0));
        if (inner.isEmpty() || !literalChars || inner.indexOf(':') < 0) {
            throw FetchException.blocked("malformed IPv6 address in url " + shown);
        }
        try {
            // A string with ':' is only ever parsed as a literal, never looked up.
            return InetAddress.getByName(inner);
        } catch (UnknownHostException e) {
            throw FetchException.blocked("malformed IPv6 address in url " + shown);
        }
    }

    /** Lower-case ASCII host name, IDN converted; only letters, digits, '-', '_' and '.' in labels of 1–63. */
    private static String asciiName(String raw, String shown) {
        String name = raw;
        if (!name.chars().allMatch(c -> c < 0x80)) {
            try {
                name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                throw FetchException.blocked("invalid internationalised host name in url " + shown);
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (bare.isEmpty() || bare.length() > 253) {
            throw FetchException.blocked("invalid host name in url " + shown);
        }
        for (String label : bare.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || !label.chars().allMatch(
                    c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                throw FetchException.blocked("invalid host name in url " + shown);
            }
        }
        return name;
    }

    private static String requestTarget(URI uri, String shown) {
        URI ascii;
        try {
            ascii = new URI(uri.toASCIIString());
        } catch (URISyntaxException e) {
            throw FetchException.blocked("malformed url " + shown);
        }
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String target = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
        if (!target.startsWith("/") || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw FetchException.blocked("malformed path in url " + shown);
        }
        return target;
    }

    // --- IPv4 literals the way browsers read them (WHATWG URL, "IPv4 parser") --------------------------

    /** Whether a host is meant as an IPv4 address: its last label is a number (decimal, 0x hex or 0 octal). */
    static boolean endsInNumber(String host) {
        List<String> parts = labels(host);
        String last = parts.get(parts.size() - 1);
        if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return number(last) != null;
    }

    /** Parses {@code 2130706433}, {@code 0x7f.1}, {@code 127.1}, {@code 0177.0.0.1}, …; refuses what is not one. */
    static InetAddress ipv4Literal(String host) {
        List<String> parts = labels(host);
        if (parts.size() > 4) {
            throw FetchException.blocked("host " + Text.brief(host, 60) + " is not a valid IPv4 address");
        }
        List<BigInteger> numbers = new ArrayList<>();
        for (String part : parts) {
            BigInteger n = part.isEmpty() ? null : number(part);
            if (n == null) {
                throw FetchException.blocked("host " + Text.brief(host, 60) + " is not a valid IPv4 address");
            }
            numbers.add(n);
        }
        BigInteger limit = BigInteger.valueOf(256).pow(5 - numbers.size());
        BigInteger last = numbers.get(numbers.size() - 1);
        boolean ok = last.compareTo(limit) < 0;
        for (int i = 0; i < numbers.size() - 1; i++) {
            ok &= numbers.get(i).compareTo(BigInteger.valueOf(255)) <= 0;
        }
        if (!ok) {
            throw FetchException.blocked("host " + Text.brief(host, 60) + " is not a valid IPv4 address");
        }
        long value = last.longValue();
        for (int i = 0; i < numbers.size() - 1; i++) {
            value += numbers.get(i).longValue() << (8 * (3 - i));
        }
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static List<String> labels(String host) {
        List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
        if (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        return parts;
    }

    private static BigInteger number(String s) {
        int radix = 10;
        String digits = s;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            digits = s.substring(1);
        }
        if (digits.isEmpty()) {
            return BigInteger.ZERO;
        }
        final int r = radix;
        if (!digits.chars().allMatch(c -> Character.digit(c, r) >= 0 && c < 0x80)) {
            return null;
        }
        return new BigInteger(digits, radix);
    }
}
