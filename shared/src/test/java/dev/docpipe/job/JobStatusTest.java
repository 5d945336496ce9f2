package dev.docpipe.job;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static dev.docpipe.job.JobStatus.CANCELLED;
import static dev.docpipe.job.JobStatus.COMPLETED;
import static dev.docpipe.job.JobStatus.FAILED;
import static dev.docpipe.job.JobStatus.QUEUED;
import static dev.docpipe.job.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

/** Every (from, to) pair of the transition table, checked against the design's list. */
class JobStatusTest {
    /** The design's allowed moves, written out independently of the enum's table. */
    private static final Set<String> ALLOWED = Set.of(
            "QUEUED>QUEUED", "QUEUED>RUNNING", "QUEUED>FAILED", "QUEUED>CANCELLED",
            "RUNNING>RUNNING", "RUNNING>COMPLETED", "RUNNING>FAILED", "RUNNING>CANCELLED",
            "FAILED>QUEUED", "CANCELLED>QUEUED");

    static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void canMoveTo_matchesTheDesignForEveryPair(JobStatus from, JobStatus to) {
        assertThat(from.canMoveTo(to)).isEqualTo(ALLOWED.contains(from + ">" + to));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void startsNewAttempt_onlyWhenLeavingFailedOrCancelledForQueued(JobStatus from, JobStatus to) {
        boolean expected = (from == FAILED || from == CANCELLED) && to == QUEUED;
        assertThat(from.startsNewAttempt(to)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void terminalStatusesNeverMoveForwardAgain(JobStatus from, JobStatus to) {
        if (from == COMPLETED) {
            assertThat(from.canMoveTo(to)).isFalse();
        }
        if (from.isTerminal() && to != QUEUED) {
            assertThat(from.canMoveTo(to)).isFalse();
        }
        if (to == QUEUED && from == RUNNING) {
            assertThat(from.canMoveTo(to)).isFalse();
        }
    }
}
