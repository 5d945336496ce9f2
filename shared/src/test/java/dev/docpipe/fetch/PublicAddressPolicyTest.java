package dev.docpipe.fetch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Policy checks on address bytes only: nothing here connects anywhere. */
class PublicAddressPolicyTest {

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0            | 'this network'
            0.255.255.255      | 'this network'
            10.0.0.0           | private (10.0.0.0/8)
            10.255.255.255     | private (10.0.0.0/8)
            100.64.0.0         | CGNAT
            100.127.255.255    | CGNAT
            127.0.0.1          | loopback (127.0.0.0/8)
            127.0.0.2          | loopback
            127.255.255.255    | loopback
            169.254.169.254    | cloud metadata
            169.254.0.0        | link-local
            169.254.255.255    | link-local
            172.16.0.0         | private (172.16.0.0/12)
            172.31.255.255     | private (172.16.0.0/12)
            192.0.0.0          | IETF protocol assignments
            192.0.0.255        | IETF protocol assignments
            192.0.2.0          | TEST-NET-1
            192.0.2.255        | TEST-NET-1
            192.88.99.0        | 6to4 relay
            192.88.99.255      | 6to4 relay
            192.168.0.0        | private (192.168.0.0/16)
            192.168.255.255    | private (192.168.0.0/16)
            198.18.0.0         | benchmarking
            198.19.255.255     | benchmarking
            198.51.100.0       | TEST-NET-2
            198.51.100.255     | TEST-NET-2
            203.0.113.0        | TEST-NET-3
            203.0.113.255      | TEST-NET-3
            224.0.0.0          | multicast
            239.255.255.255    | multicast
            240.0.0.0          | reserved
            255.255.255.254    | reserved
            255.255.255.255    | broadcast
            """)
    void refusesNonPublicIpv4(String address, String reason) {
        InetAddress a = ip(address);
        assertThat(a).isInstanceOf(Inet4Address.class);
        assertThat(PublicAddressPolicy.INSTANCE.allows(a)).isFalse();
        assertThat(PublicAddressPolicy.refusal(a)).hasValueSatisfying(r -> assertThat(r).contains(reason));
    }

    @ParameterizedTest(name = "{0} is public")
    @ValueSource(strings = {
            "8.8.8.8", "1.1.1.1", "93.184.215.14",
            // just outside each refused IPv4 range
            "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
            "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "191.255.255.255",
            "192.0.1.0", "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.0",
            "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
            "223.255.255.255",
            // IPv6 global unicast, including just outside refused IPv6 ranges
            "2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e", "2001:200::1",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::", "3fff:1000::", "3ffe::1",
            // embedded public IPv4
            "::8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1", "::ffff:0:8.8.8.8"})
    void allowsPublicAddresses(String address) {
        InetAddress a = ip(address);
        assertThat(PublicAddressPolicy.refusal(a)).isEmpty();
        assertThat(PublicAddressPolicy.INSTANCE.allows(a)).isTrue();
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ::                                  | unspecified
            ::1                                 | loopback (::1)
            fe80::1                             | link-local (fe80::/10)
            febf:ffff:ffff:ffff::1              | link-local
            fec0::1                             | site-local
            fc00::1                             | unique local (fc00::/7)
            fd00:ec2::254                       | unique local
            fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | unique local
            ff00::                              | multicast (ff00::/8)
            ff02::1                             | multicast
            2001:db8::1                         | documentation (2001:db8::/32)
            2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | documentation
            100::                               | discard-only (100::/64)
            100::ffff:ffff:ffff:ffff            | discard-only
            100:0:0:1::                         | not global unicast
            2001::                              | Teredo (2001::/32)
            2001:0:4136:e378:8000:63bf:3fff:fdd2 | Teredo
            2001:0:ffff:ffff:ffff:ffff:ffff:ffff | Teredo
            2001:1::1                           | IETF protocol assignments
            2001:2::1                           | IETF protocol assignments
            2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff | IETF protocol assignments
            3fff::1                             | documentation (3fff::/20)
            3fff:fff:ffff::                     | documentation
            64:ff9b:1::808:808                  | local-use NAT64
            5f00::1                             | not global unicast
            1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | not global unicast
            4000::1                             | not global unicast
            ::2                                 | IPv4-compatible form of 0.0.0.2, which is 'this network'
            ::127.0.0.1                         | IPv4-compatible form of 127.0.0.1, which is loopback
            ::10.0.0.1                          | IPv4-compatible form of 10.0.0.1, which is private
            ::ffff:0:127.0.0.1                  | IPv4-translated form of 127.0.0.1, which is loopback
            64:ff9b::127.0.0.1                  | NAT64 form of 127.0.0.1, which is loopback
            64:ff9b::a9fe:a9fe                  | NAT64 form of 169.254.169.254, which is the cloud metadata service
            64:ff9b::c0a8:101                   | NAT64 form of 192.168.1.1, which is private
            64:ff9b:0:0:1::                     | not global unicast
            2002:7f00:1::                       | 6to4 form of 127.0.0.1, which is loopback
            2002:a00:1:1::1                     | 6to4 form of 10.0.0.1, which is private
            2002:c0a8:101::                     | 6to4 form of 192.168.1.1, which is private
            2002:a9fe:a9fe::1                   | 6to4 form of 169.254.169.254, which is the cloud metadata service
            2002::                              | 6to4 form of 0.0.0.0, which is 'this network'
            """)
    void refusesNonPublicIpv6(String address, String reason) {
        InetAddress a = ip(address);
        assertThat(a).isInstanceOf(Inet6Address.class);
        assertThat(PublicAddressPolicy.INSTANCE.allows(a)).isFalse();
        assertThat(PublicAddressPolicy.refusal(a)).hasValueSatisfying(r -> assertThat(r).contains(reason));
    }

    /** Java turns {@code ::ffff:a.b.c.d} text into an Inet4Address: judged as the IPv4 address it is. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ::ffff:127.0.0.1      | loopback
            ::ffff:7f00:1         | loopback
            ::ffff:169.254.169.254 | cloud metadata
            ::ffff:10.1.2.3       | private
            """)
    void refusesIpv4MappedText_whichJavaParsesAsIpv4(String address, String reason) {
        InetAddress a = ip(address);
        assertThat(a).isInstanceOf(Inet4Address.class);
        assertThat(PublicAddressPolicy.refusal(a)).hasValueSatisfying(r -> assertThat(r).contains(reason));
    }

    /** But an Inet6Address can still carry mapped bytes (e.g. from a resolver): judged by the embedded address. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1       | IPv4-mapped form of 127.0.0.1, which is loopback
            169.254.169.254 | IPv4-mapped form of 169.254.169.254, which is the cloud metadata service
            10.0.0.1        | IPv4-mapped form of 10.0.0.1, which is private
            0.0.0.0         | IPv4-mapped form of 0.0.0.0, which is 'this network'
            """)
    void refusesIpv4MappedInet6Address(String v4, String reason) throws UnknownHostException {
        Inet6Address a = mappedInet6(v4);
        assertThat(PublicAddressPolicy.INSTANCE.allows(a)).isFalse();
        assertThat(PublicAddressPolicy.refusal(a)).hasValueSatisfying(r -> assertThat(r).contains(reason));
    }

    @Test
    void allowsIpv4MappedInet6Address_ofAPublicAddress() throws UnknownHostException {
        assertThat(PublicAddressPolicy.INSTANCE.allows(mappedInet6("8.8.8.8"))).isTrue();
    }

    @Test
    void refusesAnAddressWithAZoneId_evenIfGlobal() throws UnknownHostException {
        Inet6Address scoped = Inet6Address.getByAddress(null, ip("2606:4700:4700::1111").getAddress(), 1);
        assertThat(PublicAddressPolicy.refusal(scoped)).hasValueSatisfying(r -> assertThat(r).contains("zone id"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1                 | 127.0.0.1
            0:0:0:0:0:0:0:1           | ::1
            0:0:0:0:0:0:0:0           | ::
            2001:db8:0:0:1:0:0:1      | 2001:db8::1:0:0:1
            2606:4700:4700:0:0:0:0:1111 | 2606:4700:4700::1111
            fe80:0:0:0:0:0:0:1        | fe80::1
            2001:db8:1:1:1:1:1:1      | 2001:db8:1:1:1:1:1:1
            2001:0:1:1:1:1:1:1        | 2001:0:1:1:1:1:1:1
            """)
    void formatsAddressesShortForm(String address, String text) {
        assertThat(PublicAddressPolicy.text(ip(address))).isEqualTo(text);
    }

    @Test
    void formatsMappedInet6AsIpv6() throws UnknownHostException {
        assertThat(PublicAddressPolicy.text(mappedInet6("127.0.0.1"))).isEqualTo("::ffff:7f00:1");
    }

    private static InetAddress ip(String literal) {
        return TestNet.address(literal);
    }

    private static Inet6Address mappedInet6(String v4) throws UnknownHostException {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(ip(v4).getAddress(), 0, b, 12, 4);
        return Inet6Address.getByAddress(null, b, -1);
    }
}
