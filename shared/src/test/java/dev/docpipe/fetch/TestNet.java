package dev.docpipe.fetch;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Loopback-only test wiring. 127.0.0.2 plays a public server (Linux routes all of 127/8 to lo); every
 * other non-public address, 127.0.0.1 included, stays refused.
 */
final class TestNet {
    static final InetAddress PRETEND_PUBLIC = address("127.0.0.2");
    static final InetAddress LOOPBACK = address("127.0.0.1");

    /** The production policy plus exactly 127.0.0.2. */
    static final AddressPolicy PUBLIC_OR_PRETEND = a -> PublicAddressPolicy.INSTANCE.allows(a)
            || a.equals(PRETEND_PUBLIC);

    private TestNet() {
    }

    /**
     * Skips the calling test class where 127.0.0.2 cannot be bound (Linux routes all of 127/8 to lo; macOS
     * only has 127.0.0.1 unless an alias is added: {@code sudo ifconfig lo0 alias 127.0.0.2}).
     */
    static void assumePretendPublicWorks() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(PRETEND_PUBLIC, 0));
        } catch (IOException e) {
            Assumptions.abort("cannot bind 127.0.0.2 here: " + e.getMessage());
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static FetchPolicy policy(HostResolver resolver, Set<Integer> ports) {
        return new FetchPolicy(PUBLIC_OR_PRETEND, resolver, 5, Duration.ofSeconds(2), Duration.ofSeconds(5),
                64 * 1024, ports);
    }

    static FetchPolicy policy(HostResolver resolver, Set<Integer> ports, long maxBytes, Duration total) {
        return new FetchPolicy(PUBLIC_OR_PRETEND, resolver, 5, Duration.ofSeconds(2), total, maxBytes, ports);
    }

    /** A resolver that knows only its table (never the real DNS) and counts every call. */
    static final class CountingResolver implements HostResolver {
        private final Map<String, Function<Integer, List<InetAddress>>> table = new ConcurrentHashMap<>();
        private final List<String> calls = new CopyOnWriteArrayList<>();

        CountingResolver map(String host, InetAddress... addresses) {
            List<InetAddress> list = List.of(addresses);
            table.put(host, n -> list);
            return this;
        }

        /** Answers by call number for this host (1 = first call). */
        CountingResolver answer(String host, Function<Integer, List<InetAddress>> byCall) {
            table.put(host, byCall);
            return this;
        }

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            calls.add(host);
            Function<Integer, List<InetAddress>> answer = table.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            int n = (int) calls.stream().filter(host::equals).count();
            return new ArrayList<>(answer.apply(n));
        }

        int calls() {
            return calls.size();
        }

        List<String> hosts() {
            return List.copyOf(calls);
        }
    }

    /** Binds a trap on 127.0.0.1 at the given port (same port as a pretend-public server). */
    static LoopbackServer trapOnLoopback(int port) throws IOException {
        return LoopbackServer.start(LOOPBACK, port, LoopbackServer.reply(
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nreached"));
    }
}
