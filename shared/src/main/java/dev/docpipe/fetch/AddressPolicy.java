package dev.docpipe.fetch;

import java.net.InetAddress;

/**
 * Which addresses a fetch may connect to. Production uses {@link PublicAddressPolicy}; tests widen it to
 * a single loopback address that stands in for a public server.
 */
@FunctionalInterface
public interface AddressPolicy {

    boolean allows(InetAddress address);
}
