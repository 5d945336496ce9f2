package dev.docpipe.local;

import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link Blobs} that forwards every call; tests override what they observe. */
public class ForwardingBlobs implements Blobs {
    private final Blobs real;

    public ForwardingBlobs(Blobs real) {
        this.real = real;
    }

    @Override
    public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
        real.put(ref, bytes, contentType, metadata);
    }

    @Override
    public Optional<Blob> get(BlobRef ref) {
        return real.get(ref);
    }

    @Override
    public Optional<BlobInfo> head(BlobRef ref) {
        return real.head(ref);
    }

    @Override
    public void delete(BlobRef ref) {
        real.delete(ref);
    }

    @Override
    public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
        return real.copy(from, to, contentType, metadata);
    }

    @Override
    public void deleteAll(List<BlobRef> refs) {
        real.deleteAll(refs);
    }

    @Override
    public List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit) {
        return real.list(bucket, prefix, startAfter, limit);
    }

    @Override
    public URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata) {
        return real.presignPut(ref, expiry, contentType, metadata);
    }

    @Override
    public URI presignGet(BlobRef ref, Duration expiry) {
        return real.presignGet(ref, expiry);
    }
}
