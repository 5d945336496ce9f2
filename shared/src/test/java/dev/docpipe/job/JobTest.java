package dev.docpipe.job;

import dev.docpipe.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    /** A job in {@code status}, reached through allowed moves. */
    private static Job in(JobStatus status) {
        Job job = Jobs.queued("alice", T0);
        return switch (status) {
            case QUEUED -> job;
            case RUNNING -> job.apply(JobChange.to(JobStatus.RUNNING, T0).build());
            case COMPLETED, FAILED -> job.apply(JobChange.to(JobStatus.RUNNING, T0).build())
                    .apply(JobChange.to(status, T0).build());
            case CANCELLED -> job.apply(JobChange.to(JobStatus.CANCELLED, T0).build());
            case ERASED -> job.apply(JobChange.to(JobStatus.RUNNING, T0).build()).tombstone(T0, T0.plus(Duration.ofDays(1)));
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void apply_followsTheTransitionTableForEveryPair(JobStatus from, JobStatus to) {
        Job job = in(from);
        JobChange change = JobChange.to(to, T0.plusSeconds(1)).build();
        if (from.canMoveTo(to)) {
            assertThat(job.apply(change).status()).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> job.apply(change)).isInstanceOf(IllegalTransitionException.class)
                    .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        }
    }

    @Test
    void apply_stageBackwardsWithinAnAttempt_isRejected() {
        Job rendering = in(JobStatus.QUEUED).apply(JobChange.to(JobStatus.RUNNING, T0).stage(Stage.RENDER).build());

        assertThatThrownBy(() -> rendering.apply(JobChange.to(JobStatus.RUNNING, T0).stage(Stage.PARSE).build()))
                .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void apply_retryOfAFailedJob_startsAttemptTwoFromTheFirstStage() {
        Job failed = in(JobStatus.QUEUED)
                .apply(JobChange.to(JobStatus.RUNNING, T0).stage(Stage.STORE).build())
                .apply(JobChange.to(JobStatus.FAILED, T0).error(new JobError(ErrorCode.RENDER_FAILED, "bad"))
                        .expiresAt(T0.plus(Duration.ofDays(1))).build());

        Job retried = failed.apply(JobChange.to(JobStatus.QUEUED, T0.plusSeconds(5)).stamp("queued", T0.plusSeconds(5)).build());

        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.stage()).isEqualTo(Stage.PARSE);
        assertThat(retried.error()).isNull();
        assertThat(retried.expiresAt()).isNull();
        assertThat(retried.updatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void tombstone_keepsIdOwnerAndTimes_andNothingOfTheDocument() {
        Job done = in(JobStatus.QUEUED).apply(JobChange.to(JobStatus.RUNNING, T0).stage(Stage.STORE).format(Format.HTML).build())
                .apply(JobChange.to(JobStatus.COMPLETED, T0).result(new JobResult("s3://b/pdf/x.pdf", 2, 100))
                        .expiresAt(T0.plus(Duration.ofDays(1))).build());

        Job tombstone = done.tombstone(T0.plusSeconds(9), T0.plus(Duration.ofDays(30)));

        assertThat(tombstone.id()).isEqualTo(done.id());
        assertThat(tombstone.owner()).isEqualTo("alice");
        assertThat(tombstone.status()).isEqualTo(JobStatus.ERASED);
        assertThat(tombstone.createdAt()).isEqualTo(done.createdAt());
        assertThat(tombstone.timestamps()).isEqualTo(java.util.Map.of("erased", T0.plusSeconds(9)));
        assertThat(tombstone.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
        assertThat(tombstone.filename()).isNull();
        assertThat(tombstone.format()).isNull();
        assertThat(tombstone.options()).isEmpty();
        assertThat(tombstone.source().location()).isEmpty();
        assertThat(tombstone.dedupKey()).isEqualTo(Job.erasedDedupKey(done.id())).isNotEqualTo(done.dedupKey());
        assertThat(tombstone.result()).isNull();
        assertThat(tombstone.error()).isNull();
        assertThat(tombstone.status().isTerminal()).isTrue();
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Job job = Jobs.queued("alice", Instant.parse("2026-11-25T10:00:00.123456789Z"));

        assertThat(job.createdAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00.123Z"));
        assertThat(job.timestamps().get("queued")).isEqualTo(Instant.parse("2026-11-25T10:00:00.123Z"));
    }

    @Test
    void isExpired_onlyOnceTheExpiryHasPassed() {
        Job done = in(JobStatus.CANCELLED).apply(JobChange.to(JobStatus.QUEUED, T0).build())
                .apply(JobChange.to(JobStatus.CANCELLED, T0).expiresAt(T0.plusSeconds(60)).build());

        assertThat(done.isExpired(T0.plusSeconds(59))).isFalse();
        assertThat(done.isExpired(T0.plusSeconds(60))).isTrue();
        assertThat(in(JobStatus.QUEUED).isExpired(T0.plus(Duration.ofDays(9999)))).isFalse();
    }
}
