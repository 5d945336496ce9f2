package dev.docpipe.config;

import dev.docpipe.job.Stage;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each SQS-consuming function may run, and the one rule that derives every queue's
 * visibility timeout from its consumer's: {@value #VISIBILITY_FACTOR} × the consumer's timeout (AWS's
 * advice for Lambda event sources), rounded up to whole seconds. template.yaml states the deployed
 * values ({@link #DEPLOYED}; a deploy test holds the two together); local mode and the tests create
 * their queues and stage leases from the same record, so no queue redelivers a message while its
 * consumer may still be working on it.
 */
public record FunctionTimeouts(Duration ingest, Duration parse, Duration render, Duration store, Duration deadLetter) {
    public static final int VISIBILITY_FACTOR = 6;

    /** The functions' {@code Timeout} in template.yaml. */
    public static final FunctionTimeouts DEPLOYED = new FunctionTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(180), Duration.ofSeconds(60), Duration.ofSeconds(60));

    public FunctionTimeouts {
        for (Duration d : new Duration[] {ingest, parse, render, store, deadLetter}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero() || visibilityOf(d).compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("a function timeout must be > 0 and at most 2 h: " + d);
            }
        }
    }

    /** Every function with the same timeout (tests that need short redelivery). */
    public static FunctionTimeouts uniform(Duration timeout) {
        return new FunctionTimeouts(timeout, timeout, timeout, timeout, timeout);
    }

    /** The timeout of the function that consumes {@code stage}'s queues. */
    public Duration of(Stage stage) {
        return switch (stage) {
            case PARSE -> parse;
            case RENDER -> render;
            case STORE -> store;
        };
    }

    /** Visibility of {@code stage}'s work queues. */
    public Duration visibility(Stage stage) {
        return visibilityOf(of(stage));
    }

    public Duration ingestVisibility() {
        return visibilityOf(ingest);
    }

    /** Visibility of every dead-letter queue (consumed by the dead-letter function). */
    public Duration deadLetterVisibility() {
        return visibilityOf(deadLetter);
    }

    /** The rule: {@value #VISIBILITY_FACTOR} × {@code consumerTimeout}, rounded up to whole seconds. */
    public static Duration visibilityOf(Duration consumerTimeout) {
        Duration six = consumerTimeout.multipliedBy(VISIBILITY_FACTOR);
        long seconds = six.getSeconds() + (six.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(seconds);
    }
}
