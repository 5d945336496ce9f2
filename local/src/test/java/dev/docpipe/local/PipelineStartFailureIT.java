package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.standins.RedisStandIn;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job store and Redis start on threads of their own while SQS and S3 start: when one of them
 * fails, the start fails with its error and stops what the others started.
 */
class PipelineStartFailureIT {
    @Test
    void aJobStoreThatCannotStart_failsTheStart_andLeavesNoRedisServerRunning() throws Exception {
        String nothingListens = "http://127.0.0.1:" + RedisStandIn.freePort();
        LocalPipeline.Options options = LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, true)
                .withSettings(Map.of(LocalPipeline.DYNAMODB_ENDPOINT, nothingListens));
        Set<Long> before = redisServers();

        // the DynamoDB client's own error, not a wrapper of the thread it started on
        assertThatThrownBy(() -> LocalPipeline.start(options)).isInstanceOf(SdkClientException.class);

        long deadline = System.nanoTime() + 15_000_000_000L;
        Set<Long> left = newRedisServers(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = newRedisServers(before);
        }
        assertThat(left).as("redis-server processes this start left running").isEmpty();
    }

    private static Set<Long> newRedisServers(Set<Long> before) {
        Set<Long> now = redisServers();
        now.removeAll(before);
        return now;
    }

    private static Set<Long> redisServers() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
