package dev.docpipe.job;

import java.util.Objects;

/**
 * Where a job's document comes from: an S3 object ({@code s3://bucket/key}), inline content (stored
 * in S3 at submission, so its location is an S3 URI too) or a URL fetched by the parse stage.
 */
public record Source(Kind kind, String location) {
    public enum Kind { S3, INLINE, URL }

    public Source {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
    }

    public static Source s3(String bucket, String key) {
        return new Source(Kind.S3, "s3://" + bucket + "/" + key);
    }

    public static Source inline(String bucket, String key) {
        return new Source(Kind.INLINE, "s3://" + bucket + "/" + key);
    }

    public static Source url(String url) {
        return new Source(Kind.URL, url);
    }
}
