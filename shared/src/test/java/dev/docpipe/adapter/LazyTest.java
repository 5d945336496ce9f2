package dev.docpipe.adapter;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LazyTest {

    @Test
    void buildsOnFirstGet_andOnlyOnce() {
        AtomicInteger builds = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> "client " + builds.incrementAndGet());

        assertThat(lazy.isBuilt()).isFalse();
        assertThat(builds).hasValue(0);
        assertThat(lazy.get()).isEqualTo("client 1");
        assertThat(lazy.get()).isEqualTo("client 1");
        assertThat(lazy.isBuilt()).isTrue();
        assertThat(builds).hasValue(1);
    }

    @Test
    void aFailedBuild_isTriedAgainByTheNextGet() {
        AtomicInteger builds = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> {
            if (builds.incrementAndGet() == 1) {
                throw new IllegalStateException("no region");
            }
            return "client";
        });

        assertThatThrownBy(lazy::get).hasMessage("no region");
        assertThat(lazy.isBuilt()).isFalse();
        assertThat(lazy.get()).isEqualTo("client");
        assertThat(builds).hasValue(2);
    }

    @Test
    void built_isBuiltAlready() {
        assertThat(Lazy.built("client").isBuilt()).isTrue();
        assertThat(Lazy.built("client").get()).isEqualTo("client");
    }
}
