package dev.docpipe.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.postgres.RefreshingUrlDataSource;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL JDBC URL read from a Secrets Manager secret at run time ({@code DOCPIPE_DATABASE_SECRET_ARN}),
 * so the password is never in the function's environment: the SecretString is JSON with a key {@code url}
 * ({@code {"url": "jdbc:postgresql://host:5432/docpipe?user=docpipe&password=…"}}). Read once, at the
 * first connection, and kept for the life of the container; read again when PostgreSQL refuses the
 * credentials ({@link RefreshingUrlDataSource}), which is how a rotated password arrives.
 */
public final class DatabaseSecret implements RefreshingUrlDataSource.UrlSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient secrets;
    private final String secretId;
    private final AtomicLong reads = new AtomicLong();
    private volatile String url;

    public DatabaseSecret(SecretsManagerClient secrets, String secretId) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
    }

    @Override
    public String url() {
        String cached = url;
        return cached != null ? cached : refresh();
    }

    @Override
    public synchronized String refresh() {
        String secret;
        try {
            reads.incrementAndGet();
            secret = secrets.getSecretValue(r -> r.secretId(secretId)).secretString();
        } catch (SdkException e) {
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE,
                    "job store unavailable: the database secret cannot be read", null, e);
        }
        String read = parse(secret);
        url = read;
        return read;
    }

    /** How often the secret was read (for tests and logs). */
    public long reads() {
        return reads.get();
    }

    static String parse(String secret) {
        JsonNode url;
        try {
            url = secret == null ? null : JSON.readTree(secret).get("url");
        } catch (java.io.IOException e) {
            url = null;
        }
        if (url == null || !url.isTextual() || !url.asText().startsWith("jdbc:postgresql://")) {
            // never the secret's text in a message: it holds a password
            throw new DocpipeException(ErrorCode.INTERNAL,
                    "the database secret must be JSON with a key \"url\" holding a jdbc:postgresql:// URL");
        }
        return url.asText();
    }
}
