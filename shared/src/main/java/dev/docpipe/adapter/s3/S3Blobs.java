package dev.docpipe.adapter.s3;

import dev.docpipe.adapter.AwsHttp;
import dev.docpipe.adapter.Lazy;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link Blobs} on Amazon S3 (or anything speaking its protocol: LocalStack, the s3proxy stand-in).
 *
 * <p>Services never see SDK types: a missing object is an empty result, every other failure
 * (network, throttling, access denied, a missing bucket) is a {@link DocpipeException} with
 * {@link ErrorCode#STORE_UNAVAILABLE}. ETags are returned without their quotes.
 */
public final class S3Blobs implements Blobs {
    /** Set to {@code true} to address buckets as {@code endpoint/bucket/key} (stand-ins, LocalStack). */
    public static final String PATH_STYLE_ENV = "DOCPIPE_S3_PATH_STYLE";

    private static final Logger LOG = LoggerFactory.getLogger(S3Blobs.class);
    private static final int MAX_KEYS_PER_PAGE = 1000;

    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;

    public S3Blobs(S3Client s3, S3Presigner presigner) {
        this(Lazy.built(Objects.requireNonNull(s3, "s3")), Lazy.built(Objects.requireNonNull(presigner, "presigner")));
    }

    private S3Blobs(Lazy<S3Client> s3, Lazy<S3Presigner> presigner) {
        this.s3 = s3;
        this.presigner = presigner;
    }

    /**
     * Clients built once (each on first use) from the SDK's standard environment: {@code AWS_REGION}, credentials,
     * {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}; path-style addressing when
     * {@code DOCPIPE_S3_PATH_STYLE=true}. Call once per execution environment and keep the result.
     */
    public static S3Blobs fromEnvironment() {
        return fromEnvironment(Boolean.parseBoolean(System.getenv(PATH_STYLE_ENV)));
    }

    static S3Blobs fromEnvironment(boolean pathStyle) {
        // each built on first use: the client only by functions that read or write objects, the
        // presigner only by the API's pre-signed upload and download URLs
        return new S3Blobs(Lazy.of(() -> S3Client.builder()
                .httpClient(AwsHttp.client())
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()),
                Lazy.of(() -> S3Presigner.builder()
                        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build())
                        .build()));
    }

    @Override
    public void put(BlobRef ref, byte[] bytes, String contentType, Map<String, String> metadata) {
        Objects.requireNonNull(bytes, "bytes");
        call(ref, () -> s3.get().putObject(b -> b.bucket(ref.bucket()).key(ref.key())
                        .contentType(contentType)
                        .metadata(metadata == null ? Map.of() : metadata),
                RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<Blob> get(BlobRef ref) {
        return callOrMissing(ref, () -> {
            ResponseBytes<GetObjectResponse> object = s3.get().getObjectAsBytes(b -> b.bucket(ref.bucket()).key(ref.key()));
            GetObjectResponse r = object.response();
            BlobInfo info = new BlobInfo(ref, r.contentLength(), unquote(r.eTag()), r.contentType(), r.metadata(),
                    r.lastModified());
            return new Blob(info, object.asByteArray());
        });
    }

    @Override
    public Optional<BlobInfo> head(BlobRef ref) {
        return callOrMissing(ref, () -> {
            HeadObjectResponse r = s3.get().headObject(b -> b.bucket(ref.bucket()).key(ref.key()));
            return new BlobInfo(ref, r.contentLength(), unquote(r.eTag()), r.contentType(), r.metadata(),
                    r.lastModified());
        });
    }

    @Override
    public void delete(BlobRef ref) {
        call(ref, () -> s3.get().deleteObject(b -> b.bucket(ref.bucket()).key(ref.key())));
    }

    /** CopyObject with {@code REPLACE}: the new content type and metadata, the bytes copied by S3. */
    @Override
    public boolean copy(BlobRef from, BlobRef to, String contentType, Map<String, String> metadata) {
        return callOrMissing(from, () -> s3.get().copyObject(b -> b.sourceBucket(from.bucket()).sourceKey(from.key())
                .destinationBucket(to.bucket()).destinationKey(to.key())
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType(contentType)
                .metadata(metadata == null ? Map.of() : metadata))).isPresent();
    }

    /**
     * DeleteObjects, quiet, up to 1,000 keys a request per bucket. S3 reports a missing key as deleted; a key it
     * could not delete (its {@code Errors}) makes the call fail as {@code store_unavailable}; the first such key and
     * S3's reason for it are logged at debug level, as the SDK exceptions of the other calls are.
     */
    @Override
    public void deleteAll(List<BlobRef> refs) {
        Map<String, List<String>> byBucket = new LinkedHashMap<>();
        refs.forEach(ref -> byBucket.computeIfAbsent(ref.bucket(), b -> new ArrayList<>()).add(ref.key()));
        byBucket.forEach((bucket, keys) -> {
            for (int from = 0; from < keys.size(); from += MAX_KEYS_PER_PAGE) {
                List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_PAGE))
                        .stream().map(key -> ObjectIdentifier.builder().key(key).build()).toList();
                DeleteObjectsResponse r = call(bucket, () -> s3.get().deleteObjects(b -> b.bucket(bucket)
                        .delete(d -> d.objects(batch).quiet(true))));
                if (!r.errors().isEmpty()) {
                    S3Error first = r.errors().get(0);
                    LOG.debug("object storage could not delete {} of {} keys in {}, first {}: {} {}", r.errors().size(),
                            batch.size(), bucket, first.key(), first.code(), first.message());
                    throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "object storage unavailable");
                }
            }
        });
    }

    /**
     * ListObjectsV2 pages until {@code limit} objects are collected. Listing carries no content type
     * and no user metadata: those fields are null and empty; use {@link #head} when they matter.
     */
    @Override
    public List<BlobInfo> list(String bucket, String prefix, String startAfter, int limit) {
        Objects.requireNonNull(bucket, "bucket");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        List<BlobInfo> found = new ArrayList<>(Math.min(limit, MAX_KEYS_PER_PAGE));
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .maxKeys(Math.min(limit - found.size(), MAX_KEYS_PER_PAGE));
            if (token != null) {
                request.continuationToken(token);
            } else if (startAfter != null && !startAfter.isEmpty()) {
                request.startAfter(startAfter);
            }
            ListObjectsV2Response page = call(bucket, () -> s3.get().listObjectsV2(request.build()));
            for (S3Object object : page.contents()) {
                if (found.size() == limit) {
                    break;
                }
                found.add(new BlobInfo(new BlobRef(bucket, object.key()), object.size(), unquote(object.eTag()),
                        null, Map.of(), object.lastModified()));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null && found.size() < limit);
        return found;
    }

    /** The content type is signed: the upload must send exactly this {@code Content-Type}. */
    @Override
    public URI presignPut(BlobRef ref, Duration expiry, String contentType, Map<String, String> metadata) {
        Objects.requireNonNull(contentType, "contentType");
        return presigned(ref, () -> presigner.get().presignPutObject(p -> p.signatureDuration(expiry)
                .putObjectRequest(o -> o.bucket(ref.bucket()).key(ref.key()).contentType(contentType)
                        .metadata(metadata))).url());
    }

    @Override
    public URI presignGet(BlobRef ref, Duration expiry) {
        return presigned(ref, () -> presigner.get().presignGetObject(p -> p.signatureDuration(expiry)
                .getObjectRequest(o -> o.bucket(ref.bucket()).key(ref.key()))).url());
    }

    private static URI presigned(BlobRef ref, Supplier<URL> presign) {
        URL url = call(ref, presign);
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("presigned URL for " + ref + " is not a URI", e);
        }
    }

    private <T> Optional<T> callOrMissing(BlobRef ref, Supplier<T> action) {
        try {
            return Optional.of(action.get());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // HEAD has no body, so a 404 carries no error code: missing key and missing bucket look alike.
            // A GET of a missing bucket says NoSuchBucket and stays an error (configuration, not absence).
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return Optional.empty();
            }
            throw unavailable(ref.toString(), e);
        } catch (SdkException e) {
            throw unavailable(ref.toString(), e);
        }
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    private static <T> T call(BlobRef ref, Supplier<T> action) {
        return call(ref.toString(), action);
    }

    private static <T> T call(String target, Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw unavailable(target, e);
        }
    }

    /** The SDK exception stays the cause, for logs; services only see the code. */
    private static DocpipeException unavailable(String target, SdkException cause) {
        LOG.debug("object storage call on {} failed: {}", target, cause.toString());
        return new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "object storage unavailable", null, cause);
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

}
