package dev.docpipe.port;

import java.util.Objects;

/** An object in a bucket; its text form is {@code s3://bucket/key}. */
public record BlobRef(String bucket, String key) {
    public BlobRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("bucket and key must not be empty");
        }
    }

    public static BlobRef parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// location: " + uri);
        }
        int slash = uri.indexOf('/', 5);
        if (slash < 0) {
            throw new IllegalArgumentException("no key in " + uri);
        }
        return new BlobRef(uri.substring(5, slash), uri.substring(slash + 1));
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
