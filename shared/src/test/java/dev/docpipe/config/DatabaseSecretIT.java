package dev.docpipe.config;

import dev.docpipe.adapter.postgres.PostgresJobStore;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.standins.PostgresStandIn;
import dev.docpipe.standins.moto.MotoServer;
import dev.docpipe.testing.DynamoDb;
import dev.docpipe.testing.Jobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL URL read from Secrets Manager (moto's) at run time, against a real PostgreSQL that checks
 * passwords ({@code scram-sha-256} for every role but the admin): read once per store, read again when
 * the password was rotated under a running pool.
 */
class DatabaseSecretIT {
    @TempDir
    static Path data;
    private static PostgresStandIn postgres;
    private static SecretsManagerClient secrets;

    @BeforeAll
    static void start() throws Exception {
        DynamoDb.assumeMoto();
        postgres = PostgresStandIn.start(data.resolve("pg"));
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE docpipe LOGIN PASSWORD 'first-password'");
            s.execute("CREATE DATABASE rotation OWNER docpipe");
        }
        // the stand-in trusts every local login: make PostgreSQL check the application's password
        Files.writeString(data.resolve("pg").resolve("pg_hba.conf"), """
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """);
        admin("SELECT pg_reload_conf()");
        secrets = SecretsManagerClient.builder()
                .endpointOverride(MotoServer.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stop() {
        if (secrets != null) {
            secrets.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theUrlIsReadOnce_andAgainAfterThePasswordWasRotatedUnderARunningPool() throws Exception {
        assertThatThrownBy(() -> DriverManager.getConnection(url("not-the-password")).close())
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        String arn = secrets.createSecret(r -> r.name("docpipe-db-" + UUID.randomUUID())
                .secretString(secret("first-password"))).arn();
        DatabaseSecret source = new DatabaseSecret(secrets, arn);

        try (PostgresJobStore store = PostgresJobStore.connect(source, 2, Clock.systemUTC())) {
            Job job = Jobs.queued("owner-1", Instant.now());
            assertThat(store.createIfAbsent(job).created()).isTrue();
            assertThat(store.get(job.id())).contains(job);
            assertThat(source.reads()).as("read once for the pool's connections").isOne();

            // rotation: the database and the secret get a new password, the old connections are gone
            admin("ALTER ROLE docpipe PASSWORD 'second-password'");
            secrets.putSecretValue(r -> r.secretId(arn).secretString(secret("second-password")));
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'docpipe'");
            Thread.sleep(600); // past the pool's window in which it hands out a connection unchecked

            assertThat(store.get(job.id())).contains(job);
            assertThat(source.reads()).as("read again after the refused login").isEqualTo(2);
            assertThat(source.url()).contains("second-password");
        }
    }

    @Test
    void aSecretWithoutAJdbcUrl_isAClearErrorWithoutItsContent() {
        String arn = secrets.createSecret(r -> r.name("docpipe-db-" + UUID.randomUUID())
                .secretString("{\"password\":\"hunter2\"}")).arn();

        assertThatThrownBy(() -> new DatabaseSecret(secrets, arn).url())
                .isInstanceOf(DocpipeException.class)
                .hasMessageContaining("key \"url\"").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new DatabaseSecret(secrets, arn + "-missing").url())
                .isInstanceOf(DocpipeException.class)
                .satisfies(e -> assertThat(((DocpipeException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    private static String url(String password) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/rotation?user=docpipe&password=" + password;
    }

    private static String secret(String password) {
        return "{\"url\": \"" + url(password) + "\"}";
    }

    private static void admin(String sql) throws SQLException {
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }
}
