package dev.docpipe.testing;

import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A fake {@link StageQueues} that records what was sent. */
public final class RecordingQueues implements StageQueues {
    private final List<StageMessage> sent = new ArrayList<>();

    @Override
    public synchronized void send(StageMessage message) {
        sent.add(message);
    }

    @Override
    public synchronized void send(StageMessage message, Duration delay) {
        sent.add(message);
    }

    public synchronized List<StageMessage> sent() {
        return List.copyOf(sent);
    }

    public synchronized void clear() {
        sent.clear();
    }
}
