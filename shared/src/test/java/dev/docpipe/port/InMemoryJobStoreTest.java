package dev.docpipe.port;

import dev.docpipe.testing.InMemoryJobStore;
import dev.docpipe.testing.MutableClock;

/** The contract against the in-memory fake, so service tests can trust it. */
class InMemoryJobStoreTest extends JobStoreContract {
    @Override
    protected JobStore newStore(MutableClock clock) {
        return new InMemoryJobStore(clock);
    }
}
