package dev.docpipe.testing;

import dev.docpipe.job.DedupKey;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A fake {@link Blobs} for service tests. */
public final class InMemoryBlobs implements Blobs {
    private final ConcurrentSkipListMap<String, Blob> objects = new ConcurrentSkipListMap<>();
    private Instant now = Instant.parse("2026-11-25T09:00:00Z");

    public void putAt(BlobRef ref, byte[] bytes, Map<String, String> metadata, Instant lastModified) {
        objects.put(ref.toString(), new Blob(new BlobInfo(ref, bytes.length, DedupKey.sha256Hex(bytes).substring(0, 32),
                "application/octet-stream", metadata, lastModified), bytes.clone()));
    }

    @Override
    public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
        objects.put(ref.toString(), new Blob(new BlobInfo(ref, bytes.length, DedupKey.sha256Hex(bytes).substring(0, 32),
                contentType, metadata, now), bytes.clone()));
    }

    @Override
    public Optional<Blob> get(BlobRef ref) {
        return Optional.ofNullable(objects.get(ref.toString()));
    }

    @Override
    public Optional<BlobInfo> head(BlobRef ref) {
        return get(ref).map(Blob::info);
    }

    @Override
    public void delete(BlobRef ref) {
        objects.remove(ref.toString());
    }

    @Override
    public List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit) {
        String from = "s3://" + bucket + "/" + (startAfter == null ? prefix : startAfter);
        return objects.tailMap(from, startAfter == null).values().stream()
                .map(Blob::info)
                .filter(i -> i.ref().bucket().equals(bucket) && i.ref().key().startsWith(prefix))
                .limit(limit)
                .toList();
    }

    @Override
    public URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata) {
        return URI.create("http://blobs.test/" + ref.key() + "?put");
    }

    @Override
    public URI presignGet(BlobRef ref, Duration expiry) {
        return URI.create("http://blobs.test/" + ref.key() + "?get");
    }
}
