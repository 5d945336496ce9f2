package dev.docpipe.adapter.redis;

import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class OutageLogTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final RecordingLogger logger = new RecordingLogger();
    private final OutageLog outages = new OutageLog(logger, clock, Duration.ofSeconds(30), "127.0.0.1:6379");

    @Test
    void manyFallbacksInOneInterval_logOneWarn_thenOneWarnPerIntervalWithTheCount() {
        for (int i = 0; i < 100; i++) {
            outages.fallback("RedisException: Currently not connected");
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(logger.at(Level.WARN)).hasSize(1);
        assertThat(logger.at(Level.WARN).getFirst()).contains("1 fallback(s)").contains("Currently not connected");

        // 10 s later: the interval (30 s since the first WARN) has passed.
        clock.advance(Duration.ofSeconds(20));
        outages.fallback("RedisCommandTimeoutException: Command timed out after 100 millisecond(s)");

        assertThat(logger.at(Level.WARN)).hasSize(2);
        assertThat(logger.at(Level.WARN).get(1)).contains("100 fallback(s)").contains("timed out");
    }

    @Test
    void success_afterAWarn_logsOneInfo_andLaterSuccessesLogNothing() {
        outages.fallback("refused");
        outages.fallback("refused");
        clock.advance(Duration.ofSeconds(5));

        outages.success();
        outages.success();

        assertThat(logger.at(Level.INFO)).singleElement().asString()
                .contains("usable again after 5000 ms").contains("2 call(s)");
    }

    @Test
    void successesWithoutFallback_logNothing() {
        outages.success();
        outages.success();

        assertThat(logger.lines()).isEmpty();
    }

    @Test
    void flappingRedis_stillLogsAtMostOneWarnPerInterval_andCountsTheUnreportedFallbacks() {
        outages.fallback("refused");   // WARN #1
        outages.success();             // INFO #1
        for (int i = 0; i < 10; i++) { // ten short outages within the interval: no WARN, no INFO
            clock.advance(Duration.ofSeconds(1));
            outages.fallback("refused");
            outages.success();
        }
        assertThat(logger.at(Level.WARN)).hasSize(1);
        assertThat(logger.at(Level.INFO)).hasSize(1);

        clock.advance(Duration.ofSeconds(30));
        outages.fallback("refused");   // WARN #2 reports the ten unreported ones and this one

        assertThat(logger.at(Level.WARN)).hasSize(2);
        assertThat(logger.at(Level.WARN).get(1)).contains("11 fallback(s)");
    }
}
