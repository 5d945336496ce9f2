package dev.docpipe.fetch;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link UrlFetcher} is allowed to do.
 *
 * @param addresses      which resolved (or literal) addresses may be connected to
 * @param resolver       host name → addresses; called once per hop
 * @param maxRedirects   how many redirects to follow; one more is refused
 * @param connectTimeout the longest a single TCP connect may take (also capped by what is left of
 *                       {@code totalTimeout})
 * @param totalTimeout   the budget for the whole fetch: every hop's DNS, connect, TLS, request and body
 * @param maxBytes       the largest body accepted; reading stops there
 * @param allowedPorts   the TCP ports a URL (or redirect) may name, explicitly or by default
 */
public record FetchPolicy(AddressPolicy addresses, HostResolver resolver, int maxRedirects, Duration connectTimeout,
                          Duration totalTimeout, long maxBytes, Set<Integer> allowedPorts) {

    /** Ports production allows: the standard web ports and their two common alternates. */
    public static final Set<Integer> WEB_PORTS = Set.of(80, 443, 8080, 8443);

    public FetchPolicy {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(resolver, "resolver");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must be >= 0, was " + maxRedirects);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
        }
        allowedPorts = Set.copyOf(allowedPorts);
        if (allowedPorts.isEmpty()) {
            throw new IllegalArgumentException("allowedPorts must not be empty");
        }
        for (int port : allowedPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allowedPorts: " + port + " is not a TCP port");
            }
        }
    }

    /**
     * Public addresses only, system DNS, 5 redirects, 5 s to connect, 30 s in all, 10 MiB, ports 80, 443,
     * 8080 and 8443.
     */
    public static FetchPolicy publicInternetOnly() {
        return new FetchPolicy(PublicAddressPolicy.INSTANCE, HostResolver.system(), 5, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 10L * 1024 * 1024, WEB_PORTS);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
