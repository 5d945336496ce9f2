package dev.docpipe.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    private static final String PRESIGNED = "http://127.0.0.1:9000/docpipe/uploads/alice/a.md?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Date=20261125T100000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900"
            + "&X-Amz-Credential=AKIDEXAMPLE%2F20261125%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void presignedUrl_keepsItsPathButLosesSignatureAndCredential() {
        String out = Redaction.redact("upload to " + PRESIGNED + " now");

        assertThat(out).doesNotContain("0123456789abcdef").doesNotContain("AKIDEXAMPLE")
                .contains("X-Amz-Signature=***").contains("X-Amz-Credential=***")
                .contains("/docpipe/uploads/alice/a.md?").contains("X-Amz-Expires=900").endsWith(" now");
    }

    @Test
    void sigV2AndSecurityTokens_areMasked() {
        String out = Redaction.redact("GET /b/k?AWSAccessKeyId=AKIDV2&Expires=1&Signature=abc%2Bdef&X-Amz-Security-Token=tok123");

        assertThat(out).isEqualTo("GET /b/k?AWSAccessKeyId=***&Expires=1&Signature=***&X-Amz-Security-Token=***");
    }

    @Test
    void apiKeyValues_areMaskedInHeaderJsonAndQueryForms() {
        assertThat(Redaction.redact("headers: X-API-Key: apikeyvaluealice, Host: h")).isEqualTo("headers: X-API-Key: ***, Host: h");
        assertThat(Redaction.redact("{\"x-api-key\":\"apikeyvaluealice\",\"a\":1}")).isEqualTo("{\"x-api-key\":\"***\",\"a\":1}");
        assertThat(Redaction.redact("?x-api-key=secret&b=2")).isEqualTo("?x-api-key=***&b=2");
    }

    @Test
    void ordinaryText_isReturnedAsIs() {
        String line = "job 01936f3a-7b2c-7d4e-8f00-0123456789ab parse done in 12 ms";

        assertThat(Redaction.redact(line)).isSameAs(line);
        assertThat(Redaction.redact(null)).isNull();
    }
}
