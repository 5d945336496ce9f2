package dev.docpipe.fetch;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** URL checks that need no network: nothing here resolves or connects. */
class FetchTargetTest {
    private static final Set<Integer> PORTS = FetchPolicy.WEB_PORTS;

    /** Numeric hosts the way browsers read them; each is parsed here, never handed to a resolver. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://2130706433/        | 127.0.0.1
            http://0x7f.1/            | 127.0.0.1
            http://0X7F.0.0.1/        | 127.0.0.1
            http://127.1/             | 127.0.0.1
            http://127.0.1/           | 127.0.0.1
            http://0177.0.0.1/        | 127.0.0.1
            http://017700000001/      | 127.0.0.1
            http://0x7f000001/        | 127.0.0.1
            http://127.0.0.1./        | 127.0.0.1
            http://0/                 | 0.0.0.0
            http://0x/                | 0.0.0.0
            http://134744072/         | 8.8.8.8
            http://0xa9.0xfe.0xa9.0xfe/ | 169.254.169.254
            http://[::ffff:7f00:1]/   | 127.0.0.1
            http://[::ffff:127.0.0.1]/ | 127.0.0.1
            http://[::1]/             | ::1
            http://[0:0:0:0:0:0:0:1]/ | ::1
            http://[::127.0.0.1]/     | ::7f00:1
            """)
    void parsesIpLiteralsInEveryNotation(String url, String address) {
        FetchTarget target = FetchTarget.parse(url, PORTS);
        assertThat(target.literal()).isNotNull();
        assertThat(target.host()).isEqualTo(address);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://1.2.3.4.5/", "http://999.1.1.1/", "http://256.0.0.0/", "http://4294967296/",
            "http://0x100000000/", "http://example.123/", "http://08.0.0.1/", "http://1..2/"})
    void refusesHostsThatEndInANumberButAreNoAddress(String url) {
        assertBlocked(url, "");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            file:///etc/passwd                 | scheme 'file' is not allowed
            ftp://example.com/x                | scheme 'ftp' is not allowed
            gopher://example.com:70/_x         | scheme 'gopher' is not allowed
            javascript:alert(1)                | scheme 'javascript' is not allowed
            data:text/html,hi                  | scheme 'data' is not allowed
            jar:http://example.com/x.jar!/     | scheme 'jar' is not allowed
            //example.com/x                    | is not absolute
            /just/a/path                       | is not absolute
            http:example.com                   | has no host
            http:///x                          | has no host
            http://user:pass@example.com/      | contains user info
            http://user@example.com/           | contains user info
            http://@example.com/               | contains user info
            http://user:pass@0x7f.1/           | contains user info
            http://example.com:22/             | port 22 is not allowed (allowed: 80, 443, 8080, 8443)
            https://example.com:6379/          | port 6379 is not allowed
            http://example.com:99999/          | port 99999 is not allowed
            http://127.1:25/                   | port 25 is not allowed
            http://localhost/                  | host localhost is reserved for loopback
            http://LOCALHOST./                 | reserved for loopback
            http://api.localhost:8080/         | reserved for loopback
            http://[fe80::1%25eth0]/           | zone ids are not allowed
            http://exa mple.com/               | malformed url
            http://exa!mple.com/               | invalid host name
            """)
    void refusesWithoutTheNetwork(String url, String message) {
        assertBlocked(url, message);
    }

    @Test
    void neverEchoesPasswordsOrHugeUrls() {
        String huge = "ftp://user:secret@example.com/" + "a".repeat(5000);
        assertThatThrownBy(() -> FetchTarget.parse(huge, PORTS))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("secret").hasSizeLessThan(200);
                });
        assertThatThrownBy(() -> FetchTarget.parse("http://user:secret@exa mple.com/", PORTS))
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> FetchTarget.parse("http://example.com/" + "a".repeat(9000), PORTS))
                .hasMessageContaining("longer than 8192");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            HTTP://Example.COM/p?q=1#frag        | http://example.com/p?q=1           | example.com        | /p?q=1
            http://example.com                   | http://example.com/                | example.com        | /
            http://example.com:80/               | http://example.com/                | example.com        | /
            https://example.com:443/a/../b       | https://example.com/a/../b         | example.com        | /a/../b
            https://example.com:8443/x?          | https://example.com:8443/x?        | example.com:8443   | /x?
            http://bücher.de/ä?ü=1               | http://xn--bcher-kva.de/%C3%A4?%C3%BC=1 | xn--bcher-kva.de | /%C3%A4?%C3%BC=1
            http://a_b.example:8080/             | http://a_b.example:8080/           | a_b.example:8080   | /
            http://[2606:4700:4700:0::1111]:8080/ | http://[2606:4700:4700::1111]:8080/ | [2606:4700:4700::1111]:8080 | /
            http://example.com/%0d%0aX-Injected:%201 | http://example.com/%0d%0aX-Injected:%201 | example.com | /%0d%0aX-Injected:%201
            """)
    void normalises(String url, String normalised, String hostHeader, String requestTarget) {
        FetchTarget target = FetchTarget.parse(url, PORTS);
        assertThat(target.url()).isEqualTo(normalised);
        assertThat(target.hostHeader()).isEqualTo(hostHeader);
        assertThat(target.requestTarget()).isEqualTo(requestTarget);
    }

    /** U+010D U+010A would become CR LF if written as ISO-8859-1: they must arrive percent-encoded. */
    @Test
    void requestTargetIsPrintableAscii_soNoHeaderInjection() {
        FetchTarget target = FetchTarget.parse("http://example.com/a\u010D\u010AHost:evil", PORTS);
        assertThat(target.requestTarget()).isEqualTo("/a%C4%8D%C4%8AHost:evil");
        assertThat(target.requestTarget().chars()).allMatch(c -> c > 0x20 && c < 0x7f);
    }

    @Test
    void namesAreLeftForTheResolver() {
        FetchTarget target = FetchTarget.parse("https://Docs.Example.com./x", PORTS);
        assertThat(target.literal()).isNull();
        assertThat(target.host()).isEqualTo("docs.example.com.");
        assertThat(target.tlsHost()).isEqualTo("docs.example.com");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.https()).isTrue();
    }

    private static void assertBlocked(String url, String message) {
        assertThatThrownBy(() -> FetchTarget.parse(url, PORTS))
                .isInstanceOfSatisfying(FetchException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FETCH_BLOCKED);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
