package dev.docpipe.standins.s3;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The s3proxy blob store with S3 event notifications added: after each successful write that
 * creates an object (PutObject and POST uploads, CopyObject, CompleteMultipartUpload) every
 * {@link Rule} matching the bucket and key prefix hears about it. s3proxy 4 routes exactly these
 * three operations through {@code putBlob}, {@code copyBlob} and {@code completeMultipartUpload};
 * the store's own internal writes (parts, copies inside the store) do not pass through this wrapper.
 *
 * <p>It also hides s3proxy's write-in-progress files from listings: the NIO2 stores write an object to
 * {@code <key>-<random UUID>} and then rename it to {@code <key>}, so while a write runs (or after a
 * crash interrupted one) that file would be listed as an object. See {@link #isPartialWrite(String)}.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyingBlobStore.class);
    /** s3proxy writes placeholder objects with this prefix for some back ends; never user data. */
    private static final String S3PROXY_STUB_PREFIX = ".s3proxy-mpu-stub-";
    /** s3proxy's name for an object being written: the key, a dash, a random (version 4) UUID. */
    private static final Pattern PARTIAL_WRITE = Pattern.compile(
            ".+-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /** A notification configuration: objects created in {@code bucket} with keys starting with {@code prefix}. */
    record Rule(String bucket, String prefix, UploadListener listener) {
        Rule {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(listener, "listener");
        }

        boolean matches(String bucketName, String key) {
            return bucket.equals(bucketName) && key.startsWith(prefix);
        }
    }

    private final List<Rule> rules;

    /** @param rules live view (a concurrent list): rules added later apply to later writes */
    NotifyingBlobStore(BlobStore delegate, List<Rule> rules) {
        super(delegate);
        this.rules = rules;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        PutObjectResponse response = super.putBlob(request, input);
        created(request.bucket(), request.key(), S3EventNotifications.OBJECT_CREATED_PUT);
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        created(request.destinationBucket(), request.destinationKey(), S3EventNotifications.OBJECT_CREATED_COPY);
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        created(upload.containerName(), upload.blobName(),
                S3EventNotifications.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD);
        return response;
    }

    /**
     * Whether {@code name} (a key or a file name) has the form of s3proxy's write-in-progress file. A key
     * a client chose in that form is hidden too (and removed at the next start): docpipe's own keys
     * never end in a dash and a random UUID.
     */
    static boolean isPartialWrite(String name) {
        return PARTIAL_WRITE.matcher(name).matches();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response response = super.list(request);
        if (!response.hasContents() || response.contents().stream().noneMatch(o -> isPartialWrite(o.key()))) {
            return response;
        }
        var complete = response.contents().stream().filter(o -> !isPartialWrite(o.key())).toList();
        return response.toBuilder().contents(complete).keyCount(complete.size()
                + (response.hasCommonPrefixes() ? response.commonPrefixes().size() : 0)).build();
    }

    private void created(String bucket, String key, String eventName) {
        if (bucket == null || key == null || key.startsWith(S3PROXY_STUB_PREFIX)) {
            return;
        }
        List<Rule> matching = rules.stream().filter(r -> r.matches(bucket, key)).toList();
        if (matching.isEmpty()) {
            return;
        }
        HeadObjectResponse head;
        try {
            head = delegate().blobMetadataIfPresent(bucket, key);
        } catch (RuntimeException e) {
            LOG.warn("no notification for s3://{}/{}: its metadata could not be read: {}", bucket, key, e.toString());
            return;
        }
        if (head == null) {
            LOG.warn("no notification for s3://{}/{}: it was gone right after {}", bucket, key, eventName);
            return;
        }
        long size = head.contentLength() == null ? 0L : head.contentLength();
        String etag = unquote(head.eTag());
        for (Rule rule : matching) {
            try {
                rule.listener().onObjectCreated(bucket, key, size, etag, eventName);
            } catch (RuntimeException e) {
                LOG.warn("upload listener failed for {} of s3://{}/{}", eventName, bucket, key, e);
            }
        }
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
