package dev.docpipe.port;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Object storage (S3): documents, intermediates (claim checks) and PDFs. */
public interface Blobs {

    void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata);

    /** The object, or empty if there is none. */
    Optional<Blob> get(BlobRef ref);

    /** Size, ETag, content type and user metadata without the body, or empty if there is none. */
    Optional<BlobInfo> head(BlobRef ref);

    void delete(BlobRef ref);

    /**
     * Copies the object at {@code from} to {@code to}, its content type and user metadata replaced by those given.
     * False, and nothing written, if there is no object at {@code from}. This default reads the object and writes it
     * again; a store that copies on its side (S3's CopyObject) overrides it, and then no byte passes through the caller.
     */
    default boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
        Optional<Blob> source = get(from);
        source.ifPresent(blob -> put(to, blob.bytes(), contentType, metadata));
        return source.isPresent();
    }

    /**
     * Deletes every object named; a missing one is fine. This default deletes them one by one, in order; a store
     * that deletes several in one request overrides it (in which order it deletes them is then the store's).
     */
    default void deleteAll(List<BlobRef> refs) {
        refs.forEach(this::delete);
    }

    /** Up to {@code limit} objects under {@code prefix}, in key order, starting after {@code startAfter} (nullable). */
    List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit);

    /** A URL that lets its holder PUT this one object until it expires. */
    default URI presignPut(BlobRef ref, Duration expiry, String contentType) {
        return presignPut(ref, expiry, contentType, Map.of());
    }

    /**
     * Like {@link #presignPut(BlobRef, Duration, String)}, with user metadata the signature covers: the
     * PUT must send each entry as an {@code x-amz-meta-<name>} header with exactly that value.
     */
    URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata);

    /** A URL that lets its holder GET this one object until it expires. */
    URI presignGet(BlobRef ref, Duration expiry);

    record Blob(BlobInfo info, byte[] bytes) {
    }

    /** @param etag the ETag without quotes */
    record BlobInfo(BlobRef ref, long size, String etag, String contentType, Map<String, String> metadata,
                    Instant lastModified) {
        public BlobInfo {
            metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
        }
    }
}
