package dev.docpipe.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. {@link UrlFetcher} calls it exactly once per hop and connects only to
 * an address it returned (after checking all of them), so what is checked is what is connected to.
 * Never called for IP literals: the fetcher parses those itself.
 */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}), i.e. the system's DNS. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
