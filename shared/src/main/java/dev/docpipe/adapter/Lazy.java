package dev.docpipe.adapter;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value built on its first {@link #get()} and kept: SDK clients a Lambda function builds from its
 * environment, so that a function whose events never touch a service does not pay for its client at
 * start-up. A build that throws is tried again by the next {@code get()}.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> build;
    private volatile T value;

    private Lazy(Supplier<? extends T> build) {
        this.build = build;
    }

    /** Built by {@code build} on first use. */
    public static <T> Lazy<T> of(Supplier<? extends T> build) {
        return new Lazy<>(Objects.requireNonNull(build, "build"));
    }

    /** Already built. */
    public static <T> Lazy<T> built(T value) {
        Lazy<T> lazy = new Lazy<>(() -> value);
        lazy.value = Objects.requireNonNull(value, "value");
        return lazy;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(build.get(), "built null");
                    value = v;
                }
            }
        }
        return v;
    }

    /** Whether the value has been built (tests; {@code get()} builds it). */
    public boolean isBuilt() {
        return value != null;
    }
}
