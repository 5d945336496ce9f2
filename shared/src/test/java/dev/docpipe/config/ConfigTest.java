package dev.docpipe.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @Test
    void dynamodbByDefault_withItsTableRequired() {
        assertThatThrownBy(() -> Config.from(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("DOCPIPE_JOBS_TABLE is required but not set");

        Config c = Config.from(Map.of("DOCPIPE_JOBS_TABLE", "jobs"));

        assertThat(c.jobStore()).isEqualTo(Config.StoreKind.DYNAMODB);
        assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.redis()).isEmpty();
    }

    @Test
    void defaultOptions_areValidatedAtStart_andCanonical() {
        assertThat(Config.from(Map.of("DOCPIPE_JOBS_TABLE", "jobs")).defaultOptions()).isEmpty();
        assertThat(Config.from(Map.of("DOCPIPE_JOBS_TABLE", "jobs", "DOCPIPE_DEFAULT_OPTIONS", "paper=Letter&pdfa=false"))
                .defaultOptions()).containsOnly(Map.entry("paper", "letter"), Map.entry("pdfa", "off"));
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOBS_TABLE", "jobs", "DOCPIPE_DEFAULT_OPTIONS", "paper=b5")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("DOCPIPE_DEFAULT_OPTIONS: option 'paper'");
    }

    @Test
    void postgres_needsAJdbcUrl() {
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOB_STORE", "postgres")))
                .hasMessage("DOCPIPE_DATABASE_URL or DOCPIPE_DATABASE_SECRET_ARN is required but neither is set");
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOB_STORE", "postgres", "DOCPIPE_DATABASE_URL",
                "jdbc:postgresql://db/x", "DOCPIPE_DATABASE_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:db")))
                .hasMessage("DOCPIPE_DATABASE_URL and DOCPIPE_DATABASE_SECRET_ARN are both set: set one");
        assertThat(Config.from(Map.of("DOCPIPE_JOB_STORE", "postgres", "DOCPIPE_DATABASE_SECRET_ARN", "arn:s"))
                .databaseSecretArn()).isEqualTo("arn:s");
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOB_STORE", "postgres", "DOCPIPE_DATABASE_URL", "postgres://x")))
                .hasMessageStartingWith("DOCPIPE_DATABASE_URL must be a JDBC URL");
    }

    @Test
    void malformedValues_nameTheVariableAndTheAcceptedRange() {
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOB_STORE", "mysql")))
                .hasMessage("DOCPIPE_JOB_STORE must be one of dynamodb, postgres, got 'mysql'");
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t", "DOCPIPE_RETENTION_DAYS", "ten")))
                .hasMessage("DOCPIPE_RETENTION_DAYS must be a whole number between 1 and 3650, got 'ten'");
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t", "DOCPIPE_REDIS_URL", "http://cache")))
                .hasMessage("DOCPIPE_REDIS_URL must start with redis:// or rediss://");
    }

    @Test
    void redisMode_isStandaloneByDefault_clusterWhenSaid_andNothingElse() {
        assertThat(Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t")).redisMode())
                .isEqualTo(dev.docpipe.adapter.redis.RedisFastPath.Mode.STANDALONE);
        assertThat(Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t", "DOCPIPE_REDIS_MODE", "cluster")).redisMode())
                .isEqualTo(dev.docpipe.adapter.redis.RedisFastPath.Mode.CLUSTER);
        assertThatThrownBy(() -> Config.from(Map.of("DOCPIPE_JOBS_TABLE", "t", "DOCPIPE_REDIS_MODE", "sentinel")))
                .hasMessage("DOCPIPE_REDIS_MODE must be one of standalone, cluster, got 'sentinel'");
    }

    @Test
    void toString_masksPasswords() {
        Config c = Config.from(Map.of(
                "DOCPIPE_JOB_STORE", "postgres",
                "DOCPIPE_DATABASE_URL", "jdbc:postgresql://db:5432/docpipe?user=app&password=s3cret",
                "DOCPIPE_REDIS_URL", "rediss://default:t0ken@cache:6379"));

        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("t0ken")
                .contains("password=****").contains("rediss://default:****@cache:6379");
    }
}
