package dev.docpipe.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Allows only addresses on the public internet. Refused:
 * <ul>
 *   <li>IPv4: 0.0.0.0/8, 10/8, 100.64/10 (CGNAT), 127/8, 169.254/16 (with the 169.254.169.254 metadata
 *       service), 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24 (6to4 relay), 192.168/16, 198.18/15,
 *       198.51.100/24, 203.0.113/24, 224/4 (multicast), 240/4 (reserved) and 255.255.255.255.</li>
 *   <li>IPv6: {@code ::}, {@code ::1}, anything outside global unicast 2000::/3 (so fe80::/10, fec0::/10,
 *       fc00::/7, ff00::/8, 100::/64, …), and inside it 2001::/23 (Teredo 2001::/32, benchmarking, ORCHID),
 *       2001:db8::/32 and 3fff::/20 (documentation); 64:ff9b:1::/48 (local-use NAT64, whose embedding
 *       depends on the local prefix length); any address carrying a zone (scope) id.</li>
 *   <li>IPv6 forms that embed an IPv4 address are judged by that address: IPv4-mapped
 *       {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, IPv4-translated
 *       {@code ::ffff:0:a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} and 6to4 {@code 2002:AABB:CCDD::/48}.</li>
 * </ul>
 * Works on the address bytes only; never does a lookup.
 */
public final class PublicAddressPolicy implements AddressPolicy {

    public static final PublicAddressPolicy INSTANCE = new PublicAddressPolicy();

    private static final List<V4Range> V4 = List.of(
            V4Range.of("0.0.0.0/8", "'this network'"),
            V4Range.of("10.0.0.0/8", "private"),
            V4Range.of("100.64.0.0/10", "shared address space (CGNAT)"),
            V4Range.of("127.0.0.0/8", "loopback"),
            V4Range.of("169.254.169.254/32", "the cloud metadata service"),
            V4Range.of("169.254.0.0/16", "link-local"),
            V4Range.of("172.16.0.0/12", "private"),
            V4Range.of("192.0.0.0/24", "IETF protocol assignments"),
            V4Range.of("192.0.2.0/24", "documentation (TEST-NET-1)"),
            V4Range.of("192.88.99.0/24", "6to4 relay anycast"),
            V4Range.of("192.168.0.0/16", "private"),
            V4Range.of("198.18.0.0/15", "benchmarking"),
            V4Range.of("198.51.100.0/24", "documentation (TEST-NET-2)"),
            V4Range.of("203.0.113.0/24", "documentation (TEST-NET-3)"),
            V4Range.of("224.0.0.0/4", "multicast"),
            V4Range.of("255.255.255.255/32", "broadcast"),
            V4Range.of("240.0.0.0/4", "reserved"));

    private static final List<V6Range> V6 = List.of(
            V6Range.of("64:ff9b:1::/48", "local-use NAT64"),
            V6Range.of("100::/64", "discard-only"),
            V6Range.of("2001::/32", "Teredo"),
            V6Range.of("2001:db8::/32", "documentation"),
            V6Range.of("2001::/23", "IETF protocol assignments"),
            V6Range.of("3fff::/20", "documentation"),
            V6Range.of("fc00::/7", "unique local"),
            V6Range.of("fe80::/10", "link-local"),
            V6Range.of("fec0::/10", "site-local"),
            V6Range.of("ff00::/8", "multicast"));

    private PublicAddressPolicy() {
    }

    @Override
    public boolean allows(InetAddress address) {
        return refusal(address).isEmpty();
    }

    /**
     * Why an address is not public, e.g. {@code "loopback (127.0.0.0/8)"}; empty when it is public.
     */
    public static Optional<String> refusal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return refusalV4(v4(b, 0));
        }
        Inet6Address a6 = (Inet6Address) address;
        if (a6.getScopeId() != 0 || a6.getScopedInterface() != null) {
            return Optional.of("scoped (it carries a zone id)");
        }
        if (zeros(b, 0, 16)) {
            return Optional.of("unspecified (::)");
        }
        if (zeros(b, 0, 15) && b[15] == 1) {
            return Optional.of("loopback (::1)");
        }
        if (zeros(b, 0, 10) && ff(b, 10)) {
            return embedded("IPv4-mapped", v4(b, 12));
        }
        if (zeros(b, 0, 12)) {
            return embedded("IPv4-compatible", v4(b, 12));
        }
        if (zeros(b, 0, 8) && ff(b, 8) && zeros(b, 10, 12)) {
            return embedded("IPv4-translated", v4(b, 12));
        }
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zeros(b, 4, 12)) {
            return embedded("NAT64", v4(b, 12));
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return embedded("6to4", v4(b, 2));
        }
        for (V6Range range : V6) {
            if (range.contains(b)) {
                return Optional.of(range.reason());
            }
        }
        if ((b[0] & 0xe0) != 0x20) {
            return Optional.of("not global unicast (outside 2000::/3)");
        }
        return Optional.empty();
    }

    /** An address as text: dotted quad, or IPv6 in RFC 5952 short form. */
    static String text(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return dotted(v4(b, 0));
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static Optional<String> refusalV4(int a) {
        for (V4Range range : V4) {
            if (range.contains(a)) {
                return Optional.of(range.reason());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(String form, int v4) {
        return refusalV4(v4).map(reason -> form + " form of " + dotted(v4) + ", which is " + reason);
    }

    private static int v4(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
                | (b[offset + 3] & 0xff);
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean ff(byte[] b, int offset) {
        return b[offset] == (byte) 0xff && b[offset + 1] == (byte) 0xff;
    }

    private record V4Range(int base, int mask, String reason) {
        static V4Range of(String cidr, String name) {
            String[] parts = cidr.split("/");
            String[] octets = parts[0].split("\\.");
            int base = 0;
            for (String octet : octets) {
                base = (base << 8) | Integer.parseInt(octet);
            }
            int bits = Integer.parseInt(parts[1]);
            int mask = bits == 0 ? 0 : -1 << (32 - bits);
            return new V4Range(base & mask, mask, name + " (" + (bits == 32 ? parts[0] : cidr) + ")");
        }

        boolean contains(int address) {
            return (address & mask) == base;
        }
    }

    private record V6Range(byte[] prefix, int bits, String reason) {
        /** Only prefixes written as leading groups then {@code ::}, e.g. {@code 2001:db8::/32}. */
        static V6Range of(String cidr, String name) {
            String[] parts = cidr.split("/");
            String lead = parts[0].substring(0, parts[0].indexOf("::"));
            byte[] prefix = new byte[16];
            String[] groups = lead.split(":");
            for (int i = 0; i < groups.length; i++) {
                int g = Integer.parseInt(groups[i], 16);
                prefix[2 * i] = (byte) (g >>> 8);
                prefix[2 * i + 1] = (byte) g;
            }
            return new V6Range(prefix, Integer.parseInt(parts[1]), name + " (" + cidr + ")");
        }

        boolean contains(byte[] address) {
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }
}
