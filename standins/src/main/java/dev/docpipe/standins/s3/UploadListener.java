package dev.docpipe.standins.s3;

/**
 * Told about every object written under a watched {@code (bucket, prefix)} of an {@link S3StandIn}:
 * what an S3 event notification configuration ({@code s3:ObjectCreated:*}) would deliver.
 *
 * <p>Called on the stand-in's request thread after the write succeeded and before the client gets
 * its response, so it must be thread-safe and quick. An exception is logged and swallowed: as in S3,
 * a failed notification never fails the upload.
 */
@FunctionalInterface
public interface UploadListener {

    /**
     * @param key       the object key, not URL-encoded
     * @param etag      the ETag without quotes (hex MD5, or {@code md5-N} after a multipart upload)
     * @param eventName {@code ObjectCreated:Put}, {@code ObjectCreated:CompleteMultipartUpload} or
     *                  {@code ObjectCreated:Copy} (see {@link S3EventNotifications})
     */
    void onObjectCreated(String bucket, String key, long size, String etag, String eventName);
}
