package dev.docpipe.adapter.s3;

import dev.docpipe.standins.moto.MotoServer;
import dev.docpipe.testing.DynamoDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link S3BlobsCopyContract} against moto's S3, with the client settings the functions use on AWS (checksums only
 * where an operation requires one, as DeleteObjects does): a reading of CopyObject or DeleteObjects that s3proxy
 * happens to accept shows up here. Skipped, with the reason, where Python's moto is missing.
 */
class MotoBlobsCopyIT extends S3BlobsCopyContract {
    private static S3Client s3;
    private static S3Presigner presigner;
    private static S3Blobs blobs;

    @BeforeAll
    static void start() {
        DynamoDb.assumeMoto();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        s3 = S3Client.builder()
                .endpointOverride(MotoServer.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        presigner = S3Presigner.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        s3.createBucket(b -> b.bucket(BUCKET));
        blobs = new S3Blobs(s3, presigner);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
            presigner.close();
        }
    }

    @Override
    protected S3Blobs blobs() {
        return blobs;
    }
}
